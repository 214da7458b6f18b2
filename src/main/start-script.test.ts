// scripts/start.mjs (`npm start`) and scripts/ensure-electron.mjs, run for real in a scratch project whose
// electron, electron-vite, prebuild-install and `selfalign` are stubs that record what they were asked:
// offline and fast, and the same decisions the real project makes.

import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { electronSqliteBindingPath, sqliteBindingEnv } from './native-binding.js';

const repo = path.resolve(import.meta.dirname, '../..');
const ELECTRON_VERSION = '38.0.0';
const scratch: string[] = [];

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A stub that appends its name and arguments to $FAKE_LOG, then runs `body`. */
const stub = (name: string, body = '') => `import { appendFileSync } from 'node:fs';
appendFileSync(process.env.FAKE_LOG, ${JSON.stringify(name)} + ' ' + process.argv.slice(2).join(' ') + ' @ ' + process.cwd() + '\\n');
${body}
`;

function project(
  options: {
    electronInstalled?: boolean;
    downloadWorks?: boolean;
    prebuildWorks?: boolean;
    builtRenderer?: boolean;
    serveExit?: number;
  } = {},
) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'selfalign-start-'));
  scratch.push(root);
  const log = path.join(root, 'calls.log');
  for (const script of ['start.mjs', 'ensure-electron.mjs']) {
    mkdirSync(path.join(root, 'scripts'), { recursive: true });
    copyFileSync(path.join(repo, 'scripts', script), path.join(root, 'scripts', script));
  }
  write(path.join(root, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module' }));
  const modules = path.join(root, 'node_modules');
  const electronDir = path.join(modules, 'electron');
  write(path.join(electronDir, 'package.json'), JSON.stringify({ name: 'electron', version: ELECTRON_VERSION }));
  const installBinary = `import { writeFileSync, mkdirSync } from 'node:fs';
mkdirSync(new URL('./dist', import.meta.url), { recursive: true });
writeFileSync(new URL('./dist/electron', import.meta.url), '');
writeFileSync(new URL('./path.txt', import.meta.url), 'electron');`;
  write(
    path.join(electronDir, 'install.js'),
    options.downloadWorks
      ? stub('electron-install', installBinary)
      : stub(
          'electron-install',
          `console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/index.js:970:111)'); process.exit(1);`,
        ),
  );
  if (options.electronInstalled) {
    write(path.join(electronDir, 'path.txt'), 'electron');
    write(path.join(electronDir, 'dist', 'electron'), '');
  }
  // Like the real one, its bin is not exported.
  write(
    path.join(modules, 'electron-vite', 'package.json'),
    JSON.stringify({
      name: 'electron-vite',
      version: '6.0.0',
      exports: { '.': './dist/index.js', './package.json': './package.json' },
    }),
  );
  write(
    path.join(modules, 'electron-vite', 'bin', 'electron-vite.js'),
    stub(
      'electron-vite',
      `if (process.argv[2] === 'build') { const { mkdirSync, writeFileSync } = await import('node:fs'); mkdirSync('out/renderer', { recursive: true }); writeFileSync('out/renderer/index.html', '<h1>'); }`,
    ),
  );
  write(
    path.join(modules, 'better-sqlite3', 'package.json'),
    JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }),
  );
  write(path.join(modules, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), 'node build');
  write(
    path.join(modules, 'prebuild-install', 'package.json'),
    JSON.stringify({ name: 'prebuild-install', version: '7.1.3' }),
  );
  write(
    path.join(modules, 'prebuild-install', 'bin.js'),
    options.prebuildWorks === false
      ? stub(
          'prebuild-install',
          `console.error('prebuild-install info begin'); console.error('prebuild-install warn install getaddrinfo ENOTFOUND github.com'); process.exit(1);`,
        )
      : stub(
          'prebuild-install',
          `const { mkdirSync, writeFileSync, readFileSync } = await import('node:fs'); JSON.parse(readFileSync('package.json', 'utf8')); mkdirSync('build/Release', { recursive: true }); writeFileSync('build/Release/better_sqlite3.node', 'electron build');`,
        ),
  );
  write(
    path.join(root, 'bin', 'selfalign.mjs'),
    stub('selfalign', `console.log('http://127.0.0.1:4567/?token=abc'); process.exit(${options.serveExit ?? 0});`),
  );
  if (options.builtRenderer) {
    const html = path.join(root, 'out', 'renderer', 'index.html');
    write(html, '<h1>');
    const later = new Date(Date.now() + 60_000);
    utimesSync(html, later, later);
  }

  const run = (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('SELFALIGN_') && !key.startsWith('ELECTRON_')),
    );
    const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'start.mjs'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...clean, FAKE_LOG: log, ...env },
      timeout: 20_000,
    });
    const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  };
  return { root, run, binding: electronSqliteBindingPath(root, ELECTRON_VERSION) };
}

