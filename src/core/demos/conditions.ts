// Which demonstrations a prompt carries: none (zero-shot), none again with an independent seed (the re-test
// control), or those a selection strategy picked. A run measures every probe under each condition, and its
// measurements are keyed by it.

import { SELECTION_STRATEGIES, type SelectionStrategy } from './demonstrations.js';

export const ZERO_SHOT = 'zero-shot';

/**
 * The zero-shot prompt measured again with an independent seed. Probes are selected as misaligned on one noisy
 * measurement, so measuring them again "improves" some by chance alone (regression to the mean); this control
 * shows how many, beside each strategy.
 */
export const ZERO_SHOT_RETEST = 'zero-shot-retest';

/** What is compared with the zero-shot measurement of a misaligned probe: the re-test control or a strategy. */
export type Comparison = typeof ZERO_SHOT_RETEST | SelectionStrategy;
export type Condition = typeof ZERO_SHOT | Comparison;

/** The order comparisons appear in every table: the control first, then the strategies in the paper's order. */
export const COMPARISONS: readonly Comparison[] = [ZERO_SHOT_RETEST, ...SELECTION_STRATEGIES];

/** Whether a condition's prompts carry no demonstrations. */
export function isZeroShot(condition: Condition): condition is typeof ZERO_SHOT | typeof ZERO_SHOT_RETEST {
  return condition === ZERO_SHOT || condition === ZERO_SHOT_RETEST;
}
