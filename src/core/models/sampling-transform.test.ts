// The sampling transform of revealed top probabilities, checked against the same settings applied to a whole
// vocabulary the way llama.cpp applies them (top-k, top-p, min-p, then temperature): the revealed tokens' results
// must be exact where a filter cuts the unrevealed tail, and bounded by the reported missing mass where none does.

import { describe, expect, it } from 'vitest';
import type { SamplingSettings } from './model-types.js';
import { applySamplingTransform } from './sampling-transform.js';

type Entry = { token: string; probability: number };

const revealed = (...probabilities: number[]): Entry[] =>
  probabilities.map((probability, i) => ({ token: `t${i}`, probability }));

const asObject = (m: Map<string, number>): Record<string, number> => Object.fromEntries(m);

function total(result: { probabilities: Map<string, number>; missingMass: number }): number {
  return [...result.probabilities.values()].reduce((s, p) => s + p, 0) + result.missingMass;
}

/**
 * llama.cpp's chain on a whole vocabulary, in doubles: top-k; top-p on the probabilities renormalised over what
 * top-k kept; min-p relative to the most probable token; temperature on what is left.
 */
function fullTransform(vocabulary: readonly Entry[], sampling: SamplingSettings): Map<string, number> {
  let kept = [...vocabulary].sort((a, b) => b.probability - a.probability);
  if (sampling.topK !== undefined && sampling.topK > 0) kept = kept.slice(0, sampling.topK);
  if (sampling.topP !== undefined && sampling.topP < 1) {
    const sum = kept.reduce((s, e) => s + e.probability, 0);
    let cumulative = 0;
    const index = kept.findIndex((e) => (cumulative += e.probability / sum) >= sampling.topP!);
    if (index >= 0) kept = kept.slice(0, index + 1);
  }
  if (sampling.minP !== undefined && sampling.minP > 0) {
    const floor = sampling.minP * kept[0]!.probability;
    kept = kept.filter((e) => e.probability >= floor);
  }
  const weights = kept.map((e) => Math.pow(e.probability / kept[0]!.probability, 1 / sampling.temperature));
  const sum = weights.reduce((s, w) => s + w, 0);
  return new Map(kept.map((e, i) => [e.token, weights[i]! / sum]));
}

/** The revealed top tokens followed by a tail of `count` equal tokens holding the rest of the mass. */
function vocabularyWithTail(top: Entry[], count: number): Entry[] {
  const tail = 1 - top.reduce((s, e) => s + e.probability, 0);
  return [...top, ...Array.from({ length: count }, (_, i) => ({ token: `tail${i}`, probability: tail / count }))];
}

/** The reported result is a lower bound of each revealed token and missingMass covers the gap and the tail. */
function expectBounded(top: Entry[], tailCount: number, sampling: SamplingSettings): void {
  const result = applySamplingTransform(top, sampling);
  const truth = fullTransform(vocabularyWithTail(top, tailCount), sampling);
  for (const [token, probability] of result.probabilities) {
    const exact = truth.get(token) ?? 0;
    expect(exact).toBeGreaterThanOrEqual(probability - 1e-12);
    expect(exact).toBeLessThanOrEqual(probability + result.missingMass + 1e-12);
  }
  const tailShare = [...truth].filter(([token]) => token.startsWith('tail')).reduce((s, [, p]) => s + p, 0);
  expect(tailShare).toBeLessThanOrEqual(result.missingMass + 1e-12);
  expect(total(result)).toBeCloseTo(1, 12);
}

