// Which demonstrations a prompt carries: none (zero-shot), none again with an independent seed (the re-test
// control), those a selection strategy picked, or those of a reviewer's control (a strategy changed in one respect
// or several, or the persona sentence alone). A run measures every probe under each condition, and its
// measurements are keyed by it. The vocabulary and the grammar of control ids are shared/method.ts's.

import { controlSpecOf, ZERO_SHOT, ZERO_SHOT_RETEST } from '../../shared/method.js';

export {
  COMPARISONS,
  compareConditions,
  CONDITIONS,
  controlSpecOf,
  isCondition,
  isSelectionStrategy,
  referenceOf,
  ZERO_SHOT,
  ZERO_SHOT_RETEST,
} from '../../shared/method.js';
/**
 * A condition: one of CONDITIONS or a control id in its written form (isCondition). A string, since controls are
 * an open grammar (chrf-all/k=3, chrf-all/country=DEU).
 */
export type Condition = string;
/** What is compared with the zero-shot measurement of a misaligned probe: the re-test control, a strategy or a control. */
export type Comparison = string;

/** Whether a condition's prompts carry no demonstrations (zero-shot, the re-test control, persona alone). */
export function isZeroShot(condition: Condition): boolean {
  return condition === ZERO_SHOT || condition === ZERO_SHOT_RETEST || controlSpecOf(condition)?.strategy === null;
}
