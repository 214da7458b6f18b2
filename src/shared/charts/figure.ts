// What every figure of the report shares (charts.ts lists the figures, one module each): the chart ids, options
// and result, the order rows are drawn in, the model and language a per-language figure shows, captions, the
// "No data yet" chart, and the outcome shares read from `results.tables`.

import { scaleLinear, type ScaleLinear } from 'd3';
import type { CommandResult } from '../contract.js';
import { compareConditions } from '../method.js';
import {
  chartRoot,
  noData,
  pct0,
  type MarkFilter,
  type Outcome,
  type Plot,
  type ShareValue,
  type Size,
} from './layout.js';
import type { SvgNode } from './svg.js';

export type Tables = CommandResult<'results.tables'>;
export type OutcomeRow = Tables['outcomes'][number];
type LanguageImprovementRow = Tables['improvementByLanguage'][number];

export const CHART_IDS = [
  'table1',
  'strategies',
  'error-reduction',
  'zero-shot-errors',
  'misaligned',
  'categories',
  'soft-alignment',
  'k-curve',
] as const;
export type ChartId = (typeof CHART_IDS)[number];

/** One probe of the soft-alignment scatter under one self-aligned condition. */
export interface SoftPoint {
  probeId: string;
  strategy: string;
  /** Zero-shot alignment (share of target answers), 0..1. */
  before: number;
  /** Self-aligned alignment, 0..1. */
  after: number;
  misaligned: boolean;
}

export interface ChartOptions {
  /** Which outcome counts: the paper's rule, or the gated (significance-tested) outcome. */
  rule: 'paper' | 'gated';
  /** Restricts per-language charts to one model and language (country follows); absent: the first model and language of the tables. */
  model?: string;
  language?: string;
  /** One point per probe for the soft-alignment scatter: zero-shot alignment (x) and self-aligned alignment (y), per strategy (the window fetches them with results.probes). */
  softPoints?: SoftPoint[];
  /** For the caption: run id, and the date. */
  runId: string;
  date?: string;
}

export interface Chart {
  id: ChartId;
  title: string;
  caption: string;
  width: number;
  height: number;
  svg: SvgNode;
}

export const OUTCOMES: readonly Outcome[] = ['improved', 'unchanged', 'worsened'];
export const DEFAULT_SIZE: Size = { width: 760, height: 360 };
/** Left margin of charts with a share axis: tick labels and the upright axis title. */
export const AXIS_LEFT = 72;

// ---------------------------------------------------------------------------------------------------------------
// Order and selection: the same order as the engine's tables (code units, never the locale), so a chart's layout
// does not depend on the order rows come in, nor on the machine.

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Zero-shot, the re-test control, the strategies in the paper's order, then the controls (method.ts). */
export { compareConditions };

export function sortedDistinct(
  values: Iterable<string>,
  compare: (a: string, b: string) => number = compareText,
): string[] {
  return [...new Set(values)].sort(compare);
}

interface LanguagePair {
  language: string;
  country: string;
}

/** The language × country pairs of some rows, by language then country. */
export function languagePairs(rows: readonly LanguagePair[]): LanguagePair[] {
  const seen = new Map<string, LanguagePair>();
  for (const { language, country } of rows) seen.set(JSON.stringify([language, country]), { language, country });
  return [...seen.values()].sort((a, b) => compareText(a.language, b.language) || compareText(a.country, b.country));
}

export const pairLabel = (pair: LanguagePair): string => `${pair.language}/${pair.country}`;
export const key = (...parts: (string | number)[]): string => JSON.stringify(parts);

/** The model, language and country of the per-language charts. */
interface Slice {
  model: string;
  language: string;
  country: string;
}

function languageRows(tables: Tables): { model: string; language: string; country: string }[] {
  return [
    ...tables.outcomes,
    ...tables.misalignment,
    ...tables.improvementByLanguage,
    ...tables.reductionBins,
    ...tables.zeroShotErrorBins,
    ...tables.categories,
    ...tables.softAlignment,
    ...tables.kCurve,
  ];
}

/** The chosen model and language, else the first (in the tables' order) of what the tables hold; the country follows. */
export function chooseSlice(tables: Tables, options: ChartOptions): Slice | null {
  const rows = languageRows(tables);
  const model = options.model ?? sortedDistinct(rows.map((r) => r.model))[0];
  if (model === undefined) return null;
  const ofModel = rows.filter((r) => r.model === model);
  const language = options.language ?? sortedDistinct(ofModel.map((r) => r.language))[0];
  if (language === undefined) return null;
  const country = sortedDistinct(ofModel.filter((r) => r.language === language).map((r) => r.country))[0];
  return country === undefined ? null : { model, language, country };
}

