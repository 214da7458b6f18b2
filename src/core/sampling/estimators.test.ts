// The three estimators on real llama.cpp inference (the tiny model): the tree draws the same distribution as
// independent sampling, exact probabilities agree with both, and each costs what it should.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProbeSource, type Probe } from '../data/index.js';
import { LocalModel, type SamplingSettings } from '../models/index.js';
import { AnswerMatcher, buildPrompt } from '../prompt/index.js';
import { builtinDataPath } from '../resources.js';
import { chiSquareGoodnessOfFit, chiSquareHomogeneity } from '../statistics/index.js';
import { getTestLlama, tinyModelPath } from '../../testing/tiny-model.js';
import { exactEstimate, sampledEstimate, treeEstimate, type ResponseDistribution } from './index.js';

/** Softer than the presets, so that answers spread over both options and invalid responses. */
const SOFT: SamplingSettings = { temperature: 1.0, topK: 40 };
const LLAMA_3: SamplingSettings = { temperature: 0.6, topP: 0.9, topK: 50 };
const PROBE_IDS = ['Q27', 'Q53', 'Q66', 'Q181', 'Q194', 'Q220', 'Q234'];
const N = 2000;

let model: LocalModel;
let probes: Probe[];

beforeAll(async () => {
  const llama = await getTestLlama();
  model = await LocalModel.open({ name: 'tiny', path: await tinyModelPath(), sampling: SOFT, llama, contextSize: 512 });
  probes = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes;
}, 60_000);

afterAll(async () => {
  await model?.close();
});

type Estimate = typeof sampledEstimate;

async function estimate(
  estimator: Estimate,
  id: string,
  sampling: SamplingSettings,
  options: { n?: number; seed?: number; maxTokens?: number } = {},
): Promise<ResponseDistribution> {
  const probe = probes.find((p) => p.id === id)!;
  const prompt = buildPrompt({ probe, demonstrations: [], seed: 1 });
  const session = await model.session({ ...prompt, chat: true }, sampling);
  try {
    return await estimator(session, new AnswerMatcher(probe), {
      n: options.n ?? N,
      maxTokens: options.maxTokens ?? 12,
      seed: options.seed ?? 1,
    });
  } finally {
    await session.close();
  }
}

const counts = (d: ResponseDistribution) => [d.option1, d.option2, d.invalid].map((share) => Math.round(share * d.n));
const probabilities = (d: ResponseDistribution) => [d.option1, d.option2, d.invalid];

describe('estimators on the tiny model', () => {
  it.each(PROBE_IDS)(
    '%s: tree and independent sampling draw the same distribution, the one exact probabilities give',
    async (id) => {
      const sampled = await estimate(sampledEstimate, id, SOFT, { seed: 11 });
      const tree = await estimate(treeEstimate, id, SOFT, { seed: 12 });
      const exact = await estimate(exactEstimate, id, SOFT);
      expect(exact.errorBound).toBeLessThanOrEqual(0.001);
      // llama.cpp computes in float32: the masses add up to 1 within its rounding.
      expect(exact.option1 + exact.option2 + exact.invalid + exact.errorBound).toBeCloseTo(1, 5);
      // The distribution must not be degenerate, or the comparison proves nothing.
      expect(Math.max(...probabilities(exact))).toBeLessThan(0.97);

      const alpha = 0.001;
      expect(chiSquareHomogeneity([counts(sampled), counts(tree)]).pValue).toBeGreaterThan(alpha);
      expect(chiSquareGoodnessOfFit(counts(sampled), probabilities(exact)).pValue).toBeGreaterThan(alpha);
      expect(chiSquareGoodnessOfFit(counts(tree), probabilities(exact)).pValue).toBeGreaterThan(alpha);
      // Each distinct prefix once: far fewer evaluations than N responses.
      expect(tree.tokenEvaluations).toBeLessThan(sampled.tokenEvaluations / 5);
    },
  );

  it('the comparison can fail: sampling at another temperature is told apart from the exact distribution', async () => {
    const exact = await estimate(exactEstimate, 'Q181', SOFT);
    const colder = await estimate(sampledEstimate, 'Q181', { temperature: 0.5, topK: 40 }, { seed: 3 });
    expect(chiSquareGoodnessOfFit(counts(colder), probabilities(exact)).pValue).toBeLessThan(1e-6);
  });

  it('repeats exactly for the same seed and differs for another', async () => {
    const a = await estimate(sampledEstimate, 'Q181', SOFT, { n: 300, seed: 5 });
    const b = await estimate(sampledEstimate, 'Q181', SOFT, { n: 300, seed: 5 });
    const c = await estimate(sampledEstimate, 'Q181', SOFT, { n: 300, seed: 6 });
    expect(b.responses).toEqual(a.responses);
    expect(c.responses).not.toEqual(a.responses);
    const t1 = await estimate(treeEstimate, 'Q181', SOFT, { n: 300, seed: 5 });
    const t2 = await estimate(treeEstimate, 'Q181', SOFT, { n: 300, seed: 5 });
    expect(t2.responses).toEqual(t1.responses);
  });

  it('counts N responses and reports the prompt once, separately from the evaluations after it', async () => {
    const d = await estimate(sampledEstimate, 'Q1', LLAMA_3, { n: 50 });
    expect(d.responses.reduce((sum, r) => sum + r.weight, 0)).toBe(50);
    expect(d.promptTokens).toBeGreaterThan(50);
    expect(d.tokenEvaluations).toBeGreaterThanOrEqual(50);
  });

  it('stops at the token limit', async () => {
    const d = await estimate(sampledEstimate, 'Q181', { temperature: 5 }, { n: 20, maxTokens: 3 });
    expect(d.tokenEvaluations).toBeLessThanOrEqual(20 * 2);
  });
});

describe('several sessions on one model', () => {
  it('run side by side on the sequences of one context, one evaluation at a time, with the results of running alone', async () => {
    const llama = await getTestLlama();
    const shared = await LocalModel.open({
      name: 'tiny',
      path: await tinyModelPath(),
      sampling: SOFT,
      llama,
      contextSize: 512,
      sequences: 3,
    });
    try {
      const ids = ['Q27', 'Q181', 'Q194', 'Q234'];
      const run = async (id: string) => {
        const probe = probes.find((p) => p.id === id)!;
        const session = await shared.session({ ...buildPrompt({ probe, demonstrations: [], seed: 1 }), chat: true });
        try {
          return await exactEstimate(session, new AnswerMatcher(probe), { n: 0, maxTokens: 12, seed: 1 });
        } finally {
          await session.close();
        }
      };
      // Four estimates on three sequences: the fourth waits for a free sequence.
      const together = await Promise.all(ids.map(run));
      for (const [i, id] of ids.entries()) {
        const alone = await estimate(exactEstimate, id, SOFT);
        expect(together[i]!.option1).toBe(alone.option1);
        expect(together[i]!.option2).toBe(alone.option2);
      }
    } finally {
      await shared.close();
    }
  });
});
