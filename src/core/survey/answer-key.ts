// The answer key: for every probe, the WVS variable it asks about and which answer codes count as its option 1 and
// option 2 (docs/answer-key.md gives the rules). Codes in neither list — middle codes of odd scales, other answers —
// count for neither option. The built-in key is data/answer-key.csv; a user's own key has the same layout.

import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { normaliseQuestionId } from '../data/index.js';
import { builtinDataPath } from '../resources.js';

export interface AnswerKeyEntry {
  probeId: string;
  /** The WVS variable, `Q106` for `Q106a`. */
  variable: string;
  option1: readonly number[];
  option2: readonly number[];
  note: string;
}

export const ANSWER_KEY_COLUMNS = ['probe_id', 'wvs_variable', 'option_1_codes', 'option_2_codes', 'note'] as const;

export class AnswerKey {
  private readonly byProbe: ReadonlyMap<string, AnswerKeyEntry>;

  constructor(entries: readonly AnswerKeyEntry[]) {
    this.byProbe = new Map(entries.map((e) => [e.probeId, e]));
  }

  get(probeId: string): AnswerKeyEntry | undefined {
    return this.byProbe.get(probeId);
  }

  get entries(): AnswerKeyEntry[] {
    return [...this.byProbe.values()];
  }

  /** Which option a single answer code counts for, or undefined for neither. */
  static optionOfCode(entry: AnswerKeyEntry, code: number): 1 | 2 | undefined {
    if (entry.option1.includes(code)) return 1;
    if (entry.option2.includes(code)) return 2;
    return undefined;
  }
}

/** "1-5", "1 3", "2-4 7" → the codes, in order. */
export function parseCodeList(text: string): number[] {
  const codes: number[] = [];
  for (const item of text.trim().split(/\s+/).filter(Boolean)) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) throw new Error(`the range ${item} runs backwards`);
      for (let code = from; code <= to; code++) codes.push(code);
    } else if (/^\d+$/.test(item)) {
      codes.push(Number(item));
    } else {
      throw new Error(`"${item}" is neither a code nor a range such as 1-5`);
    }
  }
  return codes;
}

export function parseAnswerKey(text: string, file: string): AnswerKey {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof rows;
  } catch (error) {
    throw new UserError('bad-csv', `the answer key cannot be parsed: ${(error as Error).message}`, { file });
  }
  const header = rows[0]?.record.map((h) => h.trim()) ?? [];
  const missing = ANSWER_KEY_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0)
    throw new UserError('missing-columns', `the answer key lacks the columns ${missing.join(', ')}`, { file, line: 1 });
  const col = (record: string[], name: (typeof ANSWER_KEY_COLUMNS)[number]) =>
    (record[header.indexOf(name)] ?? '').trim();
  const entries: AnswerKeyEntry[] = [];
  const seen = new Set<string>();
  for (const { record, info } of rows.slice(1)) {
    const where = { file, line: info.lines };
    const probeId = normaliseQuestionId(col(record, 'probe_id'));
    if (!probeId)
      throw new UserError(
        'bad-question-id',
        `"${col(record, 'probe_id')}" is not a probe id such as Q1 or Q106a`,
        where,
      );
    if (seen.has(probeId))
      throw new UserError('duplicate-id', `${probeId} has two entries`, { ...where, probe: probeId });
    seen.add(probeId);
    const variable = normaliseQuestionId(col(record, 'wvs_variable'));
    if (!variable)
      throw new UserError('bad-variable', `"${col(record, 'wvs_variable')}" is not a WVS variable such as Q106`, {
        ...where,
        probe: probeId,
      });
    let option1: number[];
    let option2: number[];
    try {
      option1 = parseCodeList(col(record, 'option_1_codes'));
      option2 = parseCodeList(col(record, 'option_2_codes'));
    } catch (error) {
      throw new UserError('bad-codes', (error as Error).message, { ...where, probe: probeId });
    }
    if (option1.length === 0 || option2.length === 0)
      throw new UserError('bad-codes', 'each option needs at least one answer code', { ...where, probe: probeId });
    const shared = option1.filter((c) => option2.includes(c));
    if (shared.length > 0)
      throw new UserError('bad-codes', `code ${shared.join(', ')} counts for both options`, {
        ...where,
        probe: probeId,
      });
    entries.push({ probeId, variable, option1, option2, note: col(record, 'note') });
  }
  return new AnswerKey(entries);
}

export async function readAnswerKey(file: string): Promise<AnswerKey> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UserError('not-found', 'the answer key file cannot be read', { file });
  });
  return parseAnswerKey(text, file);
}

let builtin: Promise<AnswerKey> | undefined;

/** The workbench's own key for the 272 probe ids of the Arora et al. set (data/answer-key.csv). */
export function builtinAnswerKey(): Promise<AnswerKey> {
  builtin ??= readAnswerKey(builtinDataPath('answer-key.csv'));
  return builtin;
}