export function inSlice(row: { model: string; language: string; country: string }, slice: Slice | null): boolean {
  return (
    slice !== null && row.model === slice.model && row.language === slice.language && row.country === slice.country
  );
}

/** The filter keys that place a mark in the slice. */
export function sliceFilter(slice: Slice): MarkFilter {
  return { model: slice.model, language: slice.language, country: slice.country };
}

/** "llama, en/US" for titles and tooltips. */
export function sliceName(slice: Slice | null, options: ChartOptions): string | undefined {
  if (slice) return `${slice.model}, ${pairLabel(slice)}`;
  const given = [options.model, options.language].filter((p) => p !== undefined);
  return given.length > 0 ? given.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Captions and the finished chart

export function ruleText(rule: ChartOptions['rule']): string {
  return rule === 'gated' ? 'gated outcome' : "paper's rule";
}

export function captionOf(options: ChartOptions, ...parts: (string | undefined)[]): string {
  return [`Run ${options.runId}`, ...parts, options.date].filter((p) => p !== undefined && p !== '').join(' · ');
}

export function modelPart(slice: Slice | null, options: ChartOptions): string | undefined {
  const model = slice?.model ?? options.model;
  return model === undefined ? undefined : `model ${model}`;
}

export function finish(
  id: ChartId,
  title: string,
  caption: string,
  size: Size,
  body: (SvgNode | null | undefined | false)[],
): Chart {
  return { id, title, caption, width: size.width, height: size.height, svg: chartRoot(size, title, caption, body) };
}

/** A chart whose tables hold nothing to draw. */
export function emptyChart(id: ChartId, title: string, caption: string): Chart {
  return finish(id, title, caption, DEFAULT_SIZE, [noData(DEFAULT_SIZE)]);
}

export const withSuffix = (title: string, suffix: string | undefined): string =>
  suffix ? `${title} — ${suffix}` : title;

// ---------------------------------------------------------------------------------------------------------------
// Reading the tables' shares

/** The three outcome shares of a Table 1 row under a rule: the paper's fields or the gated ones. */
export function outcomeShares(row: OutcomeRow, gated: boolean): Record<Outcome, ShareValue & { count: number }> {
  return gated
    ? {
        improved: {
          count: row.gatedImprovedCount,
          share: row.gatedImprovedShare,
          lower: row.gatedImprovedShareLower,
          upper: row.gatedImprovedShareUpper,
        },
        unchanged: {
          count: row.gatedUnchangedCount,
          share: row.gatedUnchangedShare,
          lower: row.gatedUnchangedShareLower,
          upper: row.gatedUnchangedShareUpper,
        },
        worsened: {
          count: row.gatedWorsenedCount,
          share: row.gatedWorsenedShare,
          lower: row.gatedWorsenedShareLower,
          upper: row.gatedWorsenedShareUpper,
        },
      }
    : paperShares(row);
}

/** The paper's-rule shares of a Table 1 or Fig. 2/4 row (both have the same fields). */
export function paperShares(row: OutcomeRow | LanguageImprovementRow): Record<Outcome, ShareValue & { count: number }> {
  return {
    improved: {
      count: row.improvedCount,
      share: row.improvedShare,
      lower: row.improvedShareLower,
      upper: row.improvedShareUpper,
    },
    unchanged: {
      count: row.unchangedCount,
      share: row.unchangedShare,
      lower: row.unchangedShareLower,
      upper: row.unchangedShareUpper,
    },
    worsened: {
      count: row.worsenedCount,
      share: row.worsenedShare,
      lower: row.worsenedShareLower,
      upper: row.worsenedShareUpper,
    },
  };
}

/** A y scale of shares over the plot: 0 at the bottom, 1 at the top. */
export function shareScale(plot: Plot): ScaleLinear<number, number> {
  return scaleLinear().domain([0, 1]).range([plot.bottom, plot.top]);
}

/**
 * How unreadable a row's answers were, in words: "unreadable 3%" zero-shot, "unreadable 3% → 5%" before and after;
 * `compact` for a table cell: "unreadable 3→5%".
 */
export function unreadableText(
  row: { zeroShotInvalidShare: number | null; meanInvalidShare?: number | null },
  compact = false,
): string {
  if (row.zeroShotInvalidShare === null) return 'unreadable —';
  const before = pct0(row.zeroShotInvalidShare);
  if (row.meanInvalidShare === undefined || row.meanInvalidShare === null) return `unreadable ${before}`;
  const after = pct0(row.meanInvalidShare);
  return compact ? `unreadable ${before.replace('%', '')}→${after}` : `unreadable ${before} → ${after}`;
}
