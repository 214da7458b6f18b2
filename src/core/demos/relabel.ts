// The label controls of issue 24: the same demonstrations, completed with another answer than the country's
// majority. Random labels (Min et al. 2022: is it the answers or the format?), the minority answer (does the model
// follow the answers at all?), an answer drawn from the country's shares (the paper's §9 soft alignment) and
// another country's majority (is it this country's values, or any?). Pure: the caller gives the randomness, drawn
// per draw so that each of the n responses sees its own labels.

import { completeSentence } from '../data/index.js';
import type { TargetAnswers } from '../survey/index.js';
import type { LabelSource } from './control-ids.js';
import type { Demonstration } from './demonstrations.js';

export interface RelabelContext {
  /** The run's country's answers (the demonstrations' own). */
  own: TargetAnswers;
  /** The other country's answers, for `other-country`. */
  other?: TargetAnswers;
  /** A uniform float in [0, 1), drawn for this demonstration and draw. */
  uniform: () => number;
}

/**
 * The demonstration completed with the label source's answer; null where the source has no answer for it (another
 * country without a majority on that question): the caller leaves the probe out of that control and counts it.
 */
export function relabelDemonstration(
  demonstration: Demonstration,
  labels: LabelSource,
  context: RelabelContext,
): Demonstration | null {
  const answer = labelOf(demonstration, labels, context);
  if (answer === null) return null;
  if (answer === demonstration.answer) return demonstration;
  const answerText = demonstration.probe.options[answer - 1]!;
  return { ...demonstration, answer, answerText, sentence: completeSentence(demonstration.probe, answerText) };
}

function labelOf(demonstration: Demonstration, labels: LabelSource, context: RelabelContext): 1 | 2 | null {
  switch (labels.kind) {
    case 'country':
      return demonstration.answer;
    case 'flipped':
      return demonstration.answer === 1 ? 2 : 1;
    case 'random':
      return context.uniform() < 0.5 ? 1 : 2;
    case 'shares': {
      const target = context.own.get(demonstration.probe.id);
      // A demonstration always has a majority target; its shares say how often each answer is drawn.
      if (target.kind !== 'majority') return demonstration.answer;
      return context.uniform() < target.shares[0] ? 1 : 2;
    }
    case 'other-country': {
      const target = context.other?.get(demonstration.probe.id);
      return target?.kind === 'majority' ? target.option : null;
    }
  }
}
