// The sampling settings applied to revealed next-token probabilities, for API models whose servers give only the
// top log-probabilities of the raw distribution. llama.cpp's order: top-k, top-p, min-p, then temperature. The
// unrevealed tail is bounded, not guessed: it is reported as missing mass unless a filter provably cuts it.

import type { SamplingSettings } from './model-types.js';

/**
 * More tokens than any tokenizer in use has (the largest have about 262 000). Above temperature 1 a tail spread
 * over many tiny tokens gains weight with every token, so only a limit on their number bounds it.
 */
const MAX_VOCABULARY_SIZE = 1 << 20;

/**
 * Revealed probabilities are exp(logprob) of rounded numbers: a cumulative sum that reaches top-p up to this
 * rounding has reached it (in doubles 0.7 + 0.2 < 0.9; llama.cpp, in floats, keeps exactly 0.7 and 0.2).
 */
const CUMULATIVE_TOLERANCE = 1e-9;

export interface TransformedDistribution<T> {
  probabilities: Map<T, number>;
  missingMass: number;
}

/**
 * `revealed`: the top tokens with their raw probabilities, any order; their sum is at most 1 and the rest (the
 * tail) was not revealed. Every tail token is at most as probable as the least probable revealed one.
 */
export function applySamplingTransform<T>(
  revealed: readonly { token: T; probability: number }[],
  sampling: SamplingSettings,
): TransformedDistribution<T> {
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
  // Top-p: the tail is cut when the kept revealed tokens already reach p. llama.cpp renormalises over what top-k
  // kept before it sums; when top-k kept tail tokens of unknown mass too, the raw distribution is what we know.
  if (sampling.topP !== undefined && sampling.topP < 1) {
    const norm = tailCut ? kept.reduce((sum, r) => sum + r.probability, 0) : 1;
    let cumulative = 0;
    const within: typeof kept = [];
    for (const r of kept) {
      within.push(r);
      cumulative += r.probability / norm;
      if (cumulative >= sampling.topP - CUMULATIVE_TOLERANCE) {
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
    // Here nothing was filtered out (kept is sorted). Each tail token is at most the least revealed one, and at
    // most topK − revealed of them survive top-k.
    const top = kept[0]!.probability;
    const least = sorted.at(-1)!.probability;
    const count =
      sampling.topK !== undefined && sampling.topK > 0 ? sampling.topK - sorted.length : MAX_VOCABULARY_SIZE;
    if (temperature <= 1) {
      // (p / top)^(1/T) is convex: the tail weighs most packed into tokens as probable as the least revealed one.
      tailWeight = Math.min(tail / least, count) * Math.pow(least / top, 1 / temperature);
    } else {
      // Above 1 it is concave: the tail weighs most spread evenly over as many tokens as there can be.
      tailWeight = count * Math.pow(Math.min(tail / count, least) / top, 1 / temperature);
    }
  }
  const total = weights.reduce((sum, w) => sum + w, 0) + tailWeight;
  const probabilities = new Map<T, number>();
  // A token listed twice (two token ids with one text) is one continuation: its shares add up.
  kept.forEach((r, i) => probabilities.set(r.token, (probabilities.get(r.token) ?? 0) + weights[i]! / total));
  return { probabilities, missingMass: tailWeight / total };
}
