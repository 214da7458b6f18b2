// How a node's remaining samples split over the next tokens: a multinomial draw, exact for any count, from the
// seeded generator. Each of the `count` samples picks a token by inverse transform sampling.

import type { SeededRandom } from './seeded-random.js';

export function multinomialSplit<T>(
  count: number,
  probabilities: ReadonlyMap<T, number>,
  random: SeededRandom,
): Map<T, number> {
  const tokens = [...probabilities.keys()];
  const cumulative = new Float64Array(tokens.length);
  let total = 0;
  tokens.forEach((token, i) => {
    total += probabilities.get(token)!;
    cumulative[i] = total;
  });
  const split = new Map<T, number>();
  if (tokens.length === 0 || !(total > 0)) return split;
  for (let s = 0; s < count; s++) {
    const u = random.float() * total;
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    const token = tokens[lo]!;
    split.set(token, (split.get(token) ?? 0) + 1);
  }
  return split;
}

/** One draw from a distribution. */
export function sampleOne<T>(probabilities: ReadonlyMap<T, number>, random: SeededRandom): T | undefined {
  return multinomialSplit(1, probabilities, random).keys().next().value;
}
