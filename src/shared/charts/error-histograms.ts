// Fig. 3/6 and Fig. 5/9, two histograms over the same eleven bins (the 100% bin set apart from the others), for one
// model and language: the error reduction Δ of the probes each strategy improved (Fig. 3/6), and the zero-shot
// error δ of the misaligned probes (Fig. 5/9).

import { scaleBand } from 'd3';
import { ZERO_SHOT } from '../method.js';
import {
  axisTitleX,
  bandLabelsX,
  CAPTION_HEIGHT,
  ciText,
  legend,
  pct1,
  shareAxisY,
  shareBar,
  type LegendItem,
  type MarkFilter,
  type Plot,
} from './layout.js';
import { conditionColour, conditionLabel, isRetestControl } from './palette.js';
import {
  AXIS_LEFT,
  captionOf,
  chooseSlice,
  compareConditions,
  DEFAULT_SIZE,
  emptyChart,
  finish,
  inSlice,
  modelPart,
  pairLabel,
  shareScale,
  sliceFilter,
  sliceName,
  sortedDistinct,
  withSuffix,
  type Chart,
  type ChartId,
  type ChartOptions,
  type Tables,
  unreadableText,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

type BinRow = Tables['zeroShotErrorBins'][number];

function conditionLegendItems(conditions: readonly string[]): LegendItem[] {
  return conditions.map((c) => ({
    label: conditionLabel(c),
    kind: isRetestControl(c) ? 'control' : 'square',
    colour: conditionColour(c),
  }));
}

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
        row.count > 0,
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

export function errorReduction(tables: Tables, options: ChartOptions): Chart {
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
    rows.map((r) => r.condition),
    compareConditions,
  );
  if (!slice) return emptyChart('error-reduction', title, caption);
  const series = conditions.map((condition) => ({ condition, rows: rows.filter((r) => r.condition === condition) }));
  return binChart(series, {
    id: 'error-reduction',
    title,
    caption,
    yTitle: 'Share of improved probes',
    xTitle: "Error reduction Δ (probes improved by the paper's rule)",
    legend: true,
    describe: (s, row) =>
      `${conditionLabel(s.condition)}, ${pairLabel(slice)}, ${slice.model}: error reduction ${row.binLabel}: ` +
      `${row.share === null ? '—' : pct1(row.share)} of improved probes (${ciText(row.shareLower, row.shareUpper)}), ${row.count} of ${row.n}; ` +
      `${unreadableText(row)} (answers giving neither option, before → after)`,
    // Δ is defined for the probes the paper's rule calls improved: the explorer shows those.
    filter: (s) => ({ ...sliceFilter(slice), condition: s.condition, outcome: 'improved' }),
  });
}

export function zeroShotErrors(tables: Tables, options: ChartOptions): Chart {
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
      `${row.share === null ? '—' : pct1(row.share)} of misaligned probes (${ciText(row.shareLower, row.shareUpper)}), ${row.count} of ${row.n}; ` +
      `${unreadableText(row)} (answers giving neither option)`,
    filter: () => ({ ...sliceFilter(slice), condition: ZERO_SHOT, misaligned: true }),
  });
}
