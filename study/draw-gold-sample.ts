// `npm run study:draw-gold-sample`: the responses to label by reading, drawn from what study:collect-answers
// gathered: per model × language, up to --per distinct responses, taken in turn from what the parser read as option
// 1, option 2 and invalid (so the hard cases are not crowded out), in a seeded order. Writes two files: the rows of
// the gold file still to be labelled (model, language, probe, condition, the demonstrations shown, response), and
// beside them, for the labeller only and never committed, the statements and options from ../shared/data.
//
//   npm run study:draw-gold-sample -- [--answers scratch/real-answers.jsonl] [--per 15] [--out scratch/gold-to-label.jsonl]

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isUsable, readProbeSource, type Probe } from '../src/core/data/index.js';
import { DemonstrationPool, ZERO_SHOT, type Condition } from '../src/core/demos/index.js';
import { drawPrompts, parseRunConfig } from '../src/core/experiment/index.js';
import { SeededRandom } from '../src/core/random/index.js';
import { builtinDataPath } from '../src/core/resources.js';
import { builtinAnswerKey, countryTargets, readSurveyFile } from '../src/core/survey/index.js';
import { sharedDataDir } from '../src/testing/shared-data-dir.js';
import type { CollectedAnswer } from './collect-answers.js';

const { values: args } = parseArgs({
  options: {
    answers: { type: 'string', default: 'scratch/real-answers.jsonl' },
    per: { type: 'string', default: '15' },
    out: { type: 'string', default: 'scratch/gold-to-label.jsonl' },
    seed: { type: 'string', default: '1' },
  },
});

const answers = readFileSync(args.answers, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as CollectedAnswer);
const english = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes;
const arora = (await readProbeSource(path.join(sharedDataDir, 'arora-probes', 'probes.zip'))).probes;
const answerKey = await builtinAnswerKey();
const shares = await readSurveyFile(path.join(sharedDataDir, 'wvs', 'country_distributions.csv'), { format: 'aggregate' });
const probesOf = (language: string): Probe[] => (language === 'en' ? english : arora.filter((p) => p.language === language)).filter(isUsable);

/** The demonstrations the collection's prompt showed (chrF++ selection is deterministic): ids in the order shown. */
function demonstrationsOf(answer: CollectedAnswer): string[] {
  if (answer.condition === ZERO_SHOT) return [];
  const probes = probesOf(answer.language);
  const targets = countryTargets(answer.country, answerKey, shares.cells.filter((c) => c.country === answer.country));
  const config = parseRunConfig({ models: ['m'], survey: 's', languages: [answer.language], n: 10, estimator: 'sampled', seed: Number(args.seed) });
  const probe = probes.find((p) => p.id === answer.probeId)!;
  return drawPrompts(probe, answer.condition as Condition, new DemonstrationPool(probes, targets), config).demonstrationIds;
}

const groups = new Map<string, CollectedAnswer[]>();
for (const answer of answers) {
  const key = `${answer.model}/${answer.language}`;
  const seen = groups.get(key) ?? [];
  if (!seen.some((a) => a.text === answer.text && a.probeId === answer.probeId)) seen.push(answer);
  groups.set(key, seen);
}

const rows: string[] = [];
for (const [key, group] of groups) {
  const byClass = ([1, 2, 'invalid'] as const).map((c) => SeededRandom.from(Number(args.seed), 'gold', key, String(c)).shuffle(group.filter((a) => a.parsed === c)));
  const chosen: CollectedAnswer[] = [];
  for (let i = 0; chosen.length < Number(args.per) && byClass.some((c) => c.length > 0); i++) {
    const next = byClass[i % 3]!.shift();
    if (next) chosen.push(next);
  }
  for (const answer of chosen) {
    const probe = probesOf(answer.language).find((p) => p.id === answer.probeId)!;
    const demonstrations = demonstrationsOf(answer);
    rows.push(
      JSON.stringify({
        id: `${answer.model}/${answer.language}/${answer.probeId}/${answer.condition}/${rows.length}`,
        model: answer.model,
        language: answer.language,
        probeId: answer.probeId,
        condition: answer.condition,
        demonstrations,
        response: answer.text,
        // For the labeller only: never committed.
        statement: probe.template,
        options: probe.options,
        demonstrationStatements: demonstrations.map((id) => probesOf(answer.language).find((p) => p.id === id)?.template),
      }),
    );
  }
}
writeFileSync(args.out, `${rows.join('\n')}\n`);
process.stderr.write(`${rows.length} responses to label in ${args.out}\n`);
