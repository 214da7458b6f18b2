// bench:gpu is run on a GPU machine only when one is lent; here it runs at a small shape on the CPU, so that the
// script a device gets is known to finish and to print every figure its note needs.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeWithSharedData } from '../src/testing/shared-data.js';

const repo = path.resolve(import.meta.dirname, '..');

describeWithSharedData('npm run bench:gpu', () => {
  it('writes a shaped model, measures llama.cpp on it, runs the English set both ways and prints the JSON', async () => {
    const tsx = path.join(repo, 'node_modules/tsx/dist/cli.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, [tsx, 'bench/gpu.bench.ts', '--shape', 'small', '--gpu', 'cpu', '--threads', '1', '--sequences', '2', '--categories', '2'], {
      cwd: repo,
      maxBuffer: 10 * 1024 * 1024,
    });
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ benchmark: 'gpu', backend: 'cpu', model: { shape: 'small', weights: 'q4_0' }, layersOffloaded: '0 of 3', sequences: 2, survey: 'shared data' });
    expect(report.llama.map((r: { sequences: number }) => r.sequences)).toEqual([1, 2]);
    for (const rate of report.llama) {
      expect(rate.promptTokensPerSecond).toBeGreaterThan(0);
      expect(rate.generationTokensPerSecond).toBeGreaterThan(0);
    }
    expect(report.batchedIdenticalToAlone).toMatchObject({ prompts: 8, sequences: 2 });
    expect(typeof report.batchedIdenticalToAlone.identical).toBe('boolean');
    for (const run of [report.runs.paper.measuredOnShape, report.runs.paper.workOfTinyModel, report.runs.precise.workOfTinyModel]) {
      expect(run.measurements).toBeGreaterThan(0);
      expect(run.promptTokens).toBeGreaterThan(0);
      expect(run.seconds).toBeGreaterThan(0);
      expect(run.projectedSeconds).toBeGreaterThan(0);
    }
    expect(report.runs.paper.measuredOnShape).toMatchObject({ protocol: 'paper', estimator: 'sampled', n: 10 });
    expect(report.runs.precise.workOfTinyModel).toMatchObject({ protocol: 'precise', estimator: 'exact' });
  }, 300_000);
});
