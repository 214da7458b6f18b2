// The sampling settings applied to revealed next-token probabilities, for API models whose servers give only the
// top log-probabilities of the raw distribution. llama.cpp's order: top-k, top-p, min-p, then temperature. The
// unrevealed tail is bounded, not guessed: it is reported as missing mass unless a filter provably cuts it.

import type { SamplingSettings } from './model-types.js';

export interface TransformedDistribution<T> {
  probabilities: Map<T, number>;
  missingMass: number;
}

/**
 * `revealed`: the top tokens with their raw probabilities, any order; their sum is at most 1 and the rest (the
 * tail) was not revealed. Every tail token is at most as probable as the least probable revealed one.
 */
export function applySamplingTransform<T>(revealed: readonly { token: T; probability: number }[], sampling: SamplingSettings): TransformedDistribution<T> {
  const sorted = revealed.filter((r) => r.probability > 0).sort((a, b) => b.probability - a.probability);
  const tail = Math.max(0, 1 - sorted.reduce((sum, r) => sum + r.probability, 0));
  if (sorted.length === 0) return { probabilities: new Map(), missingMass: 1 };
  let kept = sorted;
  let tailCut = tail <= 1e-12;
  // Top-k: the tail is cut when k revealed tokens are kept.
  if (sampling.topK !== undefined && sampling.topK > 0 && sampling.topK <= kept.length) {
    kept = kept.slice(0, sampling.topK);
    tailCut = true;
  }
  // Top-p over the raw distribution: the tail is cut when the kept revealed tokens already reach p.
  if (sampling.topP !== undefined && sampling.topP < 1) {
    let cumulative = 0;
    const within: typeof kept = [];
    for (const r of kept) {
      within.push(r);
      cumulative += r.probability;
      if (cumulative >= sampling.topP) {
        tailCut = true;
        break;
      }
    }
    kept = within;
  }
  // Min-p: tokens below minP × the top probability go; the tail is below the least revealed token.
  if (sampling.minP !== undefined && sampling.minP > 0) {
    const floor = sampling.minP * kept[0]!.probability;
    kept = kept.filter((r) => r.probability >= floor);
    if (sorted.at(-1)!.probability < floor || kept.length < sorted.length) tailCut = true;
  }
  const temperature = sampling.temperature > 0 ? sampling.temperature : 1e-6;
  const weights = kept.map((r) => Math.pow(r.probability / kept[0]!.probability, 1 / temperature));
  let tailWeight = 0;
  if (!tailCut) {
    // Each tail token is at most the least revealed one; for temperature ≤ 1 its weight shrinks at least as fast,
    // so (tail / least) tokens of the least weight bound the tail's weight. Above 1 the bound is looser but holds.
    const least = sorted.at(-1)!.probability;
    tailWeight = (tail / least) * Math.pow(least / kept[0]!.probability, 1 / temperature);
  }
  const total = weights.reduce((sum, w) => sum + w, 0) + tailWeight;
  const probabilities = new Map<T, number>();
  kept.forEach((r, i) => probabilities.set(r.token, weights[i]! / total));
  return { probabilities, missingMass: tailWeight / total };
}
