// `npm start`: sideload into desktop Excel where one can be (Windows/macOS); elsewhere (Linux, CI) build and serve
// the workbench (the task pane beside a live preview workbook, no Excel needed) and the add-in for Excel on the web,
// and say where each is.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const desktop = process.platform === 'win32' || process.platform === 'darwin';
const win = process.platform === 'win32';
const run = (cmd, args, opts = {}) => spawn(cmd, args, { stdio: 'inherit', shell: win, ...opts });

const port = Number(process.env.npm_package_config_dev_server_port || 3000);
const httpPort = Number(process.env.WORKBENCH_HTTP_PORT ?? 3001);
const workbench = httpPort ? `http://localhost:${httpPort}/workbench.html` : `https://localhost:${port}/workbench.html`;

if (desktop && !process.env.CI && !process.env.WORKBENCH_ONLY) {
  console.log(`Sideloading into desktop Excel. The workbench (no Excel needed) is also served: ${workbench}`);
  run('npx', ['office-addin-debugging', 'start', 'manifest.xml']).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('No desktop Excel on this machine: serving the workbench and the add-in for Excel on the web.');
  console.log(`  Workbench: ${workbench}  (the task pane beside a live preview workbook; open it in any browser)`);
  if (httpPort) console.log(`             also https://localhost:${port}/workbench.html`);
  console.log(`  Manifest:  https://localhost:${port}/manifest.xml  (also ./manifest.xml)`);
  console.log('  Excel on the web: open a workbook → Home → Add-ins → More Add-ins → Upload My Add-in → choose manifest.xml.');
  console.log(`  Excel needs a trusted certificate for https://localhost:${port} (npx office-addin-dev-certs install); the workbench does not.`);
  const certs = spawnSync('npx', ['office-addin-dev-certs', 'verify'], { stdio: 'ignore', shell: win });
  if (certs.status !== 0) console.log('  (No trusted dev certificate: https uses a self-signed one your browser must accept.)');
  console.log('  Building… (the first build takes a minute)');
  // webpack-cli straight from node (no npx/shell in between), so stopping this script stops the server too.
  const cli = createRequire(import.meta.url).resolve('webpack-cli/bin/cli.js');
  const child = spawn(process.execPath, [cli, 'serve', '--mode', 'development'], { stdio: ['inherit', 'pipe', 'inherit'] });
  let ready = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    // webpack-cli prints "compiled successfully" / "compiled with N warnings" after each build; announce the first.
    const text = chunk.toString();
    if (!ready && /compiled with \d+ errors?/.test(text)) console.log(`\nBuild failed (errors above); the workbench at ${workbench} reloads once they are fixed.`);
    if (!ready && /compiled (successfully|with \d+ warnings?)/.test(text)) {
      ready = true;
      console.log(`\nWorkbench ready: ${workbench}`);
      console.log('  Sources → Load sample data, then Refresh and Reports. Ctrl+C stops the server.\n');
    }
  });
  const stop = (sig) => child.kill(sig);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}
