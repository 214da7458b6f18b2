// Reads the WVS data users download: the microdata (the cross-national Wave 7 file, ~97,000 respondents × 600
// columns, or one country's file), streamed row by row into weighted answer counts per country, variable and code;
// or aggregated answer shares (`country_iso3,question_id,answer_code,share[,source]`). Nothing is stored here:
// a read either completes and returns every cell, or fails with the line that broke it.

import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { CancelledError } from '../cancellation.js';
import { UserError } from '../errors.js';
import { normaliseQuestionId } from '../data/index.js';
import { countryName } from './countries.js';

export type SurveyFormat = 'microdata' | 'aggregate';

/** One answer code (`3`) or, in aggregated files, a range whose halves alone are known (`1-5`). */
export interface SurveyCell {
  country: string;
  variable: string;
  code: string;
  /** Weighted respondents (microdata) or the published share (aggregate). */
  weight: number;
  /** Unweighted respondents, where known. */
  respondents: number | null;
  source: string | null;
}

export interface SurveyWarning {
  code: string;
  message: string;
  count: number;
  /** The first few places it happened. */
  examples: { line: number; column?: string; detail: string }[];
}

export interface SurveyFileSummary {
  format: SurveyFormat;
  weightColumn: string | null;
  rows: number;
  countries: { iso3: string; name: string; respondents: number | null; variables: number }[];
  warnings: SurveyWarning[];
}

export interface SurveyFile {
  cells: SurveyCell[];
  summary: SurveyFileSummary;
}

export interface SurveyReadOptions {
  /** Decided from the header when not given. */
  format?: SurveyFormat;
  /** Microdata only: the weight column (default W_WEIGHT), or 'none' for unweighted counts. */
  weight?: string;
  onProgress?: (progress: { bytesRead: number; totalBytes: number; rows: number }) => void;
  signal?: AbortSignal;
}

export const MICRODATA_REQUIRED = ['B_COUNTRY_ALPHA'] as const;
export const AGGREGATE_REQUIRED = ['country_iso3', 'question_id', 'answer_code', 'share'] as const;
const QUESTION_COLUMN = /^Q\d+[A-Za-z0-9_]*$/;
const MAX_EXAMPLES = 5;
/** Published shares are rounded (0.1 points in the official tables); a cell may sum to 1 within this. */
const SHARE_SUM_TOLERANCE = 0.02;

