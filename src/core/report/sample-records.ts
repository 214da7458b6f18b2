// Hand-built probe records for the report's tests: 2 models × 2 languages × 2 strategies, a dozen probes whose
// outcomes are chosen so every expected number can be counted by hand (see the comments beside each probe).
// Not part of the report's public face; only the tests import it.

import type { Comparison } from '../demos/index.js';
import type { Outcome, ProbeRecord, StrategyResult } from '../experiment/index.js';

/** [self-aligned alignment, paper outcome, gated outcome, Δ, soft alignment after]. */
export type ResultSpec = [number, Outcome, Outcome, number | undefined, number | undefined];

const COUNTRY: Record<string, string> = { bn: 'BGD', fa: 'IRN' };

export function probeRecord(
  model: string,
  language: string,
  probeId: string,
  category: number,
  zeroShotAlignment: number,
  zeroShotSoft: number | undefined,
  strategies: Partial<Record<Comparison, ResultSpec>> = {},
): ProbeRecord {
  const results: StrategyResult[] = Object.entries(strategies).map(([strategy, spec]) => {
    const [alignment, outcome, gatedOutcome, errorReduction, softAlignment] = spec!;
    return {
      condition: strategy as Comparison,
      alignment,
      invalid: 0,
      n: 100,
      outcome,
      gatedOutcome,
      pValue: null,
      qValue: null,
      errorReduction,
      softAlignment,
      demonstrationIds: ['Q10', 'Q20', 'Q30', 'Q40', 'Q45'],
    };
  });
  return {
    model,
    language,
    country: COUNTRY[language] ?? language.toUpperCase(),
    probeId,
    category,
    estimator: 'sampled',
    targetOption: 1,
    targetShares: [0.7, 0.3],
    zeroShot: { alignment: zeroShotAlignment, softAlignment: zeroShotSoft, n: 100, invalid: 0 },
    targetMargin: 0.4,
    contested: false,
    misaligned: zeroShotAlignment < 1,
    strategies: results,
  };
}

/** Δ = (δ_before − δ_after) / δ_before, computed the way the runner does, floating-point noise included. */
export function reduction(before: number, after: number): number {
  return (1 - before - (1 - after)) / (1 - before);
}

// δ and Δ below are computed as the runner computes them, rounding noise included: 1 − 0.9 is 0.09999999999999998
// and the Δ of 0.8 → 0.82 is 0.09999999999999956, both truly 0.1 and so in the [10%, 20%) bin; the Δ of
// 0.4 → 0.7 is 0.4999999999999999, truly 0.5 and so in [50%, 60%).
export const SAMPLE_RECORDS: readonly ProbeRecord[] = [
  // alpha / bn: 6 probes, 4 misaligned.
  // random: improved Q1, Q2, Q4, worsened Q3 (3 of 4); gated: improved Q1, Q4, unchanged Q2, worsened Q3.
  // chrf-all: improved Q2, Q3, Q4, unchanged Q1 (3 of 4); gated: improved Q2, Q4, unchanged Q1, Q3.
  probeRecord('alpha', 'bn', 'Q1', 1, 0.4, 0.4, {
    random: [0.7, 'improved', 'improved', reduction(0.4, 0.7), 0.2],
    'chrf-all': [0.4, 'unchanged', 'unchanged', 0, 0.4],
  }),
  probeRecord('alpha', 'bn', 'Q2', 1, 0.8, 0.3, {
    random: [0.82, 'improved', 'unchanged', reduction(0.8, 0.82), 0.25],
    'chrf-all': [1, 'improved', 'improved', reduction(0.8, 1), 0.3],
  }),
  probeRecord('alpha', 'bn', 'Q164', 10, 0.9, 0.1, {
    random: [0.8, 'worsened', 'worsened', reduction(0.9, 0.8), 0.2],
    'chrf-all': [0.95, 'improved', 'unchanged', reduction(0.9, 0.95), 0.05],
  }),
  // No valid zero-shot responses: the soft alignment is undefined before, so the probe leaves the soft table.
  probeRecord('alpha', 'bn', 'Q165', 10, 0, undefined, {
    random: [0.3, 'improved', 'improved', reduction(0, 0.3), 0.5],
    'chrf-all': [0.2, 'improved', 'improved', reduction(0, 0.2), 0.6],
  }),
  probeRecord('alpha', 'bn', 'Q3', 1, 1, 0.05),
  probeRecord('alpha', 'bn', 'Q235', 13, 1, 0.02),
  // alpha / fa: every probe aligned, the empty group.
  probeRecord('alpha', 'fa', 'Q1', 1, 1, 0.01),
  probeRecord('alpha', 'fa', 'Q164', 10, 1, 0.03),
  // beta / bn: Q1 improved by random, worsened by chrf-all (Δ = −0.125, which no bin may hold).
  probeRecord('beta', 'bn', 'Q1', 1, 0.2, 0.5, {
    random: [0.6, 'improved', 'improved', reduction(0.2, 0.6), 0.3],
    'chrf-all': [0.1, 'worsened', 'unchanged', reduction(0.2, 0.1), 0.6],
  }),
  probeRecord('beta', 'bn', 'Q2', 1, 1, 0.1),
  // beta / fa: chrf-all was run on Q164 only, so its n (1) is below the misaligned count (2).
  probeRecord('beta', 'fa', 'Q1', 1, 0.6, 0.2, {
    random: [0.6, 'unchanged', 'unchanged', 0, 0.2],
  }),
  probeRecord('beta', 'fa', 'Q164', 10, 0.7, 0.3, {
    random: [0.9, 'improved', 'improved', reduction(0.7, 0.9), 0.1],
    'chrf-all': [0.85, 'improved', 'unchanged', reduction(0.7, 0.85), 0.15],
  }),
];

