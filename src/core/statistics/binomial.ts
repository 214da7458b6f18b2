// The binomial distribution, for evaluating the paper's rule in expectation: with exact shares p₀ (zero-shot) and
// p₁ (self-aligned) and the protocol's n draws, the counts X₀ ~ Bin(n, p₀) and X₁ ~ Bin(n, p₁) are what the
// paper's procedure would have observed.

/** P(X = k) for k = 0..n, computed by the recurrence from the larger end so it stays accurate for small p. */
export function binomialPmf(n: number, p: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n must be a whole number ≥ 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`p must be within [0, 1], got ${p}`);
  const pmf = new Array<number>(n + 1).fill(0);
  if (p === 0) {
    pmf[0] = 1;
    return pmf;
  }
  if (p === 1) {
    pmf[n] = 1;
    return pmf;
  }
  // log P(X = k) through the log-gamma-free product form, then normalised: exact enough for the n of a protocol.
  const logs = new Array<number>(n + 1);
  let logChoose = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logChoose += Math.log((n - k + 1) / k);
    logs[k] = logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p);
  }
  const max = Math.max(...logs);
  let total = 0;
  for (let k = 0; k <= n; k++) total += pmf[k] = Math.exp(logs[k]! - max);
  return pmf.map((x) => x / total);
}

/**
 * The chance of each outcome of the paper's rule for one probe, joint with the probe being flagged as misaligned
 * (X₀ < n): improved X₁ > X₀, unchanged X₁ = X₀, worsened X₁ < X₀; and the chance of being flagged at all.
 */
export function paperRuleChances(
  n: number,
  p0: number,
  p1: number,
): { misaligned: number; improved: number; unchanged: number; worsened: number } {
  const before = binomialPmf(n, p0);
  const after = binomialPmf(n, p1);
  // above[k] = P(X₁ > k)
  const above = new Array<number>(n + 1).fill(0);
  for (let k = n - 1; k >= 0; k--) above[k] = above[k + 1]! + after[k + 1]!;
  let improved = 0;
  let unchanged = 0;
  let misaligned = 0;
  for (let k = 0; k < n; k++) {
    misaligned += before[k]!;
    improved += before[k]! * above[k]!;
    unchanged += before[k]! * after[k]!;
  }
  return { misaligned, improved, unchanged, worsened: Math.max(0, misaligned - improved - unchanged) };
}
