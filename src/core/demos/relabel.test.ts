// The label controls: flipped gives the minority answer, random and shares draw per the randomness given, another
// country's majority replaces the country's, and a demonstration another country has no majority for is left out.

import { describe, expect, it } from 'vitest';
import type { Probe } from '../data/index.js';
import type { TargetAnswer, TargetAnswers } from '../survey/index.js';
import type { Demonstration } from './demonstrations.js';
import { relabelDemonstration } from './relabel.js';

const probe = {
  id: 'Q1',
  template: 'Family is _ in my life.',
  options: ['important', 'unimportant'],
} as unknown as Probe;
const demonstration: Demonstration = {
  probe,
  answer: 1,
  answerText: 'important',
  sentence: 'Family is important in my life.',
  chrfpp: 0.4,
};
const answers = (target: TargetAnswer): TargetAnswers =>
  ({ country: 'X', warnings: [], get: () => target }) as TargetAnswers;
const own = answers({ kind: 'majority', option: 1, shares: [0.7, 0.3], margin: 0.4 });
const fixed = (value: number) => () => value;

describe('relabelled demonstrations', () => {
  it("keeps the country's answer, or gives the minority one", () => {
    expect(relabelDemonstration(demonstration, { kind: 'country' }, { own, uniform: fixed(0) })).toBe(demonstration);
    expect(relabelDemonstration(demonstration, { kind: 'flipped' }, { own, uniform: fixed(0) })).toEqual({
      ...demonstration,
      answer: 2,
      answerText: 'unimportant',
      sentence: 'Family is unimportant in my life.',
    });
  });

  it('draws a random answer half and half, and a share answer as often as the country gives it', () => {
    expect(relabelDemonstration(demonstration, { kind: 'random' }, { own, uniform: fixed(0.49) })!.answer).toBe(1);
    expect(relabelDemonstration(demonstration, { kind: 'random' }, { own, uniform: fixed(0.5) })!.answer).toBe(2);
    expect(relabelDemonstration(demonstration, { kind: 'shares' }, { own, uniform: fixed(0.69) })!.answer).toBe(1);
    expect(relabelDemonstration(demonstration, { kind: 'shares' }, { own, uniform: fixed(0.7) })!.answer).toBe(2);
  });

  it("takes another country's majority, and leaves out a demonstration it has none for", () => {
    const other = answers({ kind: 'majority', option: 2, shares: [0.4, 0.6], margin: 0.2 });
    const otherCountry = { kind: 'other-country' as const, country: 'DEU' };
    expect(relabelDemonstration(demonstration, otherCountry, { own, other, uniform: fixed(0) })!.sentence).toBe(
      'Family is unimportant in my life.',
    );
    const tie = answers({ kind: 'tie', shares: [0.5, 0.5] });
    expect(relabelDemonstration(demonstration, otherCountry, { own, other: tie, uniform: fixed(0) })).toBeNull();
    expect(relabelDemonstration(demonstration, otherCountry, { own, uniform: fixed(0) })).toBeNull();
  });
});
