// The answer parser against what real models answered, labelled by reading (real-answers.gold.csv: SmolLM2-135M-
// Instruct and Gemma 3 270M, English and Arora et al.'s 13 languages, zero-shot and self-aligned prompts, drawn by
// study:draw-gold-sample and labelled by docs/answer-labelling-guide.md). Every disagreement left must name, in
// the file's `rule` column, the deliberate rule of the parser that decides it (DELIBERATE_RULES; the doc gives
// each with its cases), and agreement must not fall below what it is today. The goal is 98% in every language; it
// is not met (92.4% overall, 82–100% per language), see docs/real-models.md.
// Two samples: `design` (420 rows, read while rules 6–10 were written) and `held-out` (280 rows, drawn and labelled
// afterwards, never read while writing them): the parser's agreement on the held-out rows is the honest figure.
// Two readers, blind to each other and to the parser, labelled every row (`label`, `second_label`): they agree on
// 98.1%, so the goal is what a reader achieves, and the parser's gap to it is the parser's, not the labels' noise.
// The statements come from ../shared/data (the gold file keeps only their ids), with each prompt's demonstrations.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { beforeAll, expect, it } from 'vitest';
import { readProbeSource, type Probe } from '../data/index.js';
import { builtinDataPath } from '../resources.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { AnswerMatcher } from './answer-parser.js';

const GOLD = fileURLToPath(new URL('./real-answers.gold.csv', import.meta.url));
const LANGUAGES = ['en', 'ro', 'el', 'ur', 'fa', 'tl', 'id', 'de', 'ms', 'bn', 'sr', 'tr', 'vi', 'ko'];
const MODELS = ['smollm2-135m-instruct', 'gemma3-270m'];

/** Where the parser reads a response otherwise than a person did, on purpose: the rule that decides it. */
const DELIBERATE_RULES: Record<string, string> = {
  'literal-option':
    "an option counts in its own words, or misspelt alone on its line (rule 10); another form, a translation, or a misspelling beyond rule 10's bound is none",
  negation: 'a negation word in the deciding sentence, outside the option, makes it neither (rule 5)',
  subject:
    "what a sentence is about is read only through the demonstrations (rule 6) and a restatement's own words (rule 9): a bare option in a sentence of its own, or in a restatement that copied half the statement, counts",
  instruction:
    'an option quoted in the instruction the model repeats ("Fill in the blank …: "না") counts like any other',
  restatement:
    "a restatement that goes on with a word of its own where the statement goes on answers another statement (rule 9), also where a reader took the word for the statement's",
  alternatives:
    'an option offered beside another candidate only with "or", "|" or their translations is neither (rule 9); with "and", a comma, a slash, or on the next line it counts',
  lists:
    'a bare label before the answer, or an answer that is an item of a list, is neither (rule 8); readers differed here too',
  'blank-filled':
    'underscores are read by rule 7: a blank copied from the prompt before the answer is the statement unfilled, a blank followed at once by an option is the blank filled',
  'cut-off': 'a sentence cut off by the token limit counts by what it says before the cut',
  'demonstration-words':
    "a sentence cut off before its subject, with more of a demonstration's words than the probe's, is about the demonstration (rule 6)",
};

/** Today's agreement, as floors: a change to the parser may raise them, never lower them. */
const AGREEMENT_FLOOR = { overall: 0.924, language: 0.82, heldOut: 0.889 };

interface GoldRow {
  model: string;
  language: string;
  probe_id: string;
  condition: string;
  demonstrations: string;
  response: string;
  label: '1' | '2' | 'invalid';
  second_label: '1' | '2' | 'invalid';
  sample: 'design' | 'held-out';
  rule: string;
}

