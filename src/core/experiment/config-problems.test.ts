// Every problem a run configuration can have, as the New run screen and runs.validate show it: in words that name
// the setting, never zod's phrasing or a dotted path.

import { describe, expect, it } from 'vitest';
import { checkRunConfig } from './run-config.js';

const BASE = { models: ['tiny'], survey: 'shares', languages: ['en'] };

/** The problems of BASE changed by `change`. */
function problemsOf(change: Record<string, unknown>) {
  const checked = checkRunConfig({ ...BASE, ...change });
  expect(checked.config, `expected problems with ${JSON.stringify(change)}`).toBeNull();
  return checked.problems;
}

/** One bad value for every setting of the form, and each kind of mistake a file can make. */
const BAD_SETTINGS: Record<string, unknown>[] = [
  { models: [] },
  { models: [''] },
  { survey: '' },
  { probeSet: '' },
  { languages: [] },
  { languages: [5] },
  { languages: ['EN'] },
  { languages: ['xx'] },
  { languages: ['en', 'en'] },
  { languages: [{ language: 'tr', country: 'Turkey' }] },
  { languages: [{ language: 'tr', colour: 'red' }] },
  { languages: [{ language: 'tr', survey: '' }] },
  { languages: ['de', { language: 'de', country: 'AUT', probeSet: 'other' }] },
  { protocol: 'fast' },
  { strategies: ['best'] },
  { strategies: 'chrf-all' },
  { retest: 'yes' },
  { k: 0 },
  { k: 2.5 },
  { k: 21 },
  { n: 0 },
  { n: 'ten' },
  { estimator: 'guess' },
  { maxTokens: 0 },
  { errorBound: 0 },
  { errorBound: 1 },
  { maxEvaluations: 10 },
  { misalignmentThreshold: 0 },
  { misalignmentThreshold: 1.5 },
  { categories: [0] },
  { categories: [14] },
  { shuffleDemonstrations: 1 },
  { includeInvalidItems: 'no' },
  { contestedMargin: -0.1 },
  { unreadableThreshold: 0 },
  { perDraw: { optionOrder: 'sometimes' } },
  { perDraw: { everything: true } },
  { chat: 'on' },
  { promptTemplates: { tr: { instruction: 1 } } },
  {
    promptTemplates: {
      tr: {
        instruction: 'Answer.',
        explanationInstruction: '',
        demonstration: '{sentence}',
        question: '{statement}',
        answerCue: 'Cevap:',
        separator: '\n',
      },
    },
  },
  { chatWrappers: { tiny: 'nonsense' } },
  { explanations: { perProbe: 0 } },
  { explanations: { enabled: 'yes' } },
  { explanations: { maxTokens: 5000 } },
  { seed: -1 },
  { seed: 2 ** 31 },
  { concurrency: 0 },
  { colour: 'blue' },
];

describe('the problems of a run configuration, in words', () => {
  it('names the setting in words for every mistake, never in zod phrasing or a dotted path', () => {
    for (const change of BAD_SETTINGS) {
      for (const { path, message } of problemsOf(change)) {
        const where = `${JSON.stringify(change)} → ${message}`;
        expect(message, where).not.toMatch(/Too (small|big)|Invalid (input|option)|Unrecognized key|expected \w+/);
        expect(message, where).not.toMatch(/\b[a-zA-Z]+\.\d+\b/);
        expect(message, where).toMatch(/^[A-Z"k-n]/);
        expect(path, where).not.toBe('');
      }
    }
  });

  it('says what a person would say', () => {
    const message = (change: Record<string, unknown>) => problemsOf(change).map((p) => p.message);
    expect(message({ k: 0 })).toEqual(['k (demonstrations per prompt) must be at least 1']);
    expect(message({ k: 2.5 })).toEqual(['k (demonstrations per prompt) must be a whole number']);
    expect(message({ errorBound: 0 })).toEqual(['The error bound of exact estimates must be more than 0']);
    expect(message({ n: 'ten' })).toEqual(['n (responses per prompt) must be a number']);
    expect(message({ estimator: 'guess' })).toEqual(['The estimator must be one of "sampled", "tree", "exact"']);
    expect(message({ colour: 'blue' })).toEqual(['The configuration has no setting "colour"']);
    expect(message({ strategies: ['best'] })).toEqual([
      'The strategy "best" must be one of "random", "random-category", "chrf-category", "chrf-all"',
    ]);
    expect(message({ models: [] })).toEqual(['The models: name at least one registered model']);
    expect(message({ languages: [{ language: 'tr', country: 'Turkey' }] })).toEqual([
      'Turkish (tr): its country: an ISO 3166 alpha-3 code such as DEU',
    ]);
    expect(message({ languages: ['xx'] })).toEqual([
      '"xx" has no default country: give one, e.g. { "language": "xx", "country": "USA" }',
    ]);
    expect(message({ languages: ['en', 'en'] })).toEqual(['English → USA (en/USA) is listed twice']);
    expect(message({ chat: 'on' })).toEqual(['Chat messages must be on or off (true or false)']);
    expect(problemsOf({ k: 0 })[0]!.path).toBe('k');
    expect(problemsOf({ languages: ['en', { language: 'tr', country: 'Turkey' }] })[0]!.path).toBe(
      'languages.1.country',
    );
  });
});
