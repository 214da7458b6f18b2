#!/usr/bin/env node
// `npm start` needs Electron's binary. `npm install` does not fetch it (package.json's allowScripts denies
// electron's install script, so that tests and the CLI install anywhere, offline mirrors included); this runs
// Electron's own installer on first start instead.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('Downloading the Electron binary (first start only)...');
  const result = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('Could not download Electron. Check the internet connection; the CLI (`npx selfalign`) works without it.');
    process.exit(1);
  }
}
