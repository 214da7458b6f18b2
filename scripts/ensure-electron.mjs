#!/usr/bin/env node
// Before `npm start` / `npm run dev`: Electron's binary, and better-sqlite3 built for Electron's Node ABI.
// `npm install` fetches neither (package.json's allowScripts denies electron's download, so tests and the CLI
// install anywhere, offline mirrors included); the first start does. `npm test` switches better-sqlite3 back to
// plain Node's build (scripts/prepare-tests.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = path.dirname(require.resolve('electron/package.json'));
const run = (command, args, cwd) => spawnSync(command, args, { stdio: 'inherit', cwd }).status === 0;

if (!existsSync(path.join(electronDir, 'path.txt'))) {
  console.log('Downloading the Electron binary (first start only)...');
  if (!run(process.execPath, [path.join(electronDir, 'install.js')])) {
    console.error('Could not download Electron. Check the internet connection; the CLI (`npx selfalign`) works without it.');
    process.exit(1);
  }
}

const { version } = require('electron/package.json');
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const prebuildInstall = require.resolve('prebuild-install/bin.js', { paths: [sqliteDir] });
console.log(`Fetching better-sqlite3 for Electron ${version}...`);
if (!run(process.execPath, [prebuildInstall, '--runtime', 'electron', '--target', version], sqliteDir)) {
  console.error('Could not fetch better-sqlite3 for Electron. Check the internet connection.');
  process.exit(1);
}
