// The soft-alignment scatter (ours, not the paper's): each probe's share of target answers zero-shot (x)
// and self-aligned (y), per strategy, with the diagonal y = x for "no change". Without per-probe points
// (soft-points.ts), one point per strategy: the table's mean Jensen–Shannon distances before and after.

import { scaleLinear } from 'd3';
import {
  axisTitleX,
  axisTitleY,
  fillStyle,
  legend,
  lines,
  mark,
  pct0,
  pct1,
  SMALL_FONT_SIZE,
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
  sliceFilter,
  sliceName,
  sortedDistinct,
  withSuffix,
  type Chart,
  type ChartOptions,
  type Tables,
  unreadableText,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

interface ScatterPoint {
  condition: string;
  x: number;
  y: number;
  hollow: boolean;
  radius: number;
  filter: MarkFilter;
  label: string;
}

export function softAlignment(tables: Tables, options: ChartOptions): Chart {
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
      .sort((a, b) => compareConditions(a.condition, b.condition));
    for (const r of rows) {
      if (r.meanBefore === null || r.meanAfter === null) continue;
      const change =
        r.meanChange === null
          ? ''
          : `, change ${r.meanChange.toFixed(3)}${r.meanChangeLower !== null && r.meanChangeUpper !== null ? ` (95% CI ${r.meanChangeLower.toFixed(3)} to ${r.meanChangeUpper.toFixed(3)})` : ''}`;
      points.push({
        condition: r.condition,
        x: r.meanBefore,
        y: r.meanAfter,
        hollow: false,
        radius: 6,
        filter: { ...sliceFilter(slice), condition: r.condition, misaligned: true },
        label: `${conditionLabel(r.condition)}, ${pairLabel(slice)}, ${slice.model}: mean Jensen–Shannon distance zero-shot ${r.meanBefore.toFixed(3)} → self-aligned ${r.meanAfter.toFixed(3)}${change}, ${r.n} misaligned probes; ${unreadableText(r)} (answers giving neither option, before → after)`,
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
