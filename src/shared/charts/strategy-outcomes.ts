// Fig. 2/4: outcomes per strategy for one model and language. For each condition (the re-test control beside the
// strategies), the shares of misaligned probes improved, unchanged and worsened, as bars with their 95% intervals,
// under the paper's rule or the gated outcome. Every bar's label says how many answers were unreadable; a
// condition whose answers were mostly unreadable gets no bars but a blank "no readable answer" in their place.

import { scaleBand } from 'd3';
import {
  axisTitleX,
  bandLabelLines,
  bandLabelsX,
  CAPTION_HEIGHT,
  ciText,
  legend,
  mark,
  pct1,
  shareAxisY,
  shareBar,
  type LegendItem,
  type MarkFilter,
  type Outcome,
  type Plot,
  type ShareValue,
} from './layout.js';
import { conditionLabel, isRetestControl, OUTCOME_COLOURS, UNREADABLE_COLOUR } from './palette.js';
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
  OUTCOMES,
  outcomeShares,
  pairLabel,
  paperShares,
  ruleText,
  shareScale,
  sliceFilter,
  sliceName,
  withSuffix,
  type Chart,
  type ChartOptions,
  type Tables,
  unreadableText,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

/** The filter key of an outcome under a rule: the explorer filters the paper's outcome and the gated one apart. */
function outcomeFilter(outcome: Outcome, gated: boolean): MarkFilter {
  return gated ? { gatedOutcome: outcome } : { outcome };
}

interface ConditionOutcomes {
  condition: string;
  n: number;
  shares: Record<Outcome, ShareValue & { count: number }>;
  unreadable: { zeroShotInvalidShare: number | null; meanInvalidShare: number | null; mostlyUnreadable: boolean };
}

export function strategies(tables: Tables, options: ChartOptions): Chart {
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
        .map((r) => ({ condition: r.condition, n: r.n, shares: outcomeShares(r, true), unreadable: r }))
    : tables.improvementByLanguage
        .filter((r) => inSlice(r, slice))
        .map((r) => ({ condition: r.condition, n: r.n, shares: paperShares(r), unreadable: r }));
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
    if (row.unreadable.mostlyUnreadable && row.n > 0) {
      bars.push(
        mark(
          'bar',
          { ...sliceFilter(slice), condition: row.condition, misaligned: true },
          `${conditionLabel(row.condition)}, ${pairLabel(slice)}, ${slice.model}: no readable answer, ` +
            `${unreadableText(row.unreadable)} of the answers gave neither option (before → after); ` +
            `the outcomes of its ${row.n} misaligned probes are not shown.`,
          el('rect', {
            x: left,
            y: plot.top,
            width: band,
            height: plot.bottom - plot.top,
            fill: UNREADABLE_COLOUR,
            'data-part': 'unreadable',
          }),
          el(
            'text',
            { x: left + band / 2, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle', fill: '#000000' },
            el('tspan', { x: left + band / 2, dy: 0 }, 'no readable answer'),
            el('tspan', { x: left + band / 2, dy: 16 }, unreadableText(row.unreadable)),
          ),
        ),
      );
      continue;
    }
    for (const outcome of OUTCOMES) {
      const value = row.shares[outcome];
      const label =
        `${conditionLabel(row.condition)}, ${pairLabel(slice)}, ${slice.model}: ${outcome}${gated ? ' (gated)' : ''} ` +
        `${value.share === null ? '—' : pct1(value.share)} (${ciText(value.lower, value.upper)}), ${value.count} of ${row.n} misaligned; ` +
        `${unreadableText(row.unreadable)} (answers giving neither option, before → after)`;
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
  // A control's label may take more than the two lines the layout leaves: the axis title and the chart move down.
  const extraLines = Math.max(0, ...labels.map((l) => bandLabelLines(l.text, l.width).length - 2));
  return finish('strategies', title, caption, { width, height: height + 13 * extraLines }, [
    key.node,
    shareAxisY(plot, y, `Share of misaligned probes (${ruleText(options.rule)})`),
    bandLabelsX(plot, labels),
    axisTitleX(plot, 'Condition', plot.bottom + 46 + 13 * extraLines),
    ...bars,
  ]);
}
