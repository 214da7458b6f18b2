#!/usr/bin/env node
// What the desktop window needs before it starts (scripts/start.mjs runs this for `npm start` / `npm run dev`):
// Electron's binary, and better-sqlite3 built for Electron's ABI. `npm install` fetches neither (package.json's
// allowScripts denies electron's download, so tests and the CLI install anywhere, offline mirrors included).
// Electron's better-sqlite3 is fetched into node_modules/.cache/selfalign/, beside the package's own build,
// which stays plain Node's: the engine process loads Electron's through better-sqlite3's `nativeBinding`
// (src/main/native-binding.ts), so starting the app no longer breaks the CLI and the tests, nor they it.
// Run directly, it exits 0 when the window can start and 1 (with the reason) when it cannot.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Keep in step with `electronSqliteBindingPath` in src/main/native-binding.ts (a test checks both). */
export function electronSqliteBindingPath(root, electronVersion) {
  return path.join(root, 'node_modules', '.cache', 'selfalign', `better-sqlite3-electron-${electronVersion}.node`);
}

/**
 * @returns {{ ok: true, version: string, binding: string } | { ok: false, reason: string }} whether the window
 *   can start; the reason is a sentence fragment for "The desktop window cannot start: …".
 */
export function ensureElectron({ root = repoRoot, env = process.env, log = (line) => console.log(line) } = {}) {
  const require = createRequire(path.join(root, 'package.json'));
  let electronDir;
  try {
    electronDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (npm install installs it)' };
  }
  const { version } = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8'));

  if (!hasElectronBinary(electronDir, env)) {
    if (env.SELFALIGN_NO_ELECTRON_DOWNLOAD === '1') {
      return {
        ok: false,
        reason: "Electron's binary is missing, and SELFALIGN_NO_ELECTRON_DOWNLOAD=1 says not to download it",
      };
    }
    log(`Downloading Electron ${version} (first start only)...`);
    const download = run(process.execPath, [path.join(electronDir, 'install.js')], electronDir, env);
    if (!download.ok || !hasElectronBinary(electronDir, env)) {
      return {
        ok: false,
        reason: `Electron's binary is missing and could not be downloaded${detail(download.output, 'first')}`,
      };
    }
  }

  const binding = electronSqliteBindingPath(root, version);
  if (!existsSync(binding)) {
    log(`Fetching better-sqlite3 for Electron ${version} (first start only)...`);
    const failure = fetchSqliteForElectron(require, version, binding, env);
    if (failure !== undefined)
      return {
        ok: false,
        reason: `better-sqlite3 for Electron ${version} could not be downloaded${detail(failure, 'last')}`,
      };
  }
  return { ok: true, version, binding };
}

/** What electron/index.js needs: path.txt naming an executable under dist/ (or ELECTRON_OVERRIDE_DIST_PATH). */
function hasElectronBinary(electronDir, env) {
  if (env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return false;
  return existsSync(path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
}

/**
 * prebuild-install writes into build/Release of the folder it runs in, so it runs in a scratch folder with a
 * copy of better-sqlite3's package.json (all it reads: name, version, where the prebuilds are), and only
 * the .node file is moved to the cache. Returns the failure's output, or undefined when it worked.
 */
function fetchSqliteForElectron(require, version, target, env) {
  const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const prebuildInstall = require.resolve('prebuild-install/bin.js', { paths: [sqliteDir] });
  const work = mkdtempSync(path.join(os.tmpdir(), 'selfalign-sqlite-electron-'));
  try {
    copyFileSync(path.join(sqliteDir, 'package.json'), path.join(work, 'package.json'));
    const fetched = run(process.execPath, [prebuildInstall, '--runtime', 'electron', '--target', version], work, env);
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (!fetched.ok) return fetched.output;
    if (!existsSync(built)) return 'prebuild-install left no better_sqlite3.node';
    mkdirSync(path.dirname(target), { recursive: true });
    // Copied beside the target and renamed, so an interrupted copy never leaves a truncated module there.
    const partial = `${target}.partial`;
    copyFileSync(built, partial);
    renameSync(partial, target);
    return undefined;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs a helper quietly: its stack traces are for us, not for the person starting the app. */
function run(command, args, cwd, env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    ok: result.status === 0,
    output: `${result.stderr ?? ''}\n${result.stdout ?? ''}\n${result.error?.message ?? ''}`,
  };
}

/**
 * One line of a helper's output, e.g. " (RequestError: getaddrinfo ENOTFOUND github.com)": the first of
 * Electron's installer (a stack trace follows it), the last of prebuild-install (its info lines come first).
 */
function detail(output, which) {
  const lines = output
    .split('\n')
    .map((text) => text.trim())
    .filter((text) => text !== '');
  const line = which === 'first' ? lines[0] : lines.at(-1);
  return line ? ` (${line.length > 160 ? `${line.slice(0, 157)}...` : line})` : '';
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = ensureElectron();
  if (!result.ok) {
    console.error(`The desktop window cannot start: ${result.reason}.`);
    process.exit(1);
  }
}
