// The built bundles, not the sources: `electron-vite build` with the project's config, then the engine
// process entry (out/main/engine.js) started by EngineHost under plain Node, as Electron would start it,
// with better-sqlite3 handed in through SELFALIGN_SQLITE_BINDING; and the CLI bundle. A bundle can break
// what tests under tsx never see (a dropped JSON import attribute, a data file looked up from a chunk).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkbenchReply } from '../shared/contract.js';
import { EngineHost, forkWithNode } from './engine-host.js';

const root = path.resolve(import.meta.dirname, '../..');
// One folder below the project, as out/ is: the bundles find node_modules and data/ from where they are.
const outDir = path.join(root, `.bundle-test-${process.pid}`);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'built-engine-'));
const require = createRequire(import.meta.url);

beforeAll(() => {
  const electronVite = path.join(
    path.dirname(require.resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  const build = spawnSync(process.execPath, [electronVite, 'build', '--outDir', outDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 150_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the built engine process', () => {
  it('starts, answers app.info and probes.listSets, and closes its database on shutdown', async () => {
    const databasePath = path.join(dataDir, 'workbench.sqlite');
    const nodeBinding = path.join(
      path.dirname(require.resolve('better-sqlite3/package.json')),
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const logs: string[] = [];
    const host = new EngineHost({
      fork: () =>
        forkWithNode(path.join(outDir, 'main', 'engine.js'), {
          cwd: dataDir,
          env: { ...process.env, SELFALIGN_DB: databasePath, SELFALIGN_SQLITE_BINDING: nodeBinding },
        }),
      backoff: { giveUpAfter: 0 },
      log: (message) => logs.push(message),
    });
    try {
      const info = await host.request('app.info', {});
      expect(info, JSON.stringify(info)).toMatchObject({ ok: true, result: { databasePath } });
      const sets: WorkbenchReply = await host.request('probes.listSets', {});
      expect(sets, JSON.stringify(sets)).toMatchObject({ ok: true });
      expect(sets.ok && (sets.result as { name: string; probes: number }[]).some((set) => set.probes > 0)).toBe(true);
      await host.stop();
      expect(logs).toEqual([]);
      // Closed means closed: the WAL was checkpointed away with the last connection.
      expect(existsSync(`${databasePath}-wal`)).toBe(false);
    } finally {
      await host.stop();
    }
  });
});

describe('the built CLI', () => {
  it('runs', () => {
    const result = spawnSync(process.execPath, [path.join(outDir, 'main', 'cli.js'), '--version'], {
      cwd: dataDir,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.status).toBe(0);
  });

  it('serves: `selfalign serve` from the bundle answers app.info and probes.listSets with its token, and the screens with a CSP', async () => {
    const databasePath = path.join(dataDir, 'served.sqlite');
    const child = spawn(
      process.execPath,
      [
        path.join(outDir, 'main', 'cli.js'),
        'serve',
        '--port',
        '0',
        '--db',
        databasePath,
        '--renderer',
        path.join(outDir, 'renderer'),
      ],
      { cwd: dataDir },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const line = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(stdout);
          if (line) resolve(line[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
      });
      const url = new URL(address);
      const token = url.searchParams.get('token')!;
      const invoke = async (command: string) =>
        (await (
          await fetch(new URL('/api/invoke', url), {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ command, params: {} }),
          })
        ).json()) as WorkbenchReply;
      expect(await invoke('app.info')).toMatchObject({ ok: true, result: { databasePath } });
      const sets = await invoke('probes.listSets');
      expect(sets.ok && (sets.result as { name: string }[]).map((s) => s.name)).toEqual(['builtin']);
      const page = await fetch(new URL('/', url));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(stderr).not.toMatch(/Error|warning/);
  });
});
