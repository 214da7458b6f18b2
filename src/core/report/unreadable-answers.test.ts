// The Results page's first warning: which model × language gave no readable answers, how many, what it said
// instead, and what to try.

import { expect, it } from 'vitest';
import type { MeasuredResult } from '../experiment/index.js';
import type { ResponseDistribution } from '../sampling/index.js';
import { unreadableWarnings } from './unreadable-answers.js';
import type { MisalignmentRow, OutcomeRow } from './results-tables.js';

function measurement(
  language: string,
  probeId: string,
  condition: MeasuredResult['condition'],
  responses: { text: string; weight: number; answer: 1 | 2 | 'invalid' }[],
): MeasuredResult {
  const n = responses.reduce((sum, r) => sum + r.weight, 0);
  const share = (answer: 1 | 2 | 'invalid') =>
    responses.filter((r) => r.answer === answer).reduce((sum, r) => sum + r.weight, 0) / n;
  const distribution: Partial<ResponseDistribution> = {
    estimator: 'sampled',
    n,
    option1: share(1),
    option2: share(2),
    invalid: share('invalid'),
    responses,
  };
  return {
    model: 'm',
    language,
    country: language === 'tr' ? 'TUR' : 'USA',
    probeId,
    condition,
    category: 1,
    targetOption: 1,
    targetShares: [0.7, 0.3],
    demonstrationIds: [],
    distributionJson: JSON.stringify(distribution),
  };
}

const cell = (language: string, mostlyUnreadable: boolean) => ({
  model: 'm',
  language,
  country: language === 'tr' ? 'TUR' : 'USA',
  mostlyUnreadable,
});

const config = { chat: true, maxTokens: 16, promptTemplates: {}, unreadableThreshold: 0.5 };

it('warns of each model × language with mostly unreadable answers: how many, what it said instead, what to try', () => {
  const measurements = [
    measurement('tr', 'Q1', 'zero-shot', [
      { text: 'Evet, ', weight: 6, answer: 'invalid' },
      { text: 'Bu soru', weight: 3, answer: 'invalid' },
      { text: 'asla', weight: 1, answer: 1 },
    ]),
    measurement('tr', 'Q2', 'zero-shot', [
      { text: 'Evet,', weight: 5, answer: 'invalid' },
      { text: '?', weight: 2, answer: 'invalid' },
      { text: 'Hayır', weight: 3, answer: 'invalid' },
    ]),
    measurement('en', 'Q1', 'zero-shot', [{ text: 'never', weight: 10, answer: 1 }]),
  ];
  const warnings = unreadableWarnings(
    measurements,
    {
      misalignment: [cell('en', false), cell('tr', true)] as MisalignmentRow[],
      outcomes: [{ ...cell('tr', false), condition: 'chrf-all', n: 2 }] as OutcomeRow[],
    },
    config,
  );
  expect(warnings).toHaveLength(1);
  const [tr] = warnings;
  expect(tr).toMatchObject({
    model: 'm',
    language: 'tr',
    country: 'TUR',
    conditions: ['zero-shot'],
    responses: 20,
    unreadableResponses: 19,
    unreadableShare: 0.95,
  });
  // "Evet," twice with different spacing is one response: 11 of the 19 unreadable.
  expect(tr!.commonResponses).toEqual([
    { text: 'Evet,', share: 11 / 19 },
    { text: 'Bu soru', share: 3 / 19 },
    { text: 'Hayır', share: 3 / 19 },
  ]);
  expect(tr!.suggestions[0]).toMatch(
    /^Give the instruction in Turkish: the tr prompts carried the workbench's English/,
  );
  expect(tr!.suggestions.join(' ')).toMatch(/maxTokens, 16 tokens/);
  expect(tr!.suggestions.join(' ')).not.toMatch(/chat messages/);
});

it('names a condition whose answers alone were unreadable, and says nothing when every cell was readable', () => {
  const measurements = [
    measurement('en', 'Q1', 'zero-shot', [{ text: 'never', weight: 10, answer: 1 }]),
    measurement('en', 'Q1', 'chrf-all', [{ text: 'Q12: sometimes', weight: 10, answer: 'invalid' }]),
  ];
  const tables = {
    misalignment: [cell('en', false)] as MisalignmentRow[],
    outcomes: [{ ...cell('en', true), condition: 'chrf-all', n: 1 }] as OutcomeRow[],
  };
  const [en] = unreadableWarnings(measurements, tables, { ...config, chat: false });
  expect(en).toMatchObject({ conditions: ['chrf-all'], responses: 10, unreadableResponses: 10, unreadableShare: 1 });
  expect(en!.commonResponses).toEqual([{ text: 'Q12: sometimes', share: 1 }]);
  expect(en!.suggestions.join(' ')).toMatch(/plain prompt/);
  // English needs no translated instruction.
  expect(en!.suggestions.join(' ')).not.toMatch(/English instruction/);
  expect(
    unreadableWarnings(measurements, { misalignment: [cell('en', false)] as MisalignmentRow[], outcomes: [] }, config),
  ).toEqual([]);
});
