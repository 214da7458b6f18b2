// A precise run's numbers are probabilities: on real llama.cpp inference (tiny models of several seeds and
// sharpnesses), every exact distribution the runner stores, mixed over the draws' prompts, has shares within
// [0, 1] that add up with the error bound to 1, and every table of the run builds from them. llama.cpp's float32
// next-token probabilities once summed to 1.0000000043798984 and made the expected Table 1 throw.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Llama } from 'node-llama-cpp';
import { readProbeSource, type Probe } from '../data/index.js';
import { LocalModel } from '../models/index.js';
import { SeededRandom } from '../random/index.js';
import { expectedOutcomeTable, resultsTables } from '../report/index.js';
import { builtinDataPath } from '../resources.js';
import { readStoredDistribution, type ResponseDistribution } from '../sampling/index.js';
import { targetAnswersFromWeights } from '../survey/index.js';
import { getTestLlama, tinyModelPath } from '../../testing/tiny-model.js';
import {
  runExperiment,
  parseRunConfig,
  probeRecords,
  type MeasurementKey,
  type MeasurementRow,
  type RunJournal,
} from './index.js';

const MODELS = [
  { seed: 7, sharpness: 2 },
  { seed: 3, sharpness: 3 },
  { seed: 11, sharpness: 6 },
  { seed: 5, sharpness: 1.5 },
];

let llama: Llama;
let probes: Probe[];

beforeAll(async () => {
  llama = await getTestLlama();
  probes = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes;
}, 60_000);

function memoryJournal(): RunJournal & { rows: MeasurementRow[] } {
  const key = (k: MeasurementKey) => [k.model, k.language, k.country, k.probeId, k.condition].join('/');
  const byKey = new Map<string, MeasurementRow>();
  const cache = new Map<string, ResponseDistribution>();
  return {
    get rows() {
      return [...byKey.values()];
    },
    measurement: (k) => byKey.get(key(k)),
    saveMeasurement: (row) => void byKey.set(key(row), row),
    hasExplanation: () => false,
    saveExplanation: () => undefined,
    cachedEstimate: (cacheKey) => cache.get(cacheKey),
    cacheEstimate: (cacheKey, distribution) => void cache.set(cacheKey, distribution),
  };
}

describe('a precise run stores probabilities', () => {
  const opened: LocalModel[] = [];
  afterAll(async () => {
    for (const model of opened) await model.close();
  });

  it.each(MODELS)(
    'tiny model seed $seed, sharpness $sharpness: shares in [0, 1], summing to 1 with the bound; every table builds',
    async ({ seed, sharpness }) => {
      const model = await LocalModel.open({
        name: 'tiny',
        path: await tinyModelPath({ seed, sharpness }),
        sampling: { temperature: 1, topK: 8 },
        llama,
        contextSize: 1024,
      });
      opened.push(model);
      // Country shares drawn per probe, so misaligned probes fall on both options.
      const random = SeededRandom.from(seed, 'targets');
      const targets = targetAnswersFromWeights(
        'USA',
        new Map(probes.map((p) => [p.id, [random.float(), random.float()] as const])),
      );
      const config = parseRunConfig({
        models: ['tiny'],
        survey: 'synthetic',
        languages: ['en'],
        protocol: 'precise',
        categories: [2, 5],
        // Random demonstrations drawn per draw: a mixture over the n draws' prompts, not just the two option orders.
        strategies: ['random', 'chrf-all'],
        // Few draws and tokens, top-k 8 and a loose bound keep a flat model's trees small (top-k 40 on sharpness 1
        // walks all 40³ branches of 4 tokens); the rounding is the same.
        n: 3,
        maxTokens: 4,
        errorBound: 0.01,
        seed,
      });
      const journal = memoryJournal();
      await runExperiment(
        {
          config,
          models: [{ name: 'tiny', model, sampling: model.sampling, identity: `tiny-${seed}-${sharpness}` }],
          probes: () => probes,
          targets: () => targets,
        },
        journal,
      );

      expect(journal.rows.length).toBeGreaterThan(11);
      for (const row of journal.rows) {
        // The stored JSON itself, not the tolerant reader's view of it.
        const stored = JSON.parse(row.distributionJson) as ResponseDistribution;
        for (const share of [stored.option1, stored.option2, stored.invalid, stored.errorBound]) {
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(1);
        }
        expect(Math.abs(stored.option1 + stored.option2 + stored.invalid + stored.errorBound - 1)).toBeLessThan(1e-9);
      }
      const records = probeRecords(journal.rows, config.misalignmentThreshold, config.contestedMargin);
      expect(records.some((r) => r.misaligned)).toBe(true);
      const tables = resultsTables(records, { seed: 1, resamples: 200, draws: config.n });
      expect(tables.outcomes.length).toBeGreaterThan(0);
      const expected = expectedOutcomeTable(records, config.n);
      for (const row of expected) {
        for (const share of [row.expectedImprovedShare, row.expectedUnchangedShare, row.expectedWorsenedShare]) {
          if (share === null) continue;
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(1 + 1e-12);
        }
      }
    },
    240_000,
  );
});

describe('reading stored distributions', () => {
  const stored = (option1: number, option2: number, invalid: number) =>
    JSON.stringify({
      estimator: 'exact',
      n: 0,
      option1,
      option2,
      invalid,
      responses: [],
      tokenEvaluations: 1,
      promptTokens: 1,
      wallMs: 1,
      errorBound: 0,
    });

  it('takes a share one float32 rounding step above 1 (stored before the fix) as 1, and the expected Table 1 builds', () => {
    // Zero-shot at 0.5, self-aligned at 1: whenever the paper's rule flags the probe, it improves.
    const distribution = readStoredDistribution(stored(1.0000000043798984, 0, 0));
    expect(distribution.option1).toBe(1);
    expect(
      expectedOutcomeTable(
        probeRecords(
          [
            {
              model: 'm',
              language: 'en',
              country: 'USA',
              probeId: 'Q1',
              condition: 'zero-shot',
              category: 1,
              targetOption: 1,
              targetShares: [0.9, 0.1],
              demonstrationIds: [],
              distributionJson: stored(0.5, 0.5, 0),
            },
            {
              model: 'm',
              language: 'en',
              country: 'USA',
              probeId: 'Q1',
              condition: 'chrf-all',
              category: 1,
              targetOption: 1,
              targetShares: [0.9, 0.1],
              demonstrationIds: [],
              distributionJson: stored(1.0000000043798984, 0, -1e-12),
            },
          ],
          0.999 ** 0.1,
        ),
        10,
      )[0]!.expectedImprovedShare,
    ).toBeCloseTo(1, 12);
  });

  it('refuses a share that no rounding explains, as a fault of the workbench', () => {
    expect(() => readStoredDistribution(stored(1.01, 0, 0))).toThrow(/option1 = 1.01, which is no probability/);
    expect(() => readStoredDistribution(stored(0.5, 0.5, Number.NaN))).toThrow(/invalid/);
  });
});
