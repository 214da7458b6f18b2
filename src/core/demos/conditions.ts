// Which demonstrations a prompt carries: none (zero-shot) or those a selection strategy picked. A run measures
// every probe under each condition, and its measurements are keyed by it.

import type { SelectionStrategy } from './demonstrations.js';

export const ZERO_SHOT = 'zero-shot';

export type Condition = typeof ZERO_SHOT | SelectionStrategy;