describe('npm start without Electron', () => {
  it('says why in plain words, builds the screens and starts the browser workbench', () => {
    const { run, root } = project();
    const { code, stdout, stderr, calls } = run();
    expect(stdout).toContain(
      "The desktop window cannot start: Electron's binary is missing and could not be downloaded (RequestError: getaddrinfo ENOTFOUND github.com).",
    );
    expect(stdout).toContain('Starting the same workbench in your browser instead');
    expect(stdout).toContain('http://127.0.0.1:4567/?token=abc');
    expect(`${stdout}${stderr}`).not.toContain('at ClientRequest');
    expect(calls.map((c) => c.split(' @ ')[0]!.trim())).toEqual([
      'electron-install',
      'electron-vite build',
      'selfalign serve --open',
    ]);
    expect(calls[2]).toContain(`@ ${root}`);
    expect(code).toBe(0);
  });

  it('skips the download with SELFALIGN_NO_ELECTRON_DOWNLOAD=1, and the build when the screens are built', () => {
    const { run } = project({ builtRenderer: true });
    const { code, stdout, calls } = run([], { SELFALIGN_NO_ELECTRON_DOWNLOAD: '1' });
    expect(stdout).toContain('SELFALIGN_NO_ELECTRON_DOWNLOAD=1');
    expect(calls.map((c) => c.split(' @ ')[0]!.trim())).toEqual(['selfalign serve --open']);
    expect(code).toBe(0);
  });

  it("ends with the server's exit code", () => {
    const { run } = project({ builtRenderer: true, serveExit: 5 });
    expect(run([], { SELFALIGN_NO_ELECTRON_DOWNLOAD: '1' }).code).toBe(5);
  });

  it('falls back too when better-sqlite3 for Electron cannot be fetched, leaving the Node build alone', () => {
    const { run, root, binding } = project({ electronInstalled: true, prebuildWorks: false, builtRenderer: true });
    const { stdout, calls } = run();
    expect(stdout).toContain(
      `The desktop window cannot start: better-sqlite3 for Electron ${ELECTRON_VERSION} could not be downloaded (prebuild-install warn install getaddrinfo ENOTFOUND github.com).`,
    );
    expect(calls.map((c) => c.split(' @ ')[0]!.trim())).toEqual([
      `prebuild-install --runtime electron --target ${ELECTRON_VERSION}`,
      'selfalign serve --open',
    ]);
    expect(existsSync(binding)).toBe(false);
    expect(readFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 'utf8')).toBe(
      'node build',
    );
  });
});

describe('npm start with Electron', () => {
  it("fetches Electron's better-sqlite3 beside the Node build once, then starts electron-vite preview", () => {
    const { run, root, binding } = project({ downloadWorks: true });
    const first = run();
    const names = first.calls.map((c) => c.split(' @ ')[0]!.trim());
    expect(names).toEqual([
      'electron-install',
      `prebuild-install --runtime electron --target ${ELECTRON_VERSION}`,
      'electron-vite preview',
    ]);
    // prebuild-install ran in a scratch folder, not in better-sqlite3's own.
    const prebuildDir = first.calls[1]!.split(' @ ')[1]!;
    expect(prebuildDir.startsWith(path.join(root, 'node_modules'))).toBe(false);
    expect(existsSync(prebuildDir)).toBe(false);
    expect(readFileSync(binding, 'utf8')).toBe('electron build');
    expect(readFileSync(path.join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), 'utf8')).toBe(
      'node build',
    );
    expect(first.code).toBe(0);

    const second = run(['dev']);
    expect(second.calls.slice(first.calls.length).map((c) => c.split(' @ ')[0]!.trim())).toEqual(['electron-vite dev']);
  });

  it('starts the browser workbench anyway with SELFALIGN_BROWSER=1', () => {
    const { run } = project({ electronInstalled: true, builtRenderer: true });
    const { stdout, calls } = run([], { SELFALIGN_BROWSER: '1' });
    expect(stdout).toContain('The desktop window cannot start: SELFALIGN_BROWSER=1 asks for the browser.');
    expect(calls.map((c) => c.split(' @ ')[0]!.trim())).toEqual(['selfalign serve --open']);
  });
});

describe('the Electron build of better-sqlite3', () => {
  it('is where the script puts it and where the main process looks for it', async () => {
    const script = (await import(pathToFileURL(path.join(repo, 'scripts', 'ensure-electron.mjs')).href)) as {
      electronSqliteBindingPath(root: string, version: string): string;
    };
    expect(script.electronSqliteBindingPath('/p', '38.1.2')).toBe(electronSqliteBindingPath('/p', '38.1.2'));
    expect(electronSqliteBindingPath('/p', '38.1.2')).toBe(
      path.join('/p', 'node_modules', '.cache', 'selfalign', 'better-sqlite3-electron-38.1.2.node'),
    );
  });

  it('reaches the engine process as SELFALIGN_SQLITE_BINDING when it is there; one set by hand wins', () => {
    const expected = electronSqliteBindingPath('/p', '38.1.2');
    expect(sqliteBindingEnv('/p', '38.1.2', {}, (file) => file === expected)).toEqual({
      SELFALIGN_SQLITE_BINDING: expected,
    });
    expect(sqliteBindingEnv('/p', '38.1.2', {}, () => false)).toEqual({});
    expect(sqliteBindingEnv('/p', '38.1.2', { SELFALIGN_SQLITE_BINDING: '/mine.node' }, () => false)).toEqual({
      SELFALIGN_SQLITE_BINDING: '/mine.node',
    });
  });
});
