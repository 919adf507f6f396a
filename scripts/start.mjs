// `npm start`: sideload into desktop Excel where one can be (Windows/macOS); elsewhere (Linux, CI) build and serve
// the workbench (the task pane beside a live preview workbook, no Excel needed) and the add-in for Excel on the web,
// and say where each is.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';

const desktop = process.platform === 'win32' || process.platform === 'darwin';
const win = process.platform === 'win32';
const run = (cmd, args, opts = {}) => spawn(cmd, args, { stdio: 'inherit', shell: win, ...opts });

// DEV_SERVER_PORT / WORKBENCH_HTTP_PORT move the servers (webpack.config.js reads the same variables). The manifest
// points Excel at https://localhost:3000, so only the workbench is usable on other ports.
const port = Number(process.env.DEV_SERVER_PORT || process.env.npm_package_config_dev_server_port || 3000);
const httpPort = Number(process.env.WORKBENCH_HTTP_PORT ?? 3001);
const workbench = httpPort ? `http://localhost:${httpPort}/workbench.html` : `https://localhost:${port}/workbench.html`;

/** Resolves true when nothing listens on localhost:p (we could bind it), false when it is taken. */
function portFree(p) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(p, 'localhost', () => s.close(() => resolve(true)));
  });
}

/** Whether what answers on the workbench URL is this project's workbench (a second `npm start`). */
async function ourWorkbenchAnswers() {
  try {
    const r = await fetch(workbench.replace('https:', 'http:'), { signal: AbortSignal.timeout(2000) });
    return r.ok && (await r.text()).includes('AI Labor Ledger');
  } catch {
    return false;
  }
}

async function serveWorkbench() {
  const taken = [];
  for (const p of httpPort ? [port, httpPort] : [port]) if (!(await portFree(p))) taken.push(p);
  if (taken.length) {
    if (httpPort && (await ourWorkbenchAnswers())) {
      console.log(`The workbench is already running: ${workbench}`);
      console.log('  (another `npm start` serves it; open that URL, or stop the other one with Ctrl+C before starting again)');
      process.exit(0);
    }
    console.error(`Port ${taken.join(' and ')} ${taken.length > 1 ? 'are' : 'is'} already in use by another program, so the workbench cannot start.`);
    console.error(`  Stop that program, or choose free ports: DEV_SERVER_PORT=3100 WORKBENCH_HTTP_PORT=3101 npm start`);
    console.error('  (Excel itself loads the add-in from https://localhost:3000 as the manifest says.)');
    process.exit(1);
  }

  console.log('No desktop Excel on this machine: serving the workbench and the add-in for Excel on the web.');
  console.log(`  Workbench: ${workbench}  (the task pane beside a live preview workbook; open it in any browser)`);
  if (httpPort) console.log(`             also https://localhost:${port}/workbench.html`);
  console.log(`  Manifest:  https://localhost:${port}/manifest.xml  (also ./manifest.xml)`);
  console.log('  Excel on the web: open a workbook → Home → Add-ins → More Add-ins → Upload My Add-in → choose manifest.xml.');
  console.log(`  Excel needs a trusted certificate for https://localhost:${port} (npx office-addin-dev-certs install); the workbench does not.`);
  const certs = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('office-addin-dev-certs/cli.js'), 'verify'], { stdio: 'ignore' });
  if (certs.status !== 0) console.log('  (No trusted dev certificate: https uses a self-signed one your browser must accept.)');
  console.log('  Building… (the first build takes a minute)');
  // webpack-cli straight from node (no npx/shell in between), so stopping this script stops the server too.
  const cli = createRequire(import.meta.url).resolve('webpack-cli/bin/cli.js');
  const child = spawn(process.execPath, [cli, 'serve', '--mode', 'development'], {
    stdio: ['inherit', 'pipe', 'inherit'],
    env: { ...process.env, DEV_SERVER_PORT: String(port), WORKBENCH_HTTP_PORT: String(httpPort) },
  });
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
  let stopping = false;
  const stop = (sig) => {
    if (!stopping) console.log(`\nStopping the workbench server (${sig})…`);
    stopping = true;
    child.kill(sig);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => {
    if (stopping) {
      console.log(`Stopped: ports ${httpPort ? `${port} and ${httpPort} are` : `${port} is`} free again; \`npm start\` starts it again.`);
      process.exit(0);
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (desktop && !process.env.CI && !process.env.WORKBENCH_ONLY) {
  console.log(`Sideloading into desktop Excel. The workbench (no Excel needed) is also served: ${workbench}`);
  run('npx', ['office-addin-debugging', 'start', 'manifest.xml']).on('exit', (code) => process.exit(code ?? 0));
} else {
  await serveWorkbench();
}
