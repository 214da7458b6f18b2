// The pack a bare GPU machine gets: made here, then unpacked and run the way the machine runs it (its own Node,
// its own node_modules, no repository around it), on the CPU at a small shape. What the machine adds, the GPU and
// Vulkan's loader, only a device run shows.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { describeWithSharedData } from '../../src/testing/shared-data.js';

const repo = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describeWithSharedData('npm run bench:gpu:pack, and the pack on a machine without Node', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-pack-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs under the 64 MiB a device call carries, and the unpacked bench prints its JSON from the counted work', async () => {
    const tsx = path.join(repo, 'node_modules/tsx/dist/cli.mjs');
    const packed = await run(
      process.execPath,
      [tsx, 'bench/device/pack.ts', '--out', dir, '--categories', '2', '--level', '1', '--skip-vulkan-loader'],
      { cwd: repo, maxBuffer: 10 * 1024 * 1024 },
    );
    const pack = JSON.parse(packed.stdout);
    expect(pack).toMatchObject({
      pack: path.join(dir, 'gpu-bench.tar.xz'),
      carryLimitBytes: 64 * 1024 * 1024,
      fits: true,
      work: { categories: [2], gridLanguages: 14 },
    });
    expect(pack.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    // The CPU and Vulkan builds share their CPU libraries: stored once.
    expect(pack.identicalFilesLinked).toBeGreaterThan(10);

    // The machine's way: the script unpacks into a folder of its own and starts the packed Node on the bundle.
    const out = path.join(dir, 'out');
    const device = await run(
      'bash',
      ['bench/device/run-gpu-bench.sh', '--shape', 'small', '--gpu', 'cpu', '--threads', '1', '--sequences', '2'],
      {
        cwd: repo,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, SELFALIGN_GPU_PACK: pack.pack, OUT: out },
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    const report = JSON.parse(device.stdout);
    expect(JSON.parse(readFileSync(path.join(out, 'gpu-bench.json'), 'utf8'))).toEqual(report);
    expect(report).toMatchObject({
      benchmark: 'gpu',
      backend: 'cpu',
      threads: 1,
      model: { shape: 'small' },
      work: { countedHere: false, categories: [2] },
    });
    // The work is the pack's, priced at the rates measured there.
    const work = JSON.parse((await run('bash', ['-c', 'tar -xJOf "$0" ./work.json', pack.pack])).stdout);
    expect(report.runs.precise.workOfTinyModel).toEqual(work.runs.precise);
    expect(report.grid.languages).toBe(14);
    expect(report.grid.testItemsPerLanguage['en/USA']).toBe(
      work.grid.find((l: { language: string }) => l.language === 'en').testItems,
    );
  }, 300_000);
});
