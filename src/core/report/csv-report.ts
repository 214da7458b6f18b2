// The report as CSV files: one RFC 4180 file per table of results-tables.ts, plus one row per probe, for R, pandas
// or Excel. Quoting is csv-stringify's; this module fixes the columns, the line ends, the BOM and how values are
// written, so the same results always give the same bytes.
//
// How values are written: numbers unrounded, as JavaScript's shortest round-trip form (String(x): "0.75",
// "0.30000000000000004", "1e-7"), so reading the file back gives exactly the doubles the tables held and rounding
// stays a choice of whoever presents them; never locale-formatted (always "." for decimals, no thousands separator).
// null (an empty group's share or mean) is an empty cell; booleans are "true"/"false"; a NaN or infinite number is a
// bug and throws. Headers are the row objects' property names. Lines end in CRLF as RFC 4180 asks; text is UTF-8,
// with a byte order mark when asked (Excel reads a BOM-less CSV in the machine's ANSI code page and garbles Bengali
// or Persian text).

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Comparison } from '../demos/index.js';
import { codebookRows, columnName, type ColumnNameStyle } from './codebook.js';
import type { ProbeRecord } from '../experiment/index.js';
import type { ControlComparisonRow, KCurvePointRow } from './control-comparisons.js';
import {
  categoryName,
  sortRecords,
  strategiesIn,
  type CategoryRow,
  type ExpectedOutcomeRow,
  type ImprovementRow,
  type LanguageImprovementRow,
  type MisalignmentRow,
  type OutcomeRow,
  type ReductionBinRow,
  type ResultsTables,
  type SoftAlignmentRow,
  type ZeroShotErrorBinRow,
} from './results-tables.js';

export type CsvValue = string | number | boolean | null;

export interface CsvReportOptions {
  /** Start every file with a UTF-8 byte order mark, for Excel; off by default (R and pandas do not need it). */
  bom?: boolean | undefined;
  /** Column names as the workbench writes them, or as SPSS, Stata and R take them unchanged (codebook.ts). */
  columnNames?: ColumnNameStyle | undefined;
}

/** explanations.csv in the layout of the paper's Table 2: the demonstrations, the question, the answer, the explanation. */
export const EXPLANATION_COLUMNS = [
  'model',
  'language',
  'country',
  'probeId',
  'condition',
  'outcome',
  'demonstrations',
  'question',
  'answer',
  'explanation',
  'ordinal',
] as const;
export type ExplanationCsvRow = Record<(typeof EXPLANATION_COLUMNS)[number], CsvValue>;

/** What a strategy contributes to a probe's row, as `<strategy>.<column>` (e.g. "chrf-all.alignment"). */
export const STRATEGY_COLUMNS = [
  'n',
  'alignment',
  'invalid',
  'outcome',
  'gatedOutcome',
  'pValue',
  'qValue',
  'errorReduction',
  'softAlignment',
  'demonstrationIds',
] as const;
export type StrategyColumn = (typeof STRATEGY_COLUMNS)[number];

export function strategyColumn(strategy: Comparison, column: StrategyColumn): string {
  return `${strategy}.${column}`;
}

/**
 * One probe of one model, language and country. Beside the fixed columns, every strategy present in the records
 * adds the STRATEGY_COLUMNS as `<strategy>.<column>`, empty where the probe has no result for it (aligned probes
 * never do). demonstrationIds are the ids of the demonstrations, joined by one space.
 */
export interface PerProbeRow {
  probeId: string;
  language: string;
  country: string;
  model: string;
  category: number;
  categoryName: string;
  estimator: string;
  targetOption: 1 | 2;
  /** The country's shares of option 1 and option 2. */
  targetShare1: number;
  targetShare2: number;
  /** |share₁ − share₂|, and whether that is below the run's contested margin. */
  targetMargin: number;
  contested: boolean;
  /** Responses (or evaluations) behind the zero-shot measurement. */
  zeroShotN: number;
  zeroShotAlignment: number;
  /** The zero-shot share of responses that gave neither option. */
  zeroShotInvalid: number;
  zeroShotSoftAlignment: number | null;
  misaligned: boolean;
  /** Why the probe is invalid as published (data/item-validity.csv), when the run included such probes; else empty. */
  validity: string | null;
  [strategyColumn: string]: CsvValue;
}

