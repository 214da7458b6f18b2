// bench:gpu is run on a GPU machine only when one is lent; here it runs at a small shape on the CPU, so that the
// script a device gets is known to finish and to print every figure its note needs.

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeWithSharedData } from '../src/testing/shared-data.js';

const repo = path.resolve(import.meta.dirname, '..');

describeWithSharedData('npm run bench:gpu', () => {
  it('writes a shaped model, measures llama.cpp on it, runs the English set both ways, counts the 14-language grid and prints the JSON', async () => {
    const tsx = path.join(repo, 'node_modules/tsx/dist/cli.mjs');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        tsx,
        'bench/gpu.bench.ts',
        '--shape',
        'small',
        '--gpu',
        'cpu',
        '--threads',
        '1',
        '--sequences',
        '2',
        '--categories',
        '2',
      ],
      {
        cwd: repo,
        maxBuffer: 10 * 1024 * 1024,
      },
    );
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({
      benchmark: 'gpu',
      backend: 'cpu',
      threads: 1,
      model: { shape: 'small', weights: 'q4_0' },
      layersOffloaded: '0 of 3',
      sequences: 2,
    });
    expect(report.work).toEqual({
      countedHere: true,
      survey: 'shared data, synthetic for the countries it lacks',
      categories: [2],
    });
    expect(report.llama.map((r: { sequences: number }) => r.sequences)).toEqual([1, 2]);
    for (const rate of report.llama) {
      expect(rate.promptTokensPerSecond).toBeGreaterThan(0);
      expect(rate.generationTokensPerSecond).toBeGreaterThan(0);
    }
    expect(report.batchedIdenticalToAlone).toMatchObject({ prompts: 8, sequences: 2 });
    expect(typeof report.batchedIdenticalToAlone.identical).toBe('boolean');
    // The whole workbench on the shape, beside its own tokens at llama.cpp's rates.
    expect(report.shapeCheck).toMatchObject({ protocol: 'paper', estimator: 'sampled', n: 10, categories: '2' });
    expect(report.shapeCheck.measurements).toBeGreaterThan(0);
    expect(report.shapeCheck.measuredOverProjected).toBeCloseTo(
      report.shapeCheck.seconds / report.shapeCheck.projectedSeconds,
      1,
    );
    const [oneSequence] = report.llama;
    for (const protocol of ['paper', 'precise']) {
      const { workOfTinyModel: work, projectedSecondsOnShape } = report.runs[protocol];
      expect(work).toMatchObject({ protocol, n: 10 });
      expect(work.measurements).toBeGreaterThan(0);
      expect(work.cachedPromptTokens).toBeGreaterThan(0);
      expect(work.promptTokens).toBeGreaterThan(work.cachedPromptTokens);
      const priced =
        (work.promptTokens - work.cachedPromptTokens) / oneSequence.promptTokensPerSecond +
        work.generatedTokens / oneSequence.generationTokensPerSecond;
      expect(projectedSecondsOnShape).toBeCloseTo(priced, 1);
    }
    expect(report.runs.precise.workOfTinyModel.estimator).toBe('exact');
    // The grid: English and the 13 languages of the published probes, imported as a user imports them.
    expect(report.grid.languages).toBe(14);
    expect(Object.keys(report.grid.testItemsPerLanguage)).toEqual(
      expect.arrayContaining(['en/USA', 'de/DEU', 'tr/TUR', 'ko/KOR', 'vi/VNM', 'bn/BGD']),
    );
    const items = Object.values(report.grid.testItemsPerLanguage) as number[];
    expect(items.every((count) => count > 0)).toBe(true);
    expect(report.grid.testItems).toBe(items.reduce((a, b) => a + b, 0));
    const english = report.grid.testItemsPerLanguage['en/USA'];
    for (const protocol of ['paper', 'precise']) {
      expect(report.grid[protocol].projectedSecondsOnShape).toBeCloseTo(
        (report.runs[protocol].projectedSecondsOnShape * report.grid.testItems) / english,
        0,
      );
    }
    expect(report.goals.grid).toMatchObject({ underSeconds: 300, languages: 14 });
    expect(report.goals.preciseEnglish).toEqual({
      underSeconds: 60,
      met: report.runs.precise.projectedSecondsOnShape < 60,
    });
  }, 300_000);
});
