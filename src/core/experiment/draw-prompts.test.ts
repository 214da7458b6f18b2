// Each draw its own prompt: the option order is balanced over draws, demonstrations are drawn or shuffled per
// draw only where the run says so, and the exact estimate of a probe is the mixture of its prompts' exact
// distributions (for the option order alone: the average of the two orders), on real llama.cpp.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { probeSourceFromCustomCsv, type Probe } from '../data/index.js';
import { DemonstrationPool, ZERO_SHOT } from '../demos/index.js';
import { DEFAULT_PROMPT_TEMPLATE } from '../prompt/index.js';
import { builtinDataPath } from '../resources.js';
import {
  estimateDistribution,
  estimatePromptMixture,
  estimationOrder,
  mixDistributions,
  withoutCosts,
} from '../sampling/index.js';
import { deriveSeed } from '../random/index.js';
import { targetAnswersFromWeights } from '../survey/index.js';
import { openTestModel } from '../../testing/tiny-model.js';
import { drawPrompts, parseRunConfig, type DrawContext, type RunConfig } from './index.js';

const file = builtinDataPath('probes', 'en.csv');
const PROBES: Probe[] = probeSourceFromCustomCsv(file, readFileSync(file)).probes.filter((p) => p.flag === null);
// Majorities that alternate, so demonstrations complete with both options.
const TARGETS = targetAnswersFromWeights(
  'USA',
  new Map(PROBES.map((p, i): [string, readonly [number, number]] => [p.id, i % 2 === 0 ? [70, 30] : [20, 80]])),
);
const POOL = new DemonstrationPool(PROBES, TARGETS);

/** A probe's prompts as a run for USA draws them, for a model whose template takes a system message. */
const drawn = (probe: Probe, condition: string, runConfig: RunConfig, context: Partial<DrawContext> = {}) =>
  drawPrompts(probe, condition, POOL, runConfig, { country: 'USA', own: TARGETS, systemMessages: true, ...context })!;

const config = (extra: Record<string, unknown> = {}) =>
  parseRunConfig({ models: ['m'], survey: 's', languages: ['en'], shuffleDemonstrations: true, ...extra });

