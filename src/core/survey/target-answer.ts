// What a country's people answered to a probe's question, reduced to the probe's two options: the oracle that
// completes demonstrations and judges responses. The survey import fills it; anything can construct one in tests.

export type TargetAnswer =
  | { kind: 'majority'; option: 1 | 2; shares: readonly [number, number]; margin: number }
  | { kind: 'tie'; shares: readonly [number, number] }
  | { kind: 'unknown'; reason?: string };

/** Target answers of one country, by probe id (`Q106a`). */
export interface TargetAnswers {
  readonly country: string;
  get(probeId: string): TargetAnswer;
}

/**
 * The target from the weight of respondents on each option's codes. The shares are normalised over the two
 * options; the margin is the majority share minus the minority share.
 */
export function targetFromWeights(option1: number, option2: number): TargetAnswer {
  const total = option1 + option2;
  if (!(total > 0)) return { kind: 'unknown' };
  const shares = [option1 / total, option2 / total] as const;
  if (shares[0] === shares[1]) return { kind: 'tie', shares };
  const option = shares[0] > shares[1] ? 1 : 2;
  return { kind: 'majority', option, shares, margin: Math.abs(shares[0] - shares[1]) };
}

/** Target answers held in memory, from option weights per probe id. */
export function targetAnswersFromWeights(
  country: string,
  weights: ReadonlyMap<string, readonly [number, number]>,
): TargetAnswers {
  const targets = new Map<string, TargetAnswer>();
  for (const [id, [w1, w2]] of weights) targets.set(id, targetFromWeights(w1, w2));
  return { country, get: (probeId) => targets.get(probeId) ?? { kind: 'unknown' } };
}
