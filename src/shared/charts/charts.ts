// The report's figures (Choenni & Shutova, 2024: Table 1, Fig. 2–10, and our soft-alignment scatter) as SVG trees,
// drawn from the engine's `results.tables` and nothing else: every share, count and interval shown is one the
// tables give. The code here only lays them out: scales, positions, colours, labels. The window shows the trees
// and the CLI writes them as .svg files (`selfalign report --charts`), so both show the same pictures.
//
// d3 is used only for its DOM-free parts (scales, number formats); the tree is built with `el` from svg.ts.

import { scaleBand, scaleLinear, type ScaleLinear } from 'd3';
import type { CommandResult } from '../contract.js';
import { CONDITIONS, ZERO_SHOT } from '../method.js';

/** The strategy the paper reports throughout (chrF++ over all categories). */
const PAPER_MAIN_STRATEGY = 'chrf-all' satisfies (typeof CONDITIONS)[number];
import {
  axisTitleX,
  axisTitleY,
  bandLabelsX,
  CAPTION_HEIGHT,
  chartRoot,
  ciText,
  fillStyle,
  FONT_SIZE,
  legend,
  lines,
  mark,
  noData,
  pct0,
  pct1,
  rampLegend,
  shareAxisY,
  shareBar,
  SMALL_FONT_SIZE,
  textWidth,
  type LegendItem,
  type MarkFilter,
  type Outcome,
  type Plot,
  type ShareValue,
  type Size,
} from './layout.js';
import {
  conditionColour,
  conditionLabel,
  contrastText,
  isRetestControl,
  OUTCOME_COLOURS,
  SERIES_COLOURS,
  shareColour,
} from './palette.js';
import { el, type SvgNode } from './svg.js';

type Tables = CommandResult<'results.tables'>;
type OutcomeRow = Tables['outcomes'][number];
type LanguageImprovementRow = Tables['improvementByLanguage'][number];
type BinRow = Tables['zeroShotErrorBins'][number];

export const CHART_IDS = [
  'table1',
  'strategies',
  'error-reduction',
  'zero-shot-errors',
  'misaligned',
  'categories',
  'soft-alignment',
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

const OUTCOMES: readonly Outcome[] = ['improved', 'unchanged', 'worsened'];
const DEFAULT_SIZE: Size = { width: 760, height: 360 };
/** Left margin of charts with a share axis: tick labels and the upright axis title. */
const AXIS_LEFT = 72;

// ---------------------------------------------------------------------------------------------------------------
// Order and selection: the same order as the engine's tables (code units, never the locale), so a chart's layout
// does not depend on the order rows come in, nor on the machine.

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Zero-shot, the re-test control, then the strategies in the paper's order; unknown names after, by name. */
const CONDITION_ORDER: readonly string[] = CONDITIONS;

function compareConditions(a: string, b: string): number {
  const ia = CONDITION_ORDER.indexOf(a);
  const ib = CONDITION_ORDER.indexOf(b);
  return ia !== ib ? (ia < 0 ? 1 : ib < 0 ? -1 : ia - ib) : compareText(a, b);
}

function sortedDistinct(values: Iterable<string>, compare: (a: string, b: string) => number = compareText): string[] {
  return [...new Set(values)].sort(compare);
}

interface LanguagePair {
  language: string;
  country: string;
}

/** The language × country pairs of some rows, by language then country. */
function languagePairs(rows: readonly LanguagePair[]): LanguagePair[] {
  const seen = new Map<string, LanguagePair>();
  for (const { language, country } of rows) seen.set(JSON.stringify([language, country]), { language, country });
  return [...seen.values()].sort((a, b) => compareText(a.language, b.language) || compareText(a.country, b.country));
}

const pairLabel = (pair: LanguagePair): string => `${pair.language}/${pair.country}`;
const key = (...parts: (string | number)[]): string => JSON.stringify(parts);

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
  ];
}

/** The chosen model and language, else the first (in the tables' order) of what the tables hold; the country follows. */
function chooseSlice(tables: Tables, options: ChartOptions): Slice | null {
  const rows = languageRows(tables);
  const model = options.model ?? sortedDistinct(rows.map((r) => r.model))[0];
  if (model === undefined) return null;
  const ofModel = rows.filter((r) => r.model === model);
  const language = options.language ?? sortedDistinct(ofModel.map((r) => r.language))[0];
  if (language === undefined) return null;
  const country = sortedDistinct(ofModel.filter((r) => r.language === language).map((r) => r.country))[0];
  return country === undefined ? null : { model, language, country };
}

function inSlice(row: { model: string; language: string; country: string }, slice: Slice | null): boolean {
  return (
    slice !== null && row.model === slice.model && row.language === slice.language && row.country === slice.country
  );
}

/** The filter keys that place a mark in the slice. */
function sliceFilter(slice: Slice): MarkFilter {
  return { model: slice.model, language: slice.language, country: slice.country };
}

