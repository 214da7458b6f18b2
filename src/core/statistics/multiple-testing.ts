// Tests of a change in one probe's share of target answers, and the correction for testing many probes at once:
// Fisher's exact test for the small counts of the paper's n = 10 (a normal approximation is poor there), and the
// Benjamini–Hochberg adjustment, which keeps the expected share of false discoveries among the probes called
// changed at the chosen level.

/** log(k!) for k = 0..n, by summing logs (exact enough for the counts of a run). */
function logFactorials(n: number): number[] {
  const table = [0];
  for (let k = 1; k <= n; k++) table.push(table[k - 1]! + Math.log(k));
  return table;
}

/**
 * Two-sided Fisher's exact test of a 2×2 table [[a, b], [c, d]] (here: target and other answers, before and
 * after): the probability, with the margins fixed, of a table at most as likely as the one observed.
 */
export function fisherExactTest(a: number, b: number, c: number, d: number): number {
  for (const x of [a, b, c, d])
    if (!Number.isInteger(x) || x < 0)
      throw new RangeError(`fisherExactTest takes whole counts ≥ 0, got ${[a, b, c, d].join(', ')}`);
  const row1 = a + b;
  const row2 = c + d;
  const col1 = a + c;
  const n = row1 + row2;
  if (row1 === 0 || row2 === 0 || col1 === 0 || col1 === n) return 1;
  const lf = logFactorials(n);
  const logP = (x: number) =>
    lf[row1]! +
    lf[row2]! +
    lf[col1]! +
    lf[n - col1]! -
    lf[n]! -
    lf[x]! -
    lf[row1 - x]! -
    lf[col1 - x]! -
    lf[row2 - col1 + x]!;
  const observed = logP(a);
  let p = 0;
  for (let x = Math.max(0, col1 - row2); x <= Math.min(row1, col1); x++) {
    const lp = logP(x);
    // The relative tolerance R's fisher.test uses, so tables as likely as the observed one are not lost to rounding.
    if (lp <= observed + 1e-7) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

/** Benjamini–Hochberg q-values of p-values, in the given order. */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((x, y) => x.p - y.p);
  const q = new Array<number>(m);
  let running = 1;
  for (let rank = m; rank >= 1; rank--) {
    const { p, i } = order[rank - 1]!;
    running = Math.min(running, (p * m) / rank);
    q[i] = Math.min(1, running);
  }
  return q;
}