/**
 * SAMPLE_RECORDS with the reviewer's controls on some probes, for controls.csv and the k curve:
 * - alpha / bn: chrf-all/flipped-labels on Q1 (0.2, worsened), Q2 (0.8, unchanged), Q164 (0.5, worsened), none on
 *   Q165 (left out): paired with chrf-all on 3 probes, improved 0 of 3 against 2 of 3, mean alignment 0.5 against
 *   (0.4 + 1 + 0.95) / 3. chrf-all/k=1 on all four: improved Q1, Q2, Q165 (3 of 4), mean alignment 0.625.
 * - beta / bn: persona on Q1 (0.3, improved), read against chrf-all there (0.1, worsened); chrf-all/share-labels
 *   on Q1 (0.4, improved; Jensen–Shannon distance 0.35 against chrf-all's 0.6).
 */
export const SAMPLE_RECORDS_WITH_CONTROLS: readonly ProbeRecord[] = SAMPLE_RECORDS.map((record) => {
  const controls: Partial<Record<Comparison, ResultSpec>> = {};
  const at = (model: string, language: string, probeId: string) =>
    record.model === model && record.language === language && record.probeId === probeId;
  if (at('alpha', 'bn', 'Q1')) {
    controls['chrf-all/flipped-labels'] = [0.2, 'worsened', 'worsened', reduction(0.4, 0.2), 0.6];
    controls['chrf-all/k=1'] = [0.6, 'improved', 'improved', reduction(0.4, 0.6), 0.3];
  } else if (at('alpha', 'bn', 'Q2')) {
    controls['chrf-all/flipped-labels'] = [0.8, 'unchanged', 'unchanged', 0, 0.3];
    controls['chrf-all/k=1'] = [0.9, 'improved', 'unchanged', reduction(0.8, 0.9), 0.2];
  } else if (at('alpha', 'bn', 'Q164')) {
    controls['chrf-all/flipped-labels'] = [0.5, 'worsened', 'worsened', reduction(0.9, 0.5), 0.4];
    controls['chrf-all/k=1'] = [0.9, 'unchanged', 'unchanged', 0, 0.1];
  } else if (at('alpha', 'bn', 'Q165')) {
    controls['chrf-all/k=1'] = [0.1, 'improved', 'unchanged', reduction(0, 0.1), 0.7];
  } else if (at('beta', 'bn', 'Q1')) {
    controls.persona = [0.3, 'improved', 'unchanged', reduction(0.2, 0.3), 0.45];
    controls['chrf-all/share-labels'] = [0.4, 'improved', 'improved', reduction(0.2, 0.4), 0.35];
  }
  const extra = probeRecord(
    record.model,
    record.language,
    record.probeId,
    record.category,
    record.zeroShot.alignment,
    record.zeroShot.softAlignment,
    controls,
  ).strategies;
  return { ...record, strategies: [...record.strategies, ...extra] };
});