describeWithSharedData('the answer parser against real answers labelled by reading', () => {
  const gold = parse(readFileSync(GOLD, 'utf8'), { columns: true }) as GoldRow[];
  let results: { row: GoldRow; parsed: string; matcher: AnswerMatcher }[];

  beforeAll(async () => {
    const probes = [
      ...(await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes,
      ...(await readProbeSource(path.join(sharedDataDir, 'arora-probes', 'probes.zip'))).probes,
    ];
    const find = (language: string, id: string): Probe => {
      const probe = probes.find((p) => p.language === language && p.id === id);
      if (!probe) throw new Error(`the gold file names ${language} ${id}, which no probe set has`);
      return probe;
    };
    results = gold.map((row) => {
      const demonstrations = row.demonstrations
        .split(' ')
        .filter(Boolean)
        .map((id) => find(row.language, id).template);
      const matcher = new AnswerMatcher(find(row.language, row.probe_id), { otherStatements: demonstrations });
      return { row, parsed: String(matcher.parse(row.response).answer), matcher };
    });
  });

  it('holds at least 400 responses, from both models, in every language, zero-shot and self-aligned', () => {
    expect(gold.length).toBeGreaterThanOrEqual(400);
    for (const model of MODELS)
      for (const language of LANGUAGES)
        expect(
          gold.filter((r) => r.model === model && r.language === language).length,
          `${model} ${language}`,
        ).toBeGreaterThanOrEqual(10);
    expect(new Set(gold.map((r) => r.condition))).toEqual(new Set(['zero-shot', 'chrf-all']));
    expect(new Set(gold.map((r) => r.label))).toEqual(new Set(['1', '2', 'invalid']));
  });

  it('has a second reader for every row, who agrees with the first on at least 98% (the ceiling the parser is held to)', () => {
    expect(gold.filter((r) => !['1', '2', 'invalid'].includes(r.second_label))).toEqual([]);
    expect(gold.filter((r) => r.second_label === r.label).length / gold.length).toBeGreaterThanOrEqual(0.98);
  });

  it('agrees with the labels no less than today, overall and in every language', () => {
    const agreement = (rows: typeof results) => rows.filter((r) => r.parsed === r.row.label).length / rows.length;
    expect(agreement(results)).toBeGreaterThanOrEqual(AGREEMENT_FLOOR.overall);
    for (const language of LANGUAGES)
      expect(agreement(results.filter((r) => r.row.language === language)), language).toBeGreaterThanOrEqual(
        AGREEMENT_FLOOR.language,
      );
    expect(agreement(results.filter((r) => r.row.sample === 'held-out'))).toBeGreaterThanOrEqual(
      AGREEMENT_FLOOR.heldOut,
    );
  });

  it('holds a held-out sample, in every language, from both models', () => {
    expect(new Set(gold.map((r) => r.sample))).toEqual(new Set(['design', 'held-out']));
    for (const model of MODELS)
      for (const language of LANGUAGES)
        expect(
          gold.filter((r) => r.sample === 'held-out' && r.model === model && r.language === language).length,
          `${model} ${language}`,
        ).toBeGreaterThanOrEqual(10);
  });

  it('fixes an answer at a line break only where every continuation of the real response gives it', () => {
    let checked = 0;
    for (const { row, matcher } of results) {
      const whole = matcher.parse(row.response);
      for (const [at] of [...row.response.matchAll(/\n/g)].map((m) => [m.index])) {
        const decided = matcher.decidedAnswer(row.response.slice(0, at! + 1));
        if (decided === undefined) continue;
        checked++;
        expect(decided, `${row.language} ${row.probe_id} ${JSON.stringify(row.response)} at ${at}`).toEqual(whole);
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('explains every disagreement by a deliberate rule, and names no rule where there is none', () => {
    const unexplained = results
      .filter((r) => r.parsed !== r.row.label && !(r.row.rule in DELIBERATE_RULES))
      .map(
        (r) =>
          `${r.row.model} ${r.row.language} ${r.row.probe_id} ${JSON.stringify(r.row.response)}: label ${r.row.label}, parser ${r.parsed}`,
      );
    expect(unexplained).toEqual([]);
    const stale = results
      .filter((r) => r.parsed === r.row.label && r.row.rule !== '')
      .map((r) => `${r.row.language} ${r.row.probe_id} ${JSON.stringify(r.row.response)}`);
    expect(stale).toEqual([]);
  });
});
