#!/usr/bin/env node
// `npm start` (`npm run dev` passes "dev"): the desktop window when Electron can run here, else the same
// workbench in the browser through `selfalign serve --open`, with a plain word on why. Electron's binary is
// not installed by `npm install` and cannot be downloaded everywhere (offline machines, closed networks);
// the workbench does not need it, so a missing binary is a reason to switch front ends, not to fail.
// SELFALIGN_BROWSER=1 asks for the browser even where Electron could start.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureElectron, repoRoot } from './ensure-electron.mjs';

const root = repoRoot;
const mode = process.argv[2] === 'dev' ? 'dev' : 'preview';
const require = createRequire(path.join(root, 'package.json'));
// Its bin is not in the package's "exports", so it is found from its package.json.
const electronVite = () =>
  path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');

const electron =
  process.env.SELFALIGN_BROWSER === '1'
    ? { ok: false, reason: 'SELFALIGN_BROWSER=1 asks for the browser' }
    : ensureElectron({ root });

if (electron.ok) {
  // `electron-vite preview` builds first; `dev` serves the renderer with hot reload.
  process.exitCode = await foreground(process.execPath, [electronVite(), mode]);
} else {
  console.log(`The desktop window cannot start: ${electron.reason}.`);
  console.log(
    `Starting the same workbench in your browser instead${mode === 'dev' ? ' (built screens, without hot reload)' : ''}; ` +
      'the address is printed below, and the command line (npx selfalign --help) works too.',
  );
  let code = 0;
  if (rendererIsStale()) {
    console.log('Building the screens...');
    code = await foreground(process.execPath, [electronVite(), 'build']);
  }
  if (code === 0)
    code = await foreground(process.execPath, [path.join(root, 'bin', 'selfalign.mjs'), 'serve', '--open']);
  process.exitCode = code;
}

/** out/renderer is missing, or older than a file it is built from. */
function rendererIsStale() {
  const built = path.join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = ['src/renderer', 'src/shared', 'electron.vite.config.ts', 'package.json'].map((entry) =>
    path.join(root, entry),
  );
  return sources.some((source) => newestChange(source) > builtAt);
}

function newestChange(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (newest, name) => Math.max(newest, newestChange(path.join(entry, name))),
    stat.mtimeMs,
  );
}

/**
 * Runs a command in the foreground and resolves with its exit code. Ctrl-C reaches the child from the
 * terminal by itself; this process waits for it to finish (and passes on a SIGTERM sent to it alone).
 */
function foreground(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    const ignore = () => {};
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    const done = (code) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`Could not run ${path.basename(args[0] ?? command)}: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
