// `npm run study:draw-gold-sample`: the responses to label by reading, drawn from what study:collect-answers
// gathered: per model × language, up to --per distinct responses, taken in turn from what the parser read as option
// 1, option 2 and invalid (so the hard cases are not crowded out), in a seeded order. Writes two files: the rows of
// the gold file still to be labelled (model, language, probe, condition, the demonstrations shown, response), and
// beside them, for the labeller only and never committed, the statements and options from ../shared/data.
//
// A later draw for a held-out check (`--sample held-out`) leaves out every response already in the gold file, so the
// parser's rules, written while reading the first sample, are measured on responses nobody read while writing them.
//
//   npm run study:draw-gold-sample -- [--answers scratch/real-answers.jsonl] [--per 15] [--out scratch/gold-to-label.jsonl] [--sample design|held-out]

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { SeededRandom } from '../src/core/random/index.js';
import { COLLECTION, GOLD_FILE, loadStudyData, type CollectedAnswer } from './collected-answers.js';

const { values: args } = parseArgs({
  options: {
    answers: { type: 'string', default: 'scratch/real-answers.jsonl' },
    per: { type: 'string', default: '15' },
    out: { type: 'string', default: 'scratch/gold-to-label.jsonl' },
    seed: { type: 'string', default: String(COLLECTION.seed) },
    sample: { type: 'string', default: 'design' },
  },
});
if (!['design', 'held-out'].includes(args.sample))
  throw new Error(`--sample is design or held-out, not "${args.sample}"`);

const answers = readFileSync(args.answers, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as CollectedAnswer);
const data = await loadStudyData();

const labelledKey = (model: string, language: string, probeId: string, text: string) =>
  [model, language, probeId, text].join('\u0000');
const alreadyLabelled = new Set<string>();
if (args.sample === 'held-out') {
  for (const row of parse(readFileSync(GOLD_FILE, 'utf8'), { columns: true }) as Record<string, string>[])
    alreadyLabelled.add(labelledKey(row.model!, row.language!, row.probe_id!, row.response!));
}

const groups = new Map<string, CollectedAnswer[]>();
for (const answer of answers) {
  if (alreadyLabelled.has(labelledKey(answer.model, answer.language, answer.probeId, answer.text))) continue;
  const key = `${answer.model}/${answer.language}`;
  const seen = groups.get(key) ?? [];
  if (!seen.some((a) => a.text === answer.text && a.probeId === answer.probeId)) seen.push(answer);
  groups.set(key, seen);
}

const rows: string[] = [];
for (const [key, group] of groups) {
  const byClass = ([1, 2, 'invalid'] as const).map((c) =>
    SeededRandom.from(
      Number(args.seed),
      'gold',
      ...(args.sample === 'design' ? [] : [args.sample]),
      key,
      String(c),
    ).shuffle(group.filter((a) => a.parsed === c)),
  );
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
        id: `${args.sample}/${answer.model}/${answer.language}/${answer.probeId}/${answer.condition}/${rows.length}`,
        sample: args.sample,
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
