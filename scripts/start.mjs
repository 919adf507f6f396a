// `npm start`: sideload into desktop Excel where one can be (Windows/macOS); elsewhere build, serve
// the add-in over https and print the manifest URL and the Excel-on-the-web steps, without failing.
import { spawn, spawnSync } from 'node:child_process';

const desktop = process.platform === 'win32' || process.platform === 'darwin';
const run = (cmd, args) => spawn(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

if (desktop && !process.env.CI) {
  run('npx', ['office-addin-debugging', 'start', 'manifest.xml']).on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log('No desktop Excel on this machine: serving the add-in for Excel on the web.');
  console.log('  Manifest:  https://localhost:3000/manifest.xml  (also ./manifest.xml)');
  console.log('  Excel on the web: open a workbook → Home → Add-ins → More Add-ins → Upload My Add-in → choose manifest.xml.');
  console.log('  The browser must trust the dev certificate (npx office-addin-dev-certs install) for https://localhost:3000.');
  const certs = spawnSync('npx', ['office-addin-dev-certs', 'verify'], { stdio: 'ignore' });
  if (certs.status !== 0) console.log('  (No trusted dev certificate yet: webpack serve will create one.)');
  run('npx', ['webpack', 'serve', '--mode', 'development']).on('exit', (code) => process.exit(code ?? 0));
}
