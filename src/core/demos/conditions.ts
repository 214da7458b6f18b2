// Which demonstrations a prompt carries: none (zero-shot), none again with an independent seed (the re-test
// control), or those a selection strategy picked. A run measures every probe under each condition, and its
// measurements are keyed by it.

import { COMPARISONS, CONDITIONS, ZERO_SHOT, ZERO_SHOT_RETEST } from '../../shared/method.js';

export { COMPARISONS, CONDITIONS, ZERO_SHOT, ZERO_SHOT_RETEST };
/** What is compared with the zero-shot measurement of a misaligned probe: the re-test control or a strategy. */
export type Comparison = (typeof COMPARISONS)[number];
export type Condition = (typeof CONDITIONS)[number];

/** Whether a condition's prompts carry no demonstrations. */
export function isZeroShot(condition: Condition): condition is typeof ZERO_SHOT | typeof ZERO_SHOT_RETEST {
  return condition === ZERO_SHOT || condition === ZERO_SHOT_RETEST;
}