/** The tables to write: every results table, and the per-probe rows and the explanations when given. */
export type ReportTables = ResultsTables & {
  probes?: readonly PerProbeRow[];
  explanations?: readonly ExplanationCsvRow[];
};

/** The file each table is written to, in the order they are written. */
export const CSV_FILE_NAMES = {
  outcomes: 'table1-outcomes.csv',
  expectedOutcomes: 'table1-expected.csv',
  outcomesUncontested: 'table1-uncontested.csv',
  misalignment: 'fig7-misaligned.csv',
  improvementByModel: 'fig2-4-improvement-by-model.csv',
  improvementByLanguage: 'fig2-4-improvement-by-language.csv',
  reductionBins: 'fig3-6-error-reduction-bins.csv',
  zeroShotErrorBins: 'fig5-9-zero-shot-error-bins.csv',
  categories: 'fig8-10-categories.csv',
  softAlignment: 'soft-alignment.csv',
  controls: 'controls.csv',
  kCurve: 'k-curve.csv',
  probes: 'probes.csv',
  explanations: 'explanations.csv',
} as const satisfies Record<keyof ReportTables, string>;

/** What every column of every file written means. */
export const CODEBOOK_FILE_NAME = 'codebook.csv';

/**
 * The column order of a row type. Taking a Record of every key makes the compiler reject a list that misses a
 * column or names one the row does not have, so a column added to a row type cannot silently stay out of its file.
 */
function columnsOf<Row>(spec: Record<keyof Row & string, true>): (keyof Row & string)[] {
  return Object.keys(spec) as (keyof Row & string)[];
}

const share = <P extends string>(prefix: P) =>
  ({
    [`${prefix}Count`]: true,
    [`${prefix}Share`]: true,
    [`${prefix}ShareLower`]: true,
    [`${prefix}ShareUpper`]: true,
  }) as Record<`${P}Count` | `${P}Share` | `${P}ShareLower` | `${P}ShareUpper`, true>;

/** How unreadable the responses behind a row were (results-tables.ts UnreadableColumns). */
const unreadable = { zeroShotInvalidShare: true, meanInvalidShare: true, mostlyUnreadable: true } as const;
const zeroShotUnreadable = { zeroShotInvalidShare: true, mostlyUnreadable: true } as const;

const bins = {
  bin: true,
  binFrom: true,
  binTo: true,
  binLabel: true,
  count: true,
  n: true,
  share: true,
  shareLower: true,
  shareUpper: true,
} as const;

export const OUTCOME_COLUMNS = columnsOf<OutcomeRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  misaligned: true,
  n: true,
  ...share('improved'),
  ...share('unchanged'),
  ...share('worsened'),
  ...share('gatedImproved'),
  ...share('gatedUnchanged'),
  ...share('gatedWorsened'),
  retestImprovedShare: true,
  improvedBeyondRetest: true,
  contestedCount: true,
  ...unreadable,
});

export const EXPECTED_OUTCOME_COLUMNS = columnsOf<ExpectedOutcomeRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  n: true,
  expectedMisaligned: true,
  probes: true,
  expectedImprovedShare: true,
  expectedUnchangedShare: true,
  expectedWorsenedShare: true,
  ...unreadable,
});

export const MISALIGNMENT_COLUMNS = columnsOf<MisalignmentRow>({
  model: true,
  language: true,
  country: true,
  probes: true,
  ...share('misaligned'),
  ...share('answeredAgainst'),
  ...share('unreadable'),
  ...zeroShotUnreadable,
});

const improvementColumns = {
  n: true,
  ...share('improved'),
  ...share('unchanged'),
  ...share('worsened'),
  meanReduction: true,
  meanReductionLower: true,
  meanReductionUpper: true,
  ...unreadable,
} as const;

export const IMPROVEMENT_BY_MODEL_COLUMNS = columnsOf<ImprovementRow>({
  model: true,
  condition: true,
  ...improvementColumns,
});

export const IMPROVEMENT_BY_LANGUAGE_COLUMNS = columnsOf<LanguageImprovementRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  ...improvementColumns,
});

export const REDUCTION_BIN_COLUMNS = columnsOf<ReductionBinRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  ...bins,
  ...unreadable,
});

export const ZERO_SHOT_ERROR_BIN_COLUMNS = columnsOf<ZeroShotErrorBinRow>({
  model: true,
  language: true,
  country: true,
  ...bins,
  ...zeroShotUnreadable,
});