describe('applySamplingTransform', () => {
  it('at temperature 1 with no filter keeps the revealed probabilities and reports the unrevealed tail as missing', () => {
    const result = applySamplingTransform(revealed(0.2, 0.7, 0.05), { temperature: 1 });
    expect([...result.probabilities.keys()]).toEqual(['t1', 't0', 't2']);
    expect(result.probabilities.get('t1')).toBeCloseTo(0.7, 12);
    expect(result.probabilities.get('t0')).toBeCloseTo(0.2, 12);
    expect(result.probabilities.get('t2')).toBeCloseTo(0.05, 12);
    expect(result.missingMass).toBeCloseTo(0.05, 12);
    expect(total(result)).toBeCloseTo(1, 12);
  });

  it('reports no missing mass when the whole distribution was revealed', () => {
    const result = applySamplingTransform(revealed(0.75, 0.25), { temperature: 1 });
    expect(result.missingMass).toBe(0);
    expect(asObject(result.probabilities)).toEqual({ t0: 0.75, t1: 0.25 });
  });

  it('top-k no larger than the revealed count keeps the k most probable, renormalised, and cuts the tail', () => {
    const result = applySamplingTransform(revealed(0.5, 0.3, 0.1, 0.05), { temperature: 1, topK: 2 });
    expect([...result.probabilities.keys()]).toEqual(['t0', 't1']);
    expect(result.probabilities.get('t0')).toBeCloseTo(0.5 / 0.8, 12);
    expect(result.probabilities.get('t1')).toBeCloseTo(0.3 / 0.8, 12);
    expect(result.missingMass).toBe(0);
    const exactlyAll = applySamplingTransform(revealed(0.5, 0.3, 0.1, 0.05), { temperature: 1, topK: 4 });
    expect(exactlyAll.missingMass).toBe(0);
    expect(exactlyAll.probabilities.get('t3')).toBeCloseTo(0.05 / 0.95, 12);
  });

  it('top-k larger than the revealed count cannot cut the tail: missing mass stays', () => {
    const result = applySamplingTransform(revealed(0.5, 0.3, 0.1), { temperature: 1, topK: 40 });
    expect(result.probabilities.size).toBe(3);
    expect(result.missingMass).toBeGreaterThan(0);
    expect(total(result)).toBeCloseTo(1, 12);
  });

  it('top-p keeps tokens until their cumulative probability reaches p, that token included, and cuts the tail', () => {
    // 0.7 + 0.2 is 0.8999999999999999 in doubles: the boundary must still count as reached.
    const atBoundary = applySamplingTransform(revealed(0.7, 0.2, 0.05), { temperature: 1, topP: 0.9 });
    expect([...atBoundary.probabilities.keys()]).toEqual(['t0', 't1']);
    expect(atBoundary.probabilities.get('t0')).toBeCloseTo(0.7 / 0.9, 12);
    expect(atBoundary.missingMass).toBe(0);
    const past = applySamplingTransform(revealed(0.7, 0.2, 0.05), { temperature: 1, topP: 0.85 });
    expect([...past.probabilities.keys()]).toEqual(['t0', 't1']);
    const first = applySamplingTransform(revealed(0.7, 0.2, 0.05), { temperature: 1, topP: 0.5 });
    expect(asObject(first.probabilities)).toEqual({ t0: 1 });
  });

  it('top-p that the revealed tokens do not reach keeps them all and the tail', () => {
    const result = applySamplingTransform(revealed(0.5, 0.3), { temperature: 1, topP: 0.95 });
    expect(result.probabilities.size).toBe(2);
    expect(result.missingMass).toBeCloseTo(0.2, 12);
    expect(total(result)).toBeCloseTo(1, 12);
  });

  it('top-p after a top-k cut counts within the k kept tokens, as llama.cpp renormalises between them', () => {
    // Raw, 0.5 < 0.6 would keep both; renormalised over the top 2, 0.5 / 0.8 = 0.625 ≥ 0.6 keeps one.
    const result = applySamplingTransform(revealed(0.5, 0.3, 0.1, 0.05), { temperature: 1, topK: 2, topP: 0.6 });
    expect(asObject(result.probabilities)).toEqual({ t0: 1 });
    expect(result.missingMass).toBe(0);
    expectBounded(revealed(0.5, 0.3, 0.1, 0.05), 50, { temperature: 1, topK: 2, topP: 0.6 });
  });

  it('min-p drops tokens below minP × the top probability; the tail goes with them', () => {
    const result = applySamplingTransform(revealed(0.6, 0.2, 0.05), { temperature: 1, minP: 0.1 });
    expect([...result.probabilities.keys()]).toEqual(['t0', 't1']);
    expect(result.probabilities.get('t0')).toBeCloseTo(0.75, 12);
    expect(result.missingMass).toBe(0);
  });

  it('min-p below every revealed token cannot rule out the tail', () => {
    const result = applySamplingTransform(revealed(0.6, 0.2, 0.1), { temperature: 1, minP: 0.05 });
    expect(result.probabilities.size).toBe(3);
    expect(result.missingMass).toBeGreaterThan(0);
    expectBounded(revealed(0.6, 0.2, 0.1), 4, { temperature: 1, minP: 0.05 });
  });

  it('temperature reweights the kept tokens as p^(1/T)', () => {
    const colder = applySamplingTransform(revealed(0.6, 0.3, 0.1), { temperature: 0.5, topK: 2 });
    expect(colder.probabilities.get('t0')).toBeCloseTo(0.36 / 0.45, 12);
    expect(colder.probabilities.get('t1')).toBeCloseTo(0.09 / 0.45, 12);
    const hotter = applySamplingTransform(revealed(0.64, 0.16, 0.1), { temperature: 2, topK: 2 });
    expect(hotter.probabilities.get('t0')).toBeCloseTo(2 / 3, 12);
    expect(hotter.probabilities.get('t1')).toBeCloseTo(1 / 3, 12);
    const greedy = applySamplingTransform(revealed(0.6, 0.3, 0.05), { temperature: 0 });
    expect(greedy.probabilities.get('t0')).toBeCloseTo(1, 12);
    expect(greedy.missingMass).toBeCloseTo(0, 12);
  });

  it('applies the filters in llama.cpp order and matches the whole-vocabulary result exactly when the tail is cut', () => {
    const top = revealed(0.4, 0.25, 0.15, 0.1, 0.05);
    for (const sampling of [
      { temperature: 0.6, topK: 3 },
      { temperature: 0.7, topP: 0.8 },
      { temperature: 1.3, topK: 4, topP: 0.9 },
      { temperature: 0.8, topP: 0.95, minP: 0.3 },
    ] satisfies SamplingSettings[]) {
      const result = applySamplingTransform(top, sampling);
      const truth = fullTransform(vocabularyWithTail(top, 20), sampling);
      expect(result.missingMass).toBe(0);
      expect(result.probabilities.size).toBe(truth.size);
      for (const [token, probability] of truth) expect(result.probabilities.get(token)).toBeCloseTo(probability, 12);
    }
  });

  it('bounds the unrevealed tail at any temperature, however it is spread', () => {
    const top = revealed(0.5, 0.2, 0.1, 0.05);
    for (const temperature of [0.3, 0.7, 1, 1.5, 3]) {
      // The tail concentrated on tokens as probable as the least revealed one, and spread over many tiny ones.
      expectBounded(top, 3, { temperature });
      expectBounded(top, 100_000, { temperature });
      expectBounded(top, 100_000, { temperature, topK: 50 });
    }
  });

  it('adds up tokens the server listed twice instead of losing one', () => {
    const result = applySamplingTransform(
      [
        { token: 'a', probability: 0.5 },
        { token: 'b', probability: 0.3 },
        { token: 'a', probability: 0.2 },
      ],
      { temperature: 1 },
    );
    expect(result.probabilities.get('a')).toBeCloseTo(0.7, 12);
    expect(total(result)).toBeCloseTo(1, 12);
  });

  it('reports everything as missing when nothing was revealed', () => {
    const result = applySamplingTransform([], { temperature: 1 });
    expect(result.probabilities.size).toBe(0);
    expect(result.missingMass).toBe(1);
  });
});