export async function readSurveyFile(file: string, options: SurveyReadOptions = {}): Promise<SurveyFile> {
  const totalBytes = (
    await stat(file).catch(() => {
      throw new UserError('not-found', 'no such file', { file });
    })
  ).size;
  const { header, delimiter } = await readHeader(file);
  const format = options.format ?? detectFormat(header, file);
  const required = format === 'microdata' ? MICRODATA_REQUIRED : AGGREGATE_REQUIRED;
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new UserError(
      'missing-columns',
      `the file is not in the ${format} layout: it lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      { file, line: 1 },
    );
  }
  const rows = records(file, delimiter, totalBytes, options);
  return format === 'microdata' ? readMicrodata(file, header, rows, options) : readAggregate(file, header, rows);
}

function detectFormat(header: string[], file: string): SurveyFormat {
  if (MICRODATA_REQUIRED.every((c) => header.includes(c))) return 'microdata';
  if (AGGREGATE_REQUIRED.every((c) => header.includes(c))) return 'aggregate';
  const lacksMicro = MICRODATA_REQUIRED.filter((c) => !header.includes(c));
  const lacksAggregate = AGGREGATE_REQUIRED.filter((c) => !header.includes(c));
  throw new UserError(
    'unknown-survey-layout',
    `the file is neither WVS microdata (it lacks ${lacksMicro.join(', ')}; question columns Q1, Q2, ... and a weight column such as W_WEIGHT) ` +
      `nor aggregated shares (it lacks ${lacksAggregate.join(', ')}; columns country_iso3,question_id,answer_code,share[,source])`,
    { file, line: 1 },
  );
}

/** The header row and the delimiter (`;` in the official country files, `,` elsewhere), from the first bytes. */
async function readHeader(file: string): Promise<{ header: string[]; delimiter: string }> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const end = text.search(/\r?\n/);
    const firstLine = end >= 0 ? text.slice(0, end) : text;
    const delimiter =
      count(firstLine, ';') > count(firstLine, ',') ? ';' : count(firstLine, '\t') > count(firstLine, ',') ? '\t' : ',';
    const header = firstLine.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
    return { header, delimiter };
  } finally {
    await handle.close();
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

interface Row {
  record: string[];
  line: number;
}

async function* records(
  file: string,
  delimiter: string,
  totalBytes: number,
  options: SurveyReadOptions,
): AsyncGenerator<Row> {
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const parser = input.pipe(
    parse({ delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let rows = 0;
  let lastReport = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (options.signal?.aborted) throw new CancelledError('the import was cancelled; nothing was stored', { file });
      rows++;
      if (options.onProgress && rows - lastReport >= 5000) {
        lastReport = rows;
        options.onProgress({ bytesRead: input.bytesRead, totalBytes, rows });
      }
      yield { record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof UserError) throw error;
    const line = (error as { lines?: number }).lines;
    throw new UserError('bad-csv', `the file cannot be parsed: ${(error as Error).message}`, {
      file,
      ...(line ? { line } : {}),
    });
  } finally {
    input.destroy();
  }
  options.onProgress?.({ bytesRead: totalBytes, totalBytes, rows });
}

class Warnings {
  private readonly byCode = new Map<string, SurveyWarning>();

  add(code: string, message: string, example: SurveyWarning['examples'][number]): void {
    const warning = this.byCode.get(code) ?? { code, message, count: 0, examples: [] };
    warning.count++;
    if (warning.examples.length < MAX_EXAMPLES) warning.examples.push(example);
    this.byCode.set(code, warning);
  }

  list(): SurveyWarning[] {
    return [...this.byCode.values()];
  }
}

// ---- Microdata ----

async function readMicrodata(
  file: string,
  header: string[],
  rows: AsyncGenerator<Row>,
  options: SurveyReadOptions,
): Promise<SurveyFile> {
  const weightColumn = options.weight === 'none' ? null : (options.weight ?? 'W_WEIGHT');
  const countryIndex = header.indexOf('B_COUNTRY_ALPHA');
  const weightIndex = weightColumn === null ? -1 : header.indexOf(weightColumn);
  if (weightColumn !== null && weightIndex < 0) {
    throw new UserError(
      'missing-columns',
      `the weight column ${weightColumn} is not in the file; name another with --weight COLUMN, or use --weight none`,
      { file, line: 1 },
    );
  }
  const questions = header.map((name, index) => ({ name, index })).filter((c) => QUESTION_COLUMN.test(c.name));
  if (questions.length === 0)
    throw new UserError('missing-columns', 'the file has no question columns (Q1, Q2, ...)', { file, line: 1 });

  // Per country, per question column: answer code → [weighted count, respondents].
  const tallies = new Map<string, Map<number, [number, number]>[]>();
  const respondents = new Map<string, number>();
  const warnings = new Warnings();
  let rowCount = 0;
  let headerSeen = false;
  for await (const { record, line } of rows) {
    if (!headerSeen) {
      headerSeen = true;
      continue;
    }
    rowCount++;
    const country = (record[countryIndex] ?? '').trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(country))
      throw new UserError(
        'bad-country',
        `B_COUNTRY_ALPHA is "${record[countryIndex] ?? ''}", not a three-letter country code`,
        { file, line, column: countryIndex + 1 },
      );
    let weight = 1;
    if (weightIndex >= 0) {
      const text = (record[weightIndex] ?? '').trim();
      weight = Number(text);
      if (text === '' || !Number.isFinite(weight))
        throw new UserError('bad-weight', `the weight ${weightColumn} is missing or not a number ("${text}")`, {
          file,
          line,
          column: weightIndex + 1,
        });
      if (weight < 0)
        throw new UserError('bad-weight', `the weight ${weightColumn} is negative (${text})`, {
          file,
          line,
          column: weightIndex + 1,
        });
    }
    let perQuestion = tallies.get(country);
    if (!perQuestion) {
      perQuestion = questions.map(() => new Map());
      tallies.set(country, perQuestion);
    }
    respondents.set(country, (respondents.get(country) ?? 0) + 1);
    for (let q = 0; q < questions.length; q++) {
      const text = record[questions[q]!.index];
      if (text === undefined || text === '') continue;
      const code = Number(text);
      if (!Number.isInteger(code)) {
        warnings.add('non-numeric-answer', 'answers that are not whole-number codes, counted as missing', {
          line,
          column: questions[q]!.name,
          detail: JSON.stringify(text),
        });
        continue;
      }
      if (code < 0) continue; // don't know, no answer, not asked, missing
      const tally = perQuestion[q]!.get(code);
      if (tally) {
        tally[0] += weight;
        tally[1]++;
      } else {
        perQuestion[q]!.set(code, [weight, 1]);
      }
    }
  }
  if (rowCount === 0) throw new UserError('no-rows', 'the file has a header but no respondents', { file });

  const cells: SurveyCell[] = [];
  const countries: SurveyFileSummary['countries'] = [];
  for (const [country, perQuestion] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) {
    if (countryName(country) === undefined)
      warnings.add('unknown-country', 'country codes that are not ISO 3166 alpha-3', { line: 0, detail: country });
    let variables = 0;
    perQuestion.forEach((codes, q) => {
      if (codes.size === 0) return;
      variables++;
      const variable = normaliseQuestionId(questions[q]!.name) ?? questions[q]!.name;
      for (const [code, [weighted, n]] of [...codes].sort(([a], [b]) => a - b)) {
        cells.push({ country, variable, code: String(code), weight: weighted, respondents: n, source: null });
      }
    });
    countries.push({
      iso3: country,
      name: countryName(country) ?? country,
      respondents: respondents.get(country) ?? 0,
      variables,
    });
  }
  return {
    cells,
    summary: { format: 'microdata', weightColumn, rows: rowCount, countries, warnings: warnings.list() },
  };
}

// ---- Aggregated shares ----

const CODE_OR_RANGE = /^(\d+)(?:-(\d+))?$/;

async function readAggregate(file: string, header: string[], rows: AsyncGenerator<Row>): Promise<SurveyFile> {
  const index = (name: string) => header.indexOf(name);
  const sourceIndex = index('source');
  const warnings = new Warnings();
  const cells: SurveyCell[] = [];
  const cellFirstLine = new Map<string, { line: number; sum: number }>();
  const seen = new Set<string>();
  let headerSeen = false;
  let rowCount = 0;
  for await (const { record, line } of rows) {
    if (!headerSeen) {
      headerSeen = true;
      continue;
    }
    rowCount++;
    const cell = (name: string) => (record[index(name)] ?? '').trim();
    const country = cell('country_iso3').toUpperCase();
    if (countryName(country) === undefined)
      throw new UserError('bad-country', `"${cell('country_iso3')}" is not an ISO 3166 alpha-3 country code`, {
        file,
        line,
        column: index('country_iso3') + 1,
      });
    const variable = normaliseQuestionId(cell('question_id'));
    if (!variable)
      throw new UserError('bad-question-id', `"${cell('question_id')}" is not a WVS question id such as Q1`, {
        file,
        line,
        column: index('question_id') + 1,
      });
    const code = cell('answer_code');
    const range = CODE_OR_RANGE.exec(code);
    if (!range || (range[2] !== undefined && Number(range[1]) >= Number(range[2]))) {
      throw new UserError('bad-answer-code', `"${code}" is not an answer code (3) or a range of codes (1-5)`, {
        file,
        line,
        column: index('answer_code') + 1,
      });
    }
    const shareText = cell('share');
    const share = Number(shareText);
    if (shareText === '' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw new UserError('bad-share', `the share "${shareText}" is not a number between 0 and 1`, {
        file,
        line,
        column: index('share') + 1,
      });
    }
    const key = `${country}\u0000${variable}\u0000${code}`;
    if (seen.has(key))
      throw new UserError('duplicate-cell', `${country} ${variable} code ${code} appears twice`, { file, line });
    seen.add(key);
    const cellKey = `${country}\u0000${variable}`;
    const total = cellFirstLine.get(cellKey) ?? { line, sum: 0 };
    total.sum += share;
    cellFirstLine.set(cellKey, total);
    cells.push({
      country,
      variable,
      code,
      weight: share,
      respondents: null,
      source: sourceIndex >= 0 ? (record[sourceIndex] ?? '').trim() || null : null,
    });
  }
  if (rowCount === 0) throw new UserError('no-rows', 'the file has a header but no rows', { file });
  for (const [cellKey, { line, sum }] of cellFirstLine) {
    if (Math.abs(sum - 1) > SHARE_SUM_TOLERANCE) {
      const [country, variable] = cellKey.split('\u0000');
      warnings.add(
        'shares-do-not-sum-to-one',
        `questions whose shares do not sum to 1 (±${SHARE_SUM_TOLERANCE}); their targets still use the shares as given`,
        {
          line,
          detail: `${country} ${variable}: ${sum.toFixed(4)}`,
        },
      );
    }
  }
  const countries = [...new Set(cells.map((c) => c.country))].sort().map((iso3) => ({
    iso3,
    name: countryName(iso3)!,
    respondents: null,
    variables: new Set(cells.filter((c) => c.country === iso3).map((c) => c.variable)).size,
  }));
  return {
    cells,
    summary: { format: 'aggregate', weightColumn: null, rows: rowCount, countries, warnings: warnings.list() },
  };
}