export const CATEGORY_COLUMNS = columnsOf<CategoryRow>({
  model: true,
  condition: true,
  language: true,
  country: true,
  category: true,
  categoryName: true,
  probes: true,
  misaligned: true,
  n: true,
  ...share('improved'),
  ...unreadable,
});

export const SOFT_ALIGNMENT_COLUMNS = columnsOf<SoftAlignmentRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  misaligned: true,
  n: true,
  meanBefore: true,
  meanAfter: true,
  meanChange: true,
  meanChangeLower: true,
  meanChangeUpper: true,
  ...unreadable,
});

export const CONTROL_COLUMNS = columnsOf<ControlComparisonRow>({
  model: true,
  language: true,
  country: true,
  condition: true,
  reference: true,
  misaligned: true,
  n: true,
  leftOut: true,
  improvedShare: true,
  referenceImprovedShare: true,
  improvedDifference: true,
  improvedDifferenceLower: true,
  improvedDifferenceUpper: true,
  meanAlignment: true,
  referenceMeanAlignment: true,
  alignmentDifference: true,
  alignmentDifferenceLower: true,
  alignmentDifferenceUpper: true,
  softN: true,
  meanSoftAlignment: true,
  referenceMeanSoftAlignment: true,
  softAlignmentDifference: true,
  softAlignmentDifferenceLower: true,
  softAlignmentDifferenceUpper: true,
  meanInvalidShare: true,
  referenceMeanInvalidShare: true,
  mostlyUnreadable: true,
  reading: true,
});

export const K_CURVE_COLUMNS = columnsOf<KCurvePointRow>({
  model: true,
  language: true,
  country: true,
  strategy: true,
  k: true,
  condition: true,
  n: true,
  ...share('improved'),
  meanAlignment: true,
  meanAlignmentLower: true,
  meanAlignmentUpper: true,
  ...share('retestImproved'),
  retestMeanAlignment: true,
  meanInvalidShare: true,
  mostlyUnreadable: true,
});

/** The columns written for each results table, by the table's key (its file: CSV_FILE_NAMES). */
export const TABLE_COLUMNS: Record<keyof ResultsTables, readonly string[]> = {
  outcomes: OUTCOME_COLUMNS,
  expectedOutcomes: EXPECTED_OUTCOME_COLUMNS,
  outcomesUncontested: OUTCOME_COLUMNS,
  misalignment: MISALIGNMENT_COLUMNS,
  improvementByModel: IMPROVEMENT_BY_MODEL_COLUMNS,
  improvementByLanguage: IMPROVEMENT_BY_LANGUAGE_COLUMNS,
  reductionBins: REDUCTION_BIN_COLUMNS,
  zeroShotErrorBins: ZERO_SHOT_ERROR_BIN_COLUMNS,
  categories: CATEGORY_COLUMNS,
  softAlignment: SOFT_ALIGNMENT_COLUMNS,
  controls: CONTROL_COLUMNS,
  kCurve: K_CURVE_COLUMNS,
};

/** The fixed columns of probes.csv, before the strategy columns. */
export const PER_PROBE_COLUMNS = [
  'probeId',
  'language',
  'country',
  'model',
  'category',
  'categoryName',
  'estimator',
  'targetOption',
  'targetShare1',
  'targetShare2',
  'targetMargin',
  'contested',
  'zeroShotN',
  'zeroShotAlignment',
  'zeroShotInvalid',
  'zeroShotSoftAlignment',
  'misaligned',
  'validity',
] as const satisfies readonly (keyof PerProbeRow)[];

