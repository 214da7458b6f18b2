// `npm run study:draw-gold-sample`: the responses to label by reading, drawn from what study:collect-answers
// gathered: per model × language, up to --per distinct responses, taken in turn from what the parser read as option
// 1, option 2 and invalid (so the hard cases are not crowded out), in a seeded order. Writes two files: the rows of
// the gold file still to be labelled (model, language, probe, condition, the demonstrations shown, response), and
// beside them, for the labeller only and never committed, the statements and options from ../shared/data.
//
//   npm run study:draw-gold-sample -- [--answers scratch/real-answers.jsonl] [--per 15] [--out scratch/gold-to-label.jsonl]

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeededRandom } from '../src/core/random/index.js';
import { COLLECTION, loadStudyData, type CollectedAnswer } from './collected-answers.js';

const { values: args } = parseArgs({
  options: {
    answers: { type: 'string', default: 'scratch/real-answers.jsonl' },
    per: { type: 'string', default: '15' },
    out: { type: 'string', default: 'scratch/gold-to-label.jsonl' },
    seed: { type: 'string', default: String(COLLECTION.seed) },
  },
});

const answers = readFileSync(args.answers, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as CollectedAnswer);
const data = await loadStudyData();

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
    const probes = data.probesOf(answer.language);
    const probe = probes.find((p) => p.id === answer.probeId)!;
    const demonstrations = data.demonstrationsOf(answer);
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
        demonstrationStatements: demonstrations.map((id) => probes.find((p) => p.id === id)?.template),
      }),
    );
  }
}
writeFileSync(args.out, `${rows.join('\n')}\n`);
process.stderr.write(`${rows.length} responses to label in ${args.out}\n`);
