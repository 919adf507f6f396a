#!/usr/bin/env node
// The command line runs the TypeScript sources through tsx, so the CLI and the add-in share one code base without a second build.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => { process.exitCode = code; })
  .catch((err) => { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; });