/** One row per probe record, in report order (model, language, country, question number). */
export function perProbeRows(
  records: readonly ProbeRecord[],
  validityOf: (record: ProbeRecord) => string | null = () => null,
): PerProbeRow[] {
  const strategies = strategiesIn(records);
  return sortRecords(records).map((record) => {
    const row: PerProbeRow = {
      probeId: record.probeId,
      language: record.language,
      country: record.country,
      model: record.model,
      category: record.category,
      categoryName: categoryName(record.category),
      estimator: record.estimator,
      targetOption: record.targetOption,
      targetShare1: record.targetShares[0],
      targetShare2: record.targetShares[1],
      targetMargin: record.targetMargin,
      contested: record.contested,
      zeroShotN: record.zeroShot.n,
      zeroShotAlignment: record.zeroShot.alignment,
      zeroShotInvalid: record.zeroShot.invalid,
      zeroShotSoftAlignment: record.zeroShot.softAlignment ?? null,
      misaligned: record.misaligned,
      validity: validityOf(record),
    };
    for (const strategy of strategies) {
      const result = record.strategies.find((r) => r.condition === strategy);
      row[strategyColumn(strategy, 'n')] = result?.n ?? null;
      row[strategyColumn(strategy, 'alignment')] = result?.alignment ?? null;
      row[strategyColumn(strategy, 'invalid')] = result?.invalid ?? null;
      row[strategyColumn(strategy, 'outcome')] = result?.outcome ?? null;
      row[strategyColumn(strategy, 'gatedOutcome')] = result?.gatedOutcome ?? null;
      row[strategyColumn(strategy, 'pValue')] = result?.pValue ?? null;
      row[strategyColumn(strategy, 'qValue')] = result?.qValue ?? null;
      row[strategyColumn(strategy, 'errorReduction')] = result?.errorReduction ?? null;
      row[strategyColumn(strategy, 'softAlignment')] = result?.softAlignment ?? null;
      row[strategyColumn(strategy, 'demonstrationIds')] = result ? result.demonstrationIds.join(' ') : null;
    }
    return row;
  });
}

/** The text of one cell; see the top of this module for the rules. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new RangeError(`a report value is ${value}; every number in a report must be finite`);
    return String(value);
  }
  throw new TypeError(`a report cell must be a string, number, boolean or null, got ${typeof value}`);
}

/** A whole CSV file: header row, then one line per row, CRLF line ends, BOM when asked. */
export function formatCsv<Row>(
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
  options: CsvReportOptions = {},
): string {
  const header = columns.map((column) => columnName(column, options.columnNames ?? 'workbench'));
  const lines: string[][] = [header, ...rows.map((row) => columns.map((column) => csvCell(row[column])))];
  return stringify(lines, {
    bom: options.bom ?? false,
    record_delimiter: 'windows',
    // With an explicit record delimiter csv-stringify stops quoting fields that hold a bare \n or \r, which
    // RFC 4180 requires quoted and every reader would split into two records; ask for it back.
    quote_record_delimiter: true,
  });
}

/** The columns of probes.csv: the fixed ones, then every strategy column of the rows in first-seen order. */
function perProbeColumns(rows: readonly PerProbeRow[]): string[] {
  const columns: string[] = [...PER_PROBE_COLUMNS];
  const seen = new Set(columns);
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return columns;
}

/**
 * Writes one CSV per table into `dir` (created if missing; files of the same name are replaced) under the names
 * of CSV_FILE_NAMES, probes.csv only when `tables.probes` is given, and returns the paths written in that order.
 * Empty tables are still written, with their header row, so a script reading the folder always finds every file.
 */
export async function writeCsvReport(
  dir: string,
  tables: ReportTables,
  options: CsvReportOptions = {},
): Promise<string[]> {
  // The results tables in the order of CSV_FILE_NAMES, then the per-probe rows and the explanations when given.
  const tableFiles: [string, readonly string[], readonly object[]][] = (
    Object.keys(TABLE_COLUMNS) as (keyof ResultsTables)[]
  ).map((table) => [CSV_FILE_NAMES[table], TABLE_COLUMNS[table], tables[table]]);
  if (tables.probes) tableFiles.push([CSV_FILE_NAMES.probes, perProbeColumns(tables.probes), tables.probes]);
  if (tables.explanations) tableFiles.push([CSV_FILE_NAMES.explanations, EXPLANATION_COLUMNS, tables.explanations]);
  const files: [string, string][] = tableFiles.map(([name, columns, rows]) => [
    name,
    formatCsv<Record<string, unknown>>(columns, rows as readonly Record<string, unknown>[], options),
  ]);
  // The codebook describes every column of every file above, under the names they were written with.
  const codebook = codebookRows(
    tableFiles.map(([file, columns]) => ({ file, columns })),
    options.columnNames ?? 'workbench',
  );
  files.push([CODEBOOK_FILE_NAME, formatCsv(['file', 'column', 'description'], codebook, { bom: options.bom })]);
  // Every file is formatted before the first is written: a bad value fails the report without leaving half of it.
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = path.join(dir, name);
    await writeFile(file, text, 'utf8');
    written.push(file);
  }
  return written;
}