/** "llama, en/US" for titles and tooltips. */
function sliceName(slice: Slice | null, options: ChartOptions): string | undefined {
  if (slice) return `${slice.model}, ${pairLabel(slice)}`;
  const given = [options.model, options.language].filter((p) => p !== undefined);
  return given.length > 0 ? given.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Captions and the finished chart

function ruleText(rule: ChartOptions['rule']): string {
  return rule === 'gated' ? 'gated outcome' : "paper's rule";
}

function captionOf(options: ChartOptions, ...parts: (string | undefined)[]): string {
  return [`Run ${options.runId}`, ...parts, options.date].filter((p) => p !== undefined && p !== '').join(' · ');
}

function modelPart(slice: Slice | null, options: ChartOptions): string | undefined {
  const model = slice?.model ?? options.model;
  return model === undefined ? undefined : `model ${model}`;
}

function finish(
  id: ChartId,
  title: string,
  caption: string,
  size: Size,
  body: (SvgNode | null | undefined | false)[],
): Chart {
  return { id, title, caption, width: size.width, height: size.height, svg: chartRoot(size, title, caption, body) };
}

/** A chart whose tables hold nothing to draw. */
function emptyChart(id: ChartId, title: string, caption: string): Chart {
  return finish(id, title, caption, DEFAULT_SIZE, [noData(DEFAULT_SIZE)]);
}

const withSuffix = (title: string, suffix: string | undefined): string => (suffix ? `${title} — ${suffix}` : title);

// ---------------------------------------------------------------------------------------------------------------
// Reading the tables' shares

/** The three outcome shares of a Table 1 row under a rule: the paper's fields or the gated ones. */
function outcomeShares(row: OutcomeRow, gated: boolean): Record<Outcome, ShareValue & { count: number }> {
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
function paperShares(row: OutcomeRow | LanguageImprovementRow): Record<Outcome, ShareValue & { count: number }> {
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

/** The filter key of an outcome under a rule: the explorer filters the paper's outcome and the gated one apart. */
function outcomeFilter(outcome: Outcome, gated: boolean): MarkFilter {
  return gated ? { gatedOutcome: outcome } : { outcome };
}

function shareLine(what: string, value: ShareValue): string {
  return value.share === null ? `${what} —` : `${what} ${pct1(value.share)} (${ciText(value.lower, value.upper)})`;
}

/** A y scale of shares over the plot: 0 at the bottom, 1 at the top. */
function shareScale(plot: Plot): ScaleLinear<number, number> {
  return scaleLinear().domain([0, 1]).range([plot.bottom, plot.top]);
}

function conditionLegendItems(conditions: readonly string[]): LegendItem[] {
  return conditions.map((c) => ({
    label: conditionLabel(c),
    kind: isRetestControl(c) ? 'control' : 'square',
    colour: conditionColour(c),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Table 1

function table1(tables: Tables, options: ChartOptions): Chart {
  const gated = options.rule === 'gated';
  const title = `Table 1: outcomes among misaligned probes (${ruleText(options.rule)})`;
  const caption = captionOf(options, 'all models', ruleText(options.rule));
  const rows = tables.outcomes;
  const models = sortedDistinct(rows.map((r) => r.model));
  const pairs = languagePairs(rows);
  const conditions = sortedDistinct(
    rows.map((r) => r.strategy),
    compareConditions,
  );
  const byCell = new Map(rows.map((r) => [key(r.model, r.language, r.country, r.strategy), r]));

  const cellWidth = 100;
  const cellHeight = 72;
  const blockGap = 12;
  const rowHeader = Math.max(70, ...pairs.map((p) => textWidth(pairLabel(p)) + 20));
  const blockWidth = conditions.length * cellWidth;
  const width = Math.max(
    DEFAULT_SIZE.width,
    rowHeader + models.length * blockWidth + Math.max(0, models.length - 1) * blockGap + 16,
  );

  // The key first: the ramp, then the outcome colours of each cell's strip and the re-test control's outline.
  const ramp = rampLegend(12, 8, 'Improved share', shareColour);
  const keyItems: LegendItem[] = OUTCOMES.map((o) => ({ label: o, kind: 'square', colour: OUTCOME_COLOURS[o] }));
  if (conditions.some(isRetestControl))
    keyItems.push({ label: 're-test control (dashed)', kind: 'control', colour: 'currentColor' });
  const outcomeKey = legend(keyItems, 12 + ramp.width + 20, 8, width - 12);
  const headerTop = 8 + Math.max(20, outcomeKey.height) + 18;
  const gridTop = headerTop + 44;
  const height = gridTop + pairs.length * cellHeight + 12 + CAPTION_HEIGHT;
  const blockLeft = (m: number) => rowHeader + m * (blockWidth + blockGap);

  const headers: SvgNode[] = [];
  models.forEach((model, m) => {
    headers.push(
      el(
        'text',
        { x: blockLeft(m) + blockWidth / 2, y: headerTop, 'text-anchor': 'middle', 'font-weight': 600 },
        model,
      ),
    );
    conditions.forEach((c, k) => {
      const label = conditionLabel(c);
      headers.push(
        lines(
          blockLeft(m) + k * cellWidth + cellWidth / 2,
          headerTop + 18,
          label.includes(' (') ? [label.slice(0, label.indexOf(' (')), label.slice(label.indexOf(' (') + 1)] : [label],
          {
            'text-anchor': 'middle',
            'font-size': SMALL_FONT_SIZE,
          },
        ),
      );
    });
  });
  pairs.forEach((pair, i) => {
    headers.push(
      el(
        'text',
        { x: 12, y: gridTop + i * cellHeight + cellHeight / 2, dy: '0.32em', 'font-weight': 600 },
        pairLabel(pair),
      ),
    );
  });

  const cells: SvgNode[] = [];
  const placeholders: SvgNode[] = [];
  pairs.forEach((pair, i) => {
    models.forEach((model, m) => {
      conditions.forEach((condition, k) => {
        const row = byCell.get(key(model, pair.language, pair.country, condition));
        if (!row) return;
        const x = blockLeft(m) + k * cellWidth;
        const y = gridTop + i * cellHeight;
        const shares = outcomeShares(row, gated);
        // No misaligned probe with a result: nothing to colour; a faint note says so instead of a blank.
        if (shares.improved.share === null) {
          placeholders.push(
            el(
              'text',
              {
                x: x + cellWidth / 2,
                y: y + cellHeight / 2,
                dy: '0.32em',
                'text-anchor': 'middle',
                'font-size': SMALL_FONT_SIZE,
                'fill-opacity': 0.5,
                'data-part': 'empty',
              },
              'no probes',
            ),
          );
          return;
        }
        cells.push(table1Cell(row, shares, condition, x, y, cellWidth, cellHeight, gated));
      });
    });
  });
  if (cells.length === 0) return emptyChart('table1', title, caption);
  return finish('table1', title, caption, { width, height }, [
    ramp.node,
    outcomeKey.node,
    ...headers,
    ...placeholders,
    ...cells,
  ]);
}

function table1Cell(
  row: OutcomeRow,
  shares: Record<Outcome, ShareValue & { count: number }>,
  condition: string,
  x: number,
  y: number,
  width: number,
  height: number,
  gated: boolean,
): SvgNode {
  const fill = shareColour(shares.improved.share ?? 0);
  const ink = contrastText(fill);
  const control = isRetestControl(condition);
  const ofMisaligned =
    row.n === row.misaligned
      ? `of ${row.n} misaligned probes`
      : `of ${row.n} misaligned probes with a result (${row.misaligned} misaligned)`;
  const label =
    `${conditionLabel(condition)}, ${row.language}/${row.country}, ${row.model}${gated ? ' (gated outcome)' : ''}: ` +
    `${OUTCOMES.map((o) => shareLine(o, shares[o])).join(', ')} ${ofMisaligned}`;
  const sign = (value: ShareValue) => (value.share === null ? '—' : pct0(value.share));
  // The strip at the bottom: the three shares side by side in the outcome colours, as wide as the shares say.
  const stripX = x + 10;
  const stripWidth = width - 20;
  const stripY = y + height - 15;
  let offset = 0;
  const strip: SvgNode[] = [];
  for (const outcome of OUTCOMES) {
    const share = shares[outcome].share ?? 0;
    strip.push(
      el('rect', {
        x: stripX + offset,
        y: stripY,
        width: share * stripWidth,
        height: 6,
        fill: OUTCOME_COLOURS[outcome],
        'data-part': 'strip',
        'data-outcome': outcome,
      }),
    );
    offset += share * stripWidth;
  }
  return mark(
    'cell',
    { ...sliceFilter(row), condition, misaligned: true },
    label,
    el('rect', {
      x: x + 2,
      y: y + 2,
      width: width - 4,
      height: height - 4,
      rx: 3,
      fill,
      'data-part': 'cell',
      // The re-test control's cell is outlined and dashed, as its bars are in the other charts.
      ...(control
        ? { stroke: 'currentColor', 'stroke-width': 1.5, 'stroke-dasharray': '4 2', 'data-control': 'true' }
        : {}),
    }),
    el(
      'text',
      { x: x + width / 2, y: y + 21, 'text-anchor': 'middle', 'font-size': 14, 'font-weight': 600, fill: ink },
      `+ ${sign(shares.improved)}`,
    ),
    el(
      'text',
      { x: x + width / 2, y: y + 37, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, fill: ink },
      `= ${sign(shares.unchanged)} · − ${sign(shares.worsened)}`,
    ),
    el(
      'text',
      { x: x + width / 2, y: y + 51, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE, fill: ink },
      row.n === row.misaligned ? `n = ${row.n}` : `n = ${row.n} of ${row.misaligned}`,
    ),
    el('rect', {
      x: stripX - 0.5,
      y: stripY - 0.5,
      width: stripWidth + 1,
      height: 7,
      fill: 'none',
      stroke: ink,
      'stroke-width': 0.75,
      'stroke-opacity': 0.6,
    }),
    ...strip,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// 2. Outcomes per strategy (Fig. 2/4), per language, the re-test control beside the strategies

interface ConditionOutcomes {
  condition: string;
  n: number;
  shares: Record<Outcome, ShareValue & { count: number }>;
}

function strategies(tables: Tables, options: ChartOptions): Chart {
  const gated = options.rule === 'gated';
  const slice = chooseSlice(tables, options);
  const title = withSuffix('Outcomes per strategy (Fig. 2/4)', sliceName(slice, options));
  const caption = captionOf(
    options,
    modelPart(slice, options),
    slice ? pairLabel(slice) : options.language,
    ruleText(options.rule),
  );
  // The paper's rule is Fig. 2/4's own table; the gated outcome exists only in Table 1's rows (same denominator).
  const rows: ConditionOutcomes[] = gated
    ? tables.outcomes
        .filter((r) => inSlice(r, slice))
        .map((r) => ({ condition: r.strategy, n: r.n, shares: outcomeShares(r, true) }))
    : tables.improvementByLanguage
        .filter((r) => inSlice(r, slice))
        .map((r) => ({ condition: r.strategy, n: r.n, shares: paperShares(r) }));
  rows.sort((a, b) => compareConditions(a.condition, b.condition));
  if (!slice || rows.every((r) => OUTCOMES.every((o) => r.shares[o].share === null)))
    return emptyChart('strategies', title, caption);

  const width = Math.max(DEFAULT_SIZE.width, AXIS_LEFT + 16 + rows.length * 120);
  const height = 380;
  const items: LegendItem[] = OUTCOMES.map((o) => ({ label: o, kind: 'square', colour: OUTCOME_COLOURS[o] }));
  if (rows.some((r) => isRetestControl(r.condition)))
    items.push({ label: 're-test control (pale, dashed)', kind: 'control', colour: OUTCOME_COLOURS.improved });
  const key = legend(items, AXIS_LEFT, 6, width - 16);
  const plot: Plot = {
    left: AXIS_LEFT,
    right: width - 16,
    top: 6 + key.height + 14,
    bottom: height - CAPTION_HEIGHT - 52,
  };
  const y = shareScale(plot);
  const x = scaleBand<string>()
    .domain(rows.map((r) => r.condition))
    .range([plot.left, plot.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const band = x.bandwidth();
  // Within a condition: the improved share wide, then the unchanged and worsened narrower beside it.
  const parts: Record<Outcome, { from: number; width: number }> = {
    improved: { from: 0, width: 0.42 },
    unchanged: { from: 0.47, width: 0.24 },
    worsened: { from: 0.76, width: 0.24 },
  };

  const bars: SvgNode[] = [];
  for (const row of rows) {
    const left = x(row.condition) ?? plot.left;
    const control = isRetestControl(row.condition);
    for (const outcome of OUTCOMES) {
      const value = row.shares[outcome];
      const label =
        `${conditionLabel(row.condition)}, ${pairLabel(slice)}, ${slice.model}: ${outcome}${gated ? ' (gated)' : ''} ` +
        `${value.share === null ? '—' : pct1(value.share)} (${ciText(value.lower, value.upper)}), ${value.count} of ${row.n} misaligned`;
      const bar = shareBar(
        y,
        left + parts[outcome].from * band,
        parts[outcome].width * band,
        value,
        OUTCOME_COLOURS[outcome],
        control,
        { ...sliceFilter(slice), condition: row.condition, ...outcomeFilter(outcome, gated) },
        label,
      );
      if (bar) bars.push(bar);
    }
  }
  const labels = rows.map((r) => ({
    x: (x(r.condition) ?? 0) + band / 2,
    text: conditionLabel(r.condition),
    width: band + 10,
  }));
  return finish('strategies', title, caption, { width, height }, [
    key.node,
    shareAxisY(plot, y, `Share of misaligned probes (${ruleText(options.rule)})`),
    bandLabelsX(plot, labels),
    axisTitleX(plot, 'Condition', plot.bottom + 46),
    ...bars,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// 3 and 4. Histograms over the eleven bins (Fig. 3/6 and 5/9), the 100% bin apart from the others

interface BinSeries {
  condition: string;
  rows: BinRow[];
}

interface BinChartText {
  id: ChartId;
  title: string;
  caption: string;
  yTitle: string;
  xTitle: string;
  /** The tooltip of one bar. */
  describe: (series: BinSeries, row: BinRow) => string;
  filter: (series: BinSeries) => MarkFilter;
  legend: boolean;
}

function binChart(series: BinSeries[], text: BinChartText): Chart {
  const bins = new Map<number, BinRow>();
  for (const s of series) for (const row of s.rows) if (!bins.has(row.bin)) bins.set(row.bin, row);
  const ordered = [...bins.values()].sort((a, b) => a.bin - b.bin);
  if (series.every((s) => s.rows.every((r) => r.share === null))) return emptyChart(text.id, text.title, text.caption);

  const perBin = Math.max(54, series.length * 11 + 16);
  // The last bin is the 100% bin when it has no width (binFrom = binTo = 1): set apart by a gap and a dashed line.
  const last = ordered[ordered.length - 1];
  const apart = ordered.length > 1 && last !== undefined && last.binFrom === last.binTo;
  const gapShare = apart ? 0.6 : 0;
  const width = Math.max(DEFAULT_SIZE.width, Math.ceil(AXIS_LEFT + 16 + (ordered.length + gapShare) * perBin));
  const height = 380;
  const key = text.legend
    ? legend(conditionLegendItems(series.map((s) => s.condition)), AXIS_LEFT, 6, width - 16)
    : { node: null, height: 0 };
  const plot: Plot = {
    left: AXIS_LEFT,
    right: width - 16,
    top: 6 + key.height + 16,
    bottom: height - CAPTION_HEIGHT - 52,
  };
  const y = shareScale(plot);
  const binWidth = (plot.right - plot.left) / (ordered.length + gapShare);
  const binLeft = (index: number) =>
    plot.left + index * binWidth + (apart && index === ordered.length - 1 ? gapShare * binWidth : 0);
  const conditions = series.map((s) => s.condition);

  const bars: SvgNode[] = [];
  ordered.forEach((binRow, index) => {
    const inner = scaleBand<string>()
      .domain(conditions)
      .range([binLeft(index), binLeft(index) + binWidth])
      .paddingInner(0.1)
      .paddingOuter(0.25);
    for (const s of series) {
      const row = s.rows.find((r) => r.bin === binRow.bin);
      if (!row) continue;
      const bar = shareBar(
        y,
        inner(s.condition) ?? 0,
        inner.bandwidth(),
        { share: row.share, lower: row.shareLower, upper: row.shareUpper },
        conditionColour(s.condition),
        isRetestControl(s.condition),
        text.filter(s),
        text.describe(s, row),
      );
      if (bar) bars.push(bar);
    }
  });
  const separator =
    apart &&
    el('line', {
      x1: binLeft(ordered.length - 1) - (gapShare * binWidth) / 2,
      x2: binLeft(ordered.length - 1) - (gapShare * binWidth) / 2,
      y1: plot.top,
      y2: plot.bottom + 30,
      stroke: 'currentColor',
      'stroke-opacity': 0.45,
      'stroke-dasharray': '3 3',
      'data-part': 'separator',
    });
  const labels = ordered.map((row, index) => ({
    x: binLeft(index) + binWidth / 2,
    text: row.binLabel,
    width: binWidth,
  }));
  return finish(text.id, text.title, text.caption, { width, height }, [
    key.node,
    shareAxisY(plot, y, text.yTitle),
    separator,
    bandLabelsX(plot, labels),
    axisTitleX(plot, text.xTitle, plot.bottom + 46),
    ...bars,
  ]);
}

function errorReduction(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const title = withSuffix('Error reduction among improved probes (Fig. 3/6)', sliceName(slice, options));
  const caption = captionOf(
    options,
    modelPart(slice, options),
    slice ? pairLabel(slice) : options.language,
    "improved by the paper's rule",
  );
  const rows = tables.reductionBins.filter((r) => inSlice(r, slice));
  const conditions = sortedDistinct(
    rows.map((r) => r.strategy),
    compareConditions,
  );
  if (!slice) return emptyChart('error-reduction', title, caption);
  const series = conditions.map((condition) => ({ condition, rows: rows.filter((r) => r.strategy === condition) }));
  return binChart(series, {
    id: 'error-reduction',
    title,
    caption,
    yTitle: 'Share of improved probes',
    xTitle: "Error reduction Δ (probes improved by the paper's rule)",
    legend: true,
    describe: (s, row) =>
      `${conditionLabel(s.condition)}, ${pairLabel(slice)}, ${slice.model}: error reduction ${row.binLabel}: ` +
      `${row.share === null ? '—' : pct1(row.share)} of improved probes (${ciText(row.shareLower, row.shareUpper)}), ${row.count} of ${row.n}`,
    // Δ is defined for the probes the paper's rule calls improved: the explorer shows those.
    filter: (s) => ({ ...sliceFilter(slice), condition: s.condition, outcome: 'improved' }),
  });
}

function zeroShotErrors(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const title = withSuffix('Zero-shot error sizes among misaligned probes (Fig. 5/9)', sliceName(slice, options));
  const caption = captionOf(options, modelPart(slice, options), slice ? pairLabel(slice) : options.language);
  const rows = tables.zeroShotErrorBins.filter((r) => inSlice(r, slice));
  if (!slice) return emptyChart('zero-shot-errors', title, caption);
  return binChart([{ condition: ZERO_SHOT, rows }], {
    id: 'zero-shot-errors',
    title,
    caption,
    yTitle: 'Share of misaligned probes',
    xTitle: 'Zero-shot error δ = 1 − alignment (misaligned probes)',
    legend: false,
    describe: (_s, row) =>
      `zero-shot, ${pairLabel(slice)}, ${slice.model}: error ${row.binLabel}: ` +
      `${row.share === null ? '—' : pct1(row.share)} of misaligned probes (${ciText(row.shareLower, row.shareUpper)}), ${row.count} of ${row.n}`,
    filter: () => ({ ...sliceFilter(slice), condition: ZERO_SHOT, misaligned: true }),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 5. Misaligned share per language and model (Fig. 7): every language, not only the chosen one

function misaligned(tables: Tables, options: ChartOptions): Chart {
  const title = 'Misaligned probes per language (Fig. 7)';
  const caption = captionOf(options, 'all models');
  const rows = tables.misalignment;
  if (rows.every((r) => r.misalignedShare === null)) return emptyChart('misaligned', title, caption);
  const models = sortedDistinct(rows.map((r) => r.model));
  const pairs = languagePairs(rows);
  const colourOf = (model: string) => SERIES_COLOURS[models.indexOf(model) % SERIES_COLOURS.length]!;
  const byCell = new Map(rows.map((r) => [key(r.model, r.language, r.country), r]));

  const width = Math.max(DEFAULT_SIZE.width, AXIS_LEFT + 16 + pairs.length * Math.max(64, models.length * 22 + 24));
  const height = 380;
  const key_ = legend(
    models.map((m) => ({ label: m, kind: 'square', colour: colourOf(m) })),
    AXIS_LEFT,
    6,
    width - 16,
    false,
    'Model',
  );
  const plot: Plot = {
    left: AXIS_LEFT,
    right: width - 16,
    top: 6 + key_.height + 14,
    bottom: height - CAPTION_HEIGHT - 52,
  };
  const y = shareScale(plot);
  const x = scaleBand<string>()
    .domain(pairs.map(pairLabel))
    .range([plot.left, plot.right])
    .paddingInner(0.25)
    .paddingOuter(0.15);
  const inner = scaleBand<string>().domain(models).range([0, x.bandwidth()]).padding(0.08);

  const bars: SvgNode[] = [];
  for (const pair of pairs) {
    for (const model of models) {
      const row = byCell.get(key(model, pair.language, pair.country));
      if (!row) continue;
      // Bars no wider than 56 px, centred in their place: a few languages should not give slabs.
      const barWidth = Math.min(56, inner.bandwidth());
      const bar = shareBar(
        y,
        (x(pairLabel(pair)) ?? 0) + (inner(model) ?? 0) + (inner.bandwidth() - barWidth) / 2,
        barWidth,
        { share: row.misalignedShare, lower: row.misalignedShareLower, upper: row.misalignedShareUpper },
        colourOf(model),
        false,
        { model, language: pair.language, country: pair.country, condition: ZERO_SHOT, misaligned: true },
        `${model}, ${pairLabel(pair)}: misaligned ${row.misalignedShare === null ? '—' : pct1(row.misalignedShare)} ` +
          `(${ciText(row.misalignedShareLower, row.misalignedShareUpper)}), ${row.misalignedCount} of ${row.probes} probes`,
      );
      if (bar) bars.push(bar);
    }
  }
  const labels = pairs.map((p) => ({
    x: (x(pairLabel(p)) ?? 0) + x.bandwidth() / 2,
    text: pairLabel(p),
    width: x.bandwidth() + 10,
  }));
  return finish('misaligned', title, caption, { width, height }, [
    key_.node,
    shareAxisY(plot, y, 'Share of probes misaligned zero-shot'),
    bandLabelsX(plot, labels),
    axisTitleX(plot, 'Language / country', plot.bottom + 46),
    ...bars,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------
// 6. Improved share per WVS category and language (Fig. 8/10), for one model and one strategy

/**
 * The strategy the heat map shows: chrF++ (all) when it was run (the paper's main strategy), else the one whose
 * improved share the engine's per-model table puts highest; the re-test control only when nothing else was run.
 */
function categoryStrategy(tables: Tables, model: string, present: Set<string>): string | undefined {
  if (present.has(PAPER_MAIN_STRATEGY)) return PAPER_MAIN_STRATEGY;
  let best: { strategy: string; share: number } | undefined;
  const candidates = tables.improvementByModel
    .filter((r) => r.model === model && present.has(r.strategy) && !isRetestControl(r.strategy))
    .sort((a, b) => compareConditions(a.strategy, b.strategy));
  for (const row of candidates)
    if (row.improvedShare !== null && (!best || row.improvedShare > best.share))
      best = { strategy: row.strategy, share: row.improvedShare };
  if (best) return best.strategy;
  const ordered = sortedDistinct(present, compareConditions);
  return ordered.find((s) => !isRetestControl(s)) ?? ordered[0];
}

function categories(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const model = slice?.model ?? options.model;
  const ofModel = tables.categories.filter((r) => r.model === model);
  const strategy =
    model === undefined ? undefined : categoryStrategy(tables, model, new Set(ofModel.map((r) => r.strategy)));
  const title = withSuffix(
    'Improved probes per WVS category (Fig. 8/10)',
    [model, strategy && conditionLabel(strategy)].filter((p) => p).join(', ') || undefined,
  );
  const caption = captionOf(
    options,
    model === undefined ? undefined : `model ${model}`,
    strategy && `strategy ${conditionLabel(strategy)}`,
    "improved by the paper's rule",
  );
  const rows = ofModel.filter((r) => r.strategy === strategy);
  if (model === undefined || strategy === undefined || rows.every((r) => r.improvedShare === null))
    return emptyChart('categories', title, caption);

  const pairs = languagePairs(rows);
  const categoryRows = new Map<number, string>();
  for (const row of [...rows].sort((a, b) => a.category - b.category))
    if (!categoryRows.has(row.category)) categoryRows.set(row.category, row.categoryName);
  const byCell = new Map(rows.map((r) => [key(r.category, r.language, r.country), r]));

  const maxLabelChars = 40;
  const shortName = (name: string) => (name.length > maxLabelChars ? `${name.slice(0, maxLabelChars - 1)}…` : name);
  const labelWidth = Math.max(
    90,
    ...[...categoryRows.values()].map((n) => textWidth(shortName(n), SMALL_FONT_SIZE) + 16),
  );
  const cellWidth = 72;
  const cellHeight = 26;
  const gridLeft = 12 + labelWidth;
  const width = Math.max(DEFAULT_SIZE.width, gridLeft + pairs.length * cellWidth + 16);
  const ramp = rampLegend(12, 8, 'Improved share', shareColour);
  const headerY = 8 + 20 + 26;
  const gridTop = headerY + 10;
  const height = gridTop + categoryRows.size * cellHeight + 14 + CAPTION_HEIGHT;

  const headers: SvgNode[] = [
    el('text', { x: 12, y: headerY, 'font-weight': 600, 'font-size': FONT_SIZE }, 'WVS category'),
    ...pairs.map((pair, j) =>
      el(
        'text',
        { x: gridLeft + j * cellWidth + cellWidth / 2, y: headerY, 'text-anchor': 'middle', 'font-weight': 600 },
        pairLabel(pair),
      ),
    ),
    ...[...categoryRows.values()].map((name, i) =>
      el(
        'text',
        {
          x: gridLeft - 8,
          y: gridTop + i * cellHeight + cellHeight / 2,
          dy: '0.32em',
          'text-anchor': 'end',
          'font-size': SMALL_FONT_SIZE,
        },
        shortName(name),
      ),
    ),
  ];
  const cells: SvgNode[] = [];
  const empty: SvgNode[] = [];
  [...categoryRows.keys()].forEach((category, i) => {
    pairs.forEach((pair, j) => {
      const row = byCell.get(key(category, pair.language, pair.country));
      const x = gridLeft + j * cellWidth;
      const y = gridTop + i * cellHeight;
      if (!row || row.improvedShare === null) {
        // No misaligned probe here: no colour (a share of nothing is not 0%), only a faint dash.
        empty.push(
          el(
            'text',
            {
              x: x + cellWidth / 2,
              y: y + cellHeight / 2,
              dy: '0.32em',
              'text-anchor': 'middle',
              'font-size': SMALL_FONT_SIZE,
              'fill-opacity': 0.4,
              'data-part': 'empty',
            },
            '–',
          ),
        );
        return;
      }
      const fill = shareColour(row.improvedShare);
      const label =
        `${conditionLabel(strategy)}, ${pairLabel(pair)}, ${model}, ${row.categoryName}: ` +
        `improved ${pct1(row.improvedShare)} (${ciText(row.improvedShareLower, row.improvedShareUpper)}), ${row.improvedCount} of ${row.n} misaligned (${row.probes} probes)`;
      cells.push(
        mark(
          'cell',
          { model, language: pair.language, country: pair.country, condition: strategy, category, outcome: 'improved' },
          label,
          el('rect', { x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, fill, 'data-part': 'cell' }),
          el(
            'text',
            {
              x: x + cellWidth / 2,
              y: y + cellHeight / 2,
              dy: '0.32em',
              'text-anchor': 'middle',
              'font-size': SMALL_FONT_SIZE,
              fill: contrastText(fill),
            },
            `${row.improvedCount}/${row.n}`,
          ),
        ),
      );
    });
  });
  return finish('categories', title, caption, { width, height }, [ramp.node, ...headers, ...empty, ...cells]);
}

// ---------------------------------------------------------------------------------------------------------------
// 7. Soft alignment: each probe before (x) and after (y) self-alignment, the diagonal y = x for "no change"

interface ScatterPoint {
  condition: string;
  x: number;
  y: number;
  hollow: boolean;
  radius: number;
  filter: MarkFilter;
  label: string;
}

function softAlignment(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const title = withSuffix('Soft alignment before and after self-alignment', sliceName(slice, options));
  const caption = captionOf(options, modelPart(slice, options), slice ? pairLabel(slice) : options.language);
  const perProbe = options.softPoints !== undefined && options.softPoints.length > 0;
  const points: ScatterPoint[] = [];
  if (slice && perProbe) {
    // The window's points are the chosen model and language's; they carry no model of their own.
    for (const p of options.softPoints ?? []) {
      points.push({
        condition: p.strategy,
        x: p.before,
        y: p.after,
        hollow: !p.misaligned,
        radius: 3.5,
        filter: { ...sliceFilter(slice), condition: p.strategy, misaligned: p.misaligned, probeId: p.probeId },
        label: `${conditionLabel(p.strategy)}, ${pairLabel(slice)}, ${slice.model}, probe ${p.probeId}: zero-shot ${pct1(p.before)} → self-aligned ${pct1(p.after)}`,
      });
    }
  } else if (slice) {
    // Without per-probe points: the table's mean Jensen–Shannon distances, one point per strategy.
    const rows = tables.softAlignment
      .filter((r) => inSlice(r, slice))
      .sort((a, b) => compareConditions(a.strategy, b.strategy));
    for (const r of rows) {
      if (r.meanBefore === null || r.meanAfter === null) continue;
      const change =
        r.meanChange === null
          ? ''
          : `, change ${r.meanChange.toFixed(3)}${r.meanChangeLower !== null && r.meanChangeUpper !== null ? ` (95% CI ${r.meanChangeLower.toFixed(3)} to ${r.meanChangeUpper.toFixed(3)})` : ''}`;
      points.push({
        condition: r.strategy,
        x: r.meanBefore,
        y: r.meanAfter,
        hollow: false,
        radius: 6,
        filter: { ...sliceFilter(slice), condition: r.strategy, misaligned: true },
        label: `${conditionLabel(r.strategy)}, ${pairLabel(slice)}, ${slice.model}: mean Jensen–Shannon distance zero-shot ${r.meanBefore.toFixed(3)} → self-aligned ${r.meanAfter.toFixed(3)}${change}, ${r.n} misaligned probes`,
      });
    }
  }
  if (points.length === 0) return emptyChart('soft-alignment', title, caption);

  const width = DEFAULT_SIZE.width;
  const height = 440;
  const side = 330;
  const plot: Plot = { left: AXIS_LEFT, right: AXIS_LEFT + side, top: 16, bottom: 16 + side };
  const x = scaleLinear().domain([0, 1]).range([plot.left, plot.right]);
  const y = scaleLinear().domain([0, 1]).range([plot.bottom, plot.top]);
  const tickFormat = perProbe ? pct0 : (v: number) => v.toFixed(1);
  const grid: SvgNode[] = [];
  for (const t of x.ticks(5)) {
    grid.push(
      el('line', {
        x1: x(t),
        x2: x(t),
        y1: plot.top,
        y2: plot.bottom,
        stroke: 'currentColor',
        'stroke-opacity': t === 0 ? 0.6 : 0.15,
        'data-part': 'grid',
      }),
    );
    grid.push(
      el('line', {
        x1: plot.left,
        x2: plot.right,
        y1: y(t),
        y2: y(t),
        stroke: 'currentColor',
        'stroke-opacity': t === 0 ? 0.6 : 0.15,
        'data-part': 'grid',
      }),
    );
    grid.push(
      el(
        'text',
        { x: x(t), y: plot.bottom + 16, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE },
        tickFormat(t),
      ),
    );
    grid.push(
      el(
        'text',
        { x: plot.left - 6, y: y(t), dy: '0.32em', 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE },
        tickFormat(t),
      ),
    );
  }
  const diagonal = el('line', {
    x1: x(0),
    y1: y(0),
    x2: x(1),
    y2: y(1),
    stroke: 'currentColor',
    'stroke-opacity': 0.5,
    'stroke-dasharray': '4 3',
    'data-part': 'diagonal',
  });

  const conditions = sortedDistinct(
    points.map((p) => p.condition),
    compareConditions,
  );
  const items: LegendItem[] = conditions.map((c) => ({
    label: conditionLabel(c),
    kind: isRetestControl(c) ? 'control' : 'dot',
    colour: conditionColour(c),
  }));
  if (points.some((p) => p.hollow))
    items.push({ label: 'aligned zero-shot (hollow)', kind: 'ring', colour: 'currentColor' });
  items.push({ label: 'no change (y = x)', kind: 'line', colour: 'currentColor' });
  const key = legend(items, plot.right + 40, plot.top, width - 12, true, perProbe ? 'Condition' : 'Strategy (mean)');
  const note = lines(
    plot.right + 40,
    plot.top + key.height + 20,
    perProbe
      ? ['Above the diagonal: more of the', "country's answer after self-alignment."]
      : ['Below the diagonal: closer to the', "country's answer shares after self-alignment."],
    { 'font-size': SMALL_FONT_SIZE, 'fill-opacity': 0.8 },
    15,
  );

  const marks = points.map((p) => {
    const colour = conditionColour(p.condition);
    const style = isRetestControl(p.condition)
      ? fillStyle(colour, true)
      : p.hollow
        ? { fill: 'none', stroke: colour, 'stroke-width': 1.5 }
        : {
            fill: colour,
            'fill-opacity': perProbe ? 0.7 : 1,
            stroke: perProbe ? 'none' : 'currentColor',
            'stroke-width': perProbe ? 0 : 1,
          };
    return mark(
      'point',
      p.filter,
      p.label,
      el('circle', { cx: x(p.x), cy: y(p.y), r: p.radius, ...style, 'data-part': 'point' }),
    );
  });
  return finish('soft-alignment', title, caption, { width, height }, [
    ...grid,
    diagonal,
    axisTitleX(
      plot,
      perProbe ? 'Zero-shot: share of target answers' : 'Zero-shot: mean JS distance to the country',
      plot.bottom + 38,
    ),
    axisTitleY(plot, perProbe ? 'Self-aligned: share of target answers' : 'Self-aligned: mean JS distance', 44),
    key.node,
    note,
    ...marks,
  ]);
}

// ---------------------------------------------------------------------------------------------------------------

const BUILDERS: Record<ChartId, (tables: Tables, options: ChartOptions) => Chart> = {
  table1,
  strategies,
  'error-reduction': errorReduction,
  'zero-shot-errors': zeroShotErrors,
  misaligned,
  categories,
  'soft-alignment': softAlignment,
};

/** One chart of a run's tables. */
export function buildChart(id: ChartId, tables: CommandResult<'results.tables'>, options: ChartOptions): Chart {
  return BUILDERS[id](tables, options);
}

/** All seven, in CHART_IDS order. */
export function buildCharts(tables: CommandResult<'results.tables'>, options: ChartOptions): Chart[] {
  return CHART_IDS.map((id) => buildChart(id, tables, options));
}
