// Exact probabilities on a real model agree with what it says when sampled: SmolLM2-135M-Instruct at its preset
// (temperature 0.2, top-p 0.9), through its own chat template, on two English probes whose answers spread over both
// options and unreadable responses. 2000 responses drawn one by one against the exact estimate of the same prompt:
// each share within its error bound plus four standard errors of the exact value (the seeds are fixed, so the test
// repeats; four sigmas keep a false alarm below 1 in 10,000 per share), and the masses add up with the bound.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { readProbeSource, type Probe } from '../data/index.js';
import { findPreset, LocalModel } from '../models/index.js';
import { AnswerMatcher, buildPrompt } from '../prompt/index.js';
import { builtinDataPath } from '../resources.js';
import { describeWithRealModels } from '../../testing/real-models.js';
import { testModelPath } from '../../testing/test-models.js';
import { getTestLlama } from '../../testing/tiny-model.js';
import { exactEstimate, sampledEstimate } from './index.js';

const N = 2000;
const MAX_TOKENS = 8;

describeWithRealModels('exact against sampled on SmolLM2', ['smollm2-135m-instruct'], () => {
  let model: LocalModel;
  let probes: Probe[];

  beforeAll(async () => {
    model = await LocalModel.open({
      name: 'smollm2',
      path: testModelPath('smollm2-135m-instruct'),
      sampling: findPreset('smollm2-135m-instruct')!.sampling,
      llama: await getTestLlama(),
      contextSize: 1024,
    });
    probes = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes;
  }, 60_000);

  afterAll(async () => {
    await model?.close();
  });

  // Q118 (how often officials take bribes) and Q57 (whether most people can be trusted): SmolLM2 gives option 1,
  // option 2 and unreadable answers to both, so the comparison is not one of certainties.
  it.each(['Q118', 'Q57'])(
    '%s: 2000 sampled responses fall where the exact probabilities say',
    async (id) => {
      const probe = probes.find((p) => p.id === id)!;
      const prompt = buildPrompt({ probe, demonstrations: [], seed: 1 });
      const estimate = async (estimator: typeof sampledEstimate) => {
        const session = await model.session({ ...prompt, chat: true });
        try {
          return await estimator(session, new AnswerMatcher(probe), {
            n: N,
            maxTokens: MAX_TOKENS,
            seed: 7,
            errorBound: 0.01,
          });
        } finally {
          await session.close();
        }
      };
      const exact = await estimate(exactEstimate);
      const sampled = await estimate(sampledEstimate);
      expect(exact.errorBound).toBeLessThanOrEqual(0.01);
      expect(exact.option1 + exact.option2 + exact.invalid + exact.errorBound).toBeCloseTo(1, 9);
      // Not a certainty: at least two outcomes have a real share.
      expect([exact.option1, exact.option2, exact.invalid].filter((p) => p > 0.05).length).toBeGreaterThanOrEqual(2);
      for (const share of ['option1', 'option2', 'invalid'] as const) {
        const p = exact[share];
        const sigma = Math.sqrt(Math.max(p * (1 - p), 1 / N) / N);
        // The unresolved mass may belong to any outcome: the sampled share lies in [p − 4σ, p + bound + 4σ].
        expect(sampled[share], share).toBeGreaterThanOrEqual(p - 4 * sigma);
        expect(sampled[share], share).toBeLessThanOrEqual(p + exact.errorBound + 4 * sigma);
      }
    },
    300_000,
  );
});