describe('prompts drawn per draw', () => {
  it('balances the option order over draws, probes and seeds', () => {
    let first = 0;
    let draws = 0;
    let probesWithBothOrders = 0;
    for (let seed = 0; seed < 20; seed++) {
      for (const probe of PROBES) {
        const { prompts } = drawn(probe, ZERO_SHOT, config({ seed }));
        const orders = new Set(prompts.map((p) => p.prompt.optionOrder.join('')));
        if (orders.size === 2) probesWithBothOrders++;
        for (const p of prompts) {
          draws += p.weight;
          if (p.prompt.optionOrder[0] === 1) first += p.weight;
        }
      }
    }
    expect(draws).toBe(20 * PROBES.length * 10);
    // 54,000 fair coin flips: the share is 0.5 within 0.01 unless something is badly wrong (4.6 standard errors).
    expect(Math.abs(first / draws - 0.5)).toBeLessThan(0.01);
    // With 10 draws both orders appear for all but 2 · 0.5¹⁰ ≈ 0.2% of probes.
    expect(probesWithBothOrders / (20 * PROBES.length)).toBeGreaterThan(0.99);
  });

  it("draws the random strategies' demonstrations and the demonstration order per draw, or fixes them per probe", () => {
    const probe = PROBES.find((p) => p.id === 'Q28')!;
    const perDraw = drawn(probe, 'random', config());
    expect(perDraw.prompts.reduce((sum, p) => sum + p.weight, 0)).toBe(10);
    expect(
      new Set(perDraw.prompts.map((p) => p.prompt.demonstrationIds.slice().sort().join(' '))).size,
    ).toBeGreaterThan(1);
    expect(perDraw.demonstrationIds.length).toBeGreaterThan(5);

    const fixed = drawn(
      probe,
      'random',
      config({ perDraw: { optionOrder: false, demonstrationOrder: false, randomDemonstrations: false } }),
    );
    expect(fixed.prompts).toHaveLength(1);
    expect(fixed.prompts[0]!.weight).toBe(10);

    // chrF++ choices do not depend on the draw; with shuffling per draw only their order changes.
    const chrf = drawn(
      probe,
      'chrf-all',
      config({ perDraw: { optionOrder: false, demonstrationOrder: true, randomDemonstrations: true } }),
    );
    expect(new Set(chrf.prompts.map((p) => p.prompt.demonstrationIds.slice().sort().join(' '))).size).toBe(1);
    expect(new Set(chrf.prompts.map((p) => p.prompt.demonstrationIds.join(' '))).size).toBeGreaterThan(1);
  });

  it('gives exact estimates both option orders at one half each, and the n draws where demonstrations vary', () => {
    const probe = PROBES[0]!;
    const zero = drawn(probe, ZERO_SHOT, config({ protocol: 'precise' }));
    expect(zero.prompts.map((p) => [p.prompt.optionOrder.join(''), p.weight])).toEqual([
      ['12', 0.5],
      ['21', 0.5],
    ]);
    const random = drawn(probe, 'random', config({ protocol: 'precise' }));
    expect(random.prompts.reduce((sum, p) => sum + p.weight, 0)).toBeCloseTo(1, 12);
    expect(random.prompts.length).toBeGreaterThan(2);
  });

  it("uses the run's prompt template for the probe's language, and refuses one that drops a placeholder", () => {
    const german = {
      ...DEFAULT_PROMPT_TEMPLATE,
      instruction: 'Setze in die Lücke (_) eine der zwei Optionen ein: "{first_option}" oder "{second_option}".',
      answerCue: 'Antwort:',
    };
    const { prompts } = drawn(PROBES[0]!, ZERO_SHOT, config({ promptTemplates: { en: german } }));
    for (const p of prompts) {
      expect(p.prompt.text.startsWith('Setze in die Lücke')).toBe(true);
      expect(p.prompt.text.endsWith('Antwort:')).toBe(true);
    }
    expect(() =>
      config({ promptTemplates: { de: { ...DEFAULT_PROMPT_TEMPLATE, instruction: 'Wähle eine Option.' } } }),
    ).toThrow(/The German prompt: .*\{first_option\}/);
  });

  it("mixes the prompts' exact distributions: the mixture of the two orders is their average", async () => {
    const model = await openTestModel();
    try {
      const probe = PROBES.find((p) => p.id === 'Q1')!;
      const { prompts } = drawn(probe, ZERO_SHOT, config({ protocol: 'precise' }));
      const request = {
        probe,
        chat: true,
        estimator: 'exact' as const,
        n: 10,
        maxTokens: 8,
        seed: 1,
        errorBound: 0.001,
      };
      const parts = [];
      for (const p of prompts)
        parts.push(await estimateDistribution(model, { temperature: 1 }, { ...request, prompt: p.prompt }));
      const mixed = await estimatePromptMixture(model, { temperature: 1 }, { ...request, prompts });
      for (const field of ['option1', 'option2', 'invalid'] as const) {
        expect(mixed[field]).toBeCloseTo((parts[0]![field] + parts[1]![field]) / 2, 12);
      }
      expect(mixed.errorBound).toBeCloseTo((parts[0]!.errorBound + parts[1]!.errorBound) / 2, 12);
      // The two orders differ for this model, so the average is not just one of them.
      expect(Math.abs(parts[0]!.option1 - parts[1]!.option1)).toBeGreaterThan(1e-6);
    } finally {
      await model.close();
    }
  }, 60_000);

  it("estimates the prompts of one instruction one after the other, and gives each the numbers it has alone, mixed in the draws' order", async () => {
    const model = await openTestModel();
    try {
      const probe = PROBES.find((p) => p.id === 'Q1')!;
      const { prompts } = drawn(probe, 'random', config({ estimator: 'tree', n: 12 }));
      const instructions = prompts.map((p) => p.prompt.sharedBeginnings.at(-1));
      // Both option orders among the draws, interleaved: estimated in draw order, half the instructions change.
      expect(new Set(instructions).size).toBe(2);
      const order = estimationOrder(prompts.map((p) => p.prompt));
      expect([...order].sort((a, b) => a - b)).toEqual(prompts.map((_, i) => i));
      const grouped = order.map((i) => instructions[i]);
      expect(grouped.filter((instruction, i) => i > 0 && instruction !== grouped[i - 1])).toHaveLength(1);

      const request = { probe, chat: true, estimator: 'tree' as const, n: 12, maxTokens: 8, seed: 3 };
      const mixed = await estimatePromptMixture(model, { temperature: 1 }, { ...request, prompts });
      // Each prompt on its own, in the draws' order, with the seed of its place among the draws.
      const parts = [];
      for (const [index, { prompt, weight }] of prompts.entries()) {
        const seed = index === 0 ? request.seed : deriveSeed(request.seed, 'prompt', index) >>> 0;
        parts.push({
          distribution: await estimateDistribution(model, { temperature: 1 }, { ...request, prompt, n: weight, seed }),
          weight,
        });
      }
      expect(withoutCosts(mixed)).toEqual(withoutCosts(mixDistributions(parts)));
      expect(mixed.cachedPromptTokens).toBeGreaterThan(0);
      // Mixed, the time inside llama.cpp is the parts' time there; each is part of its wall time.
      expect(mixDistributions(parts).llamaMs).toBeCloseTo(
        parts.reduce((sum, p) => sum + p.distribution.llamaMs!, 0),
        6,
      );
      for (const d of [mixed, ...parts.map((p) => p.distribution)])
        expect(d.llamaMs! > 0 && d.llamaMs! <= d.wallMs).toBe(true);
    } finally {
      await model.close();
    }
  }, 120_000);
});
