// `npm run study:merge-gold-labels`: the labels read by hand (scratch/labels/*.jsonl, one {id, label, note} per
// response) joined with the rows drawn by study:draw-gold-sample into the gold file the parser is tested against,
// src/core/prompt/real-answers.gold.csv. The file keeps the response texts with their probe ids and the ids of
// the demonstrations shown, never the published statements (their licence forbids copying them). The `rule`
// column, filled by hand, documents a deliberate disagreement of the parser with a label; a merge keeps it. A second
// reader, blind to the first and to the parser, labels the same rows (`second_label`): how often two readers agree
// is the ceiling any parser can be held to.
//
//   npm run study:merge-gold-labels -- [--rows scratch/gold-*.jsonl ...] [--labels scratch/labels] [--second-labels scratch/labels2]

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { GOLD_COLUMNS, GOLD_FILE } from './collected-answers.js';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    labels: { type: 'string', default: 'scratch/labels' },
    'second-labels': { type: 'string', default: 'scratch/labels2' },
  },
});
const rowFiles =
  positionals.length > 0
    ? positionals
    : readdirSync('scratch')
        .filter((f) => /^gold-.*\.jsonl$/.test(f))
        .map((f) => path.join('scratch', f));

interface DrawnRow {
  id: string;
  model: string;
  language: string;
  probeId: string;
  condition: string;
  demonstrations: string[];
  response: string;
  sample?: string;
}
const drawn = new Map<string, DrawnRow>();
for (const file of rowFiles)
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean))
    drawn.set((JSON.parse(line) as DrawnRow).id, JSON.parse(line) as DrawnRow);

/** One reader's labels: every `*.jsonl` file of the folder (none when it does not exist). */
function readLabels(folder: string): Map<string, string> {
  const labels = new Map<string, string>();
  if (!existsSync(folder)) return labels;
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.jsonl'))) {
    for (const [index, line] of readFileSync(path.join(folder, file), 'utf8').split('\n').entries()) {
      if (!line.trim()) continue;
      const { id, label } = JSON.parse(line) as { id: string; label: string };
      if (!['1', '2', 'invalid'].includes(label))
        throw new Error(
          `${path.join(folder, file)}, line ${index + 1}: ${id} has the label "${label}" (1, 2 or invalid)`,
        );
      labels.set(id, label);
    }
  }
  return labels;
}
const labels = readLabels(args.labels);
const secondLabels = readLabels(args['second-labels']);

const keyOf = (r: Record<string, string>) => [r.model, r.language, r.probe_id, r.condition, r.response].join('\u0000');
const kept = new Map<string, Record<string, string>>();
if (existsSync(GOLD_FILE))
  for (const row of parse(readFileSync(GOLD_FILE, 'utf8'), { columns: true }) as Record<string, string>[])
    kept.set(keyOf(row), { sample: 'design', ...row });

for (const [id, row] of drawn) {
  const label = labels.get(id);
  if (!label) continue;
  const record = {
    model: row.model,
    language: row.language,
    probe_id: row.probeId,
    condition: row.condition,
    demonstrations: row.demonstrations.join(' '),
    response: row.response,
    sample: row.sample ?? 'design',
    label,
    second_label: '',
    rule: '',
  };
  const before = kept.get(keyOf(record));
  kept.set(keyOf(record), {
    ...record,
    sample: before?.sample ?? record.sample,
    second_label: secondLabels.get(id) ?? before?.second_label ?? '',
    rule: before?.rule ?? '',
  });
}
const rows = [...kept.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
writeFileSync(GOLD_FILE, stringify(rows, { header: true, columns: [...GOLD_COLUMNS] }));
process.stderr.write(`${rows.length} labelled responses in ${GOLD_FILE}\n`);
