// The k curve (issue 24, ours): for one model and language, a strategy's (a) improved share and (b) mean alignment
// against k, the number of demonstrations, from its k controls (chrf-all/k=3) and the strategy itself at the run's
// k. Each point has its 95% interval (Wilson for the share, the bootstrap for the mean); the re-test control stands
// for chance: in (a) its improved share as a grey band (its interval) with a dashed line at the share, in (b) its
// mean alignment as a dashed grey line. A point whose answers were mostly unreadable is drawn hollow in the
// unreadable colour and says "no readable answer"; its interval is left to its label.

import { scaleLinear } from 'd3';
import {
  axisTitleX,
  CAPTION_HEIGHT,
  ciText,
  FONT_SIZE,
  legend,
  mark,
  pct0,
  pct1,
  shareAxisY,
  SMALL_FONT_SIZE,
  textWidth,
  whisker,
  type LegendItem,
  type MarkFilter,
  type Plot,
} from './layout.js';
import { conditionColour, conditionLabel, RETEST_CONTROL, UNREADABLE_COLOUR } from './palette.js';
import {
  AXIS_LEFT,
  captionOf,
  chooseSlice,
  compareConditions,
  emptyChart,
  finish,
  inSlice,
  modelPart,
  pairLabel,
  ruleText,
  shareScale,
  sliceFilter,
  sliceName,
  sortedDistinct,
  withSuffix,
  type Chart,
  type ChartOptions,
  type Tables,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

type KCurveRow = Tables['kCurve'][number];

/** One panel's value of a row: the share or mean, and its interval (null where the engine gives none). */
interface PanelValue {
  value: number | null;
  lower: number | null;
  upper: number | null;
}

interface Panel {
  id: 'improved' | 'alignment';
  heading: string;
  axisTitle: string;
  valueOf: (row: KCurveRow) => PanelValue;
  /** The point's numbers in words, after "…, llama: ". */
  words: (row: KCurveRow) => string;
}

const RETEST_COLOUR = conditionColour(RETEST_CONTROL);
const POINT_RADIUS = 4.5;

function interval(lower: number | null, upper: number | null): string {
  return lower === null || upper === null ? 'no interval' : ciText(lower, upper);
}

const PANELS: Panel[] = [
  {
    id: 'improved',
    heading: '(a) Improved share',
    axisTitle: 'Share of misaligned probes improved',
    valueOf: (r) => ({ value: r.improvedShare, lower: r.improvedShareLower, upper: r.improvedShareUpper }),
    words: (r) =>
      `improved ${r.improvedShare === null ? '—' : pct1(r.improvedShare)} (${interval(r.improvedShareLower, r.improvedShareUpper)}), ` +
      `${r.improvedCount} of ${r.n} misaligned probes`,
  },
  {
    id: 'alignment',
    heading: '(b) Mean alignment',
    axisTitle: 'Mean share of target answers',
    valueOf: (r) => ({ value: r.meanAlignment, lower: r.meanAlignmentLower, upper: r.meanAlignmentUpper }),
    words: (r) =>
      `mean alignment ${r.meanAlignment === null ? '—' : pct1(r.meanAlignment)} (${interval(r.meanAlignmentLower, r.meanAlignmentUpper)}), ` +
      `n = ${r.n} misaligned probes`,
  },
];

function unreadableWords(row: KCurveRow): string {
  const share = row.meanInvalidShare === null ? '—' : pct0(row.meanInvalidShare);
  return row.mostlyUnreadable
    ? `no readable answer: ${share} of the answers gave neither option`
    : `unreadable ${share} (answers giving neither option)`;
}

/** "k = 3" or "k = 5 (the run's k)". */
function kWords(row: KCurveRow): string {
  return `k = ${row.k}${row.condition === row.strategy ? " (the run's k)" : ''}`;
}

export function kCurve(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const title = withSuffix('Self-alignment against k, the number of demonstrations', sliceName(slice, options));
  const rows = tables.kCurve
    .filter((r) => inSlice(r, slice))
    .sort(
      (a, b) => compareConditions(a.strategy, b.strategy) || a.k - b.k || compareConditions(a.condition, b.condition),
    );
  if (!slice || rows.length === 0)
    return emptyChart(
      'k-curve',
      title,
      captionOf(
        options,
        modelPart(slice, options),
        slice ? pairLabel(slice) : options.language,
        'the run has no k controls (add chrf-all/k=N controls to draw it)',
      ),
    );
  const caption = captionOf(
    options,
    modelPart(slice, options),
    pairLabel(slice),
    `improved by the ${ruleText('paper')}`,
    '95% intervals: Wilson (a), bootstrap (b)',
  );
  if (rows.every((r) => r.improvedShare === null && r.meanAlignment === null))
    return emptyChart('k-curve', title, caption);

  const strategies = sortedDistinct(
    rows.map((r) => r.strategy),
    compareConditions,
  );
  const ks = [...new Set(rows.map((r) => r.k))].sort((a, b) => a - b);
  const runK = rows.find((r) => r.condition === r.strategy)?.k;
  // The re-test control is the same on every row of a model × language.
  const retest = rows[0]!;
  const hasRetest = retest.retestImprovedShare !== null || retest.retestMeanAlignment !== null;

  const width = 860;
  const height = 440;
  const items: LegendItem[] = strategies.map((s) => ({
    label: conditionLabel(s),
    kind: 'dot',
    colour: conditionColour(s),
  }));
  if (hasRetest) items.push({ label: RETEST_TEXT, kind: 'control', colour: RETEST_COLOUR });
  if (rows.some((r) => r.mostlyUnreadable))
    items.push({ label: 'no readable answer (mostly unreadable)', kind: 'ring', colour: UNREADABLE_COLOUR });
  const key = legend(items, AXIS_LEFT, 6, width - 16);
  const top = 6 + key.height + 34;
  const bottom = height - CAPTION_HEIGHT - 58;
  const gap = AXIS_LEFT + 24;
  const plotWidth = (width - 16 - AXIS_LEFT - gap) / 2;
  const plots: Plot[] = [
    { left: AXIS_LEFT, right: AXIS_LEFT + plotWidth, top, bottom },
    { left: AXIS_LEFT + plotWidth + gap, right: width - 16, top, bottom },
  ];
  const context: PanelContext = { rows, strategies, ks, runK, retest, slice };
  return finish('k-curve', title, caption, { width, height }, [
    outlineRings(key.node),
    ...PANELS.flatMap((panel, pi) => drawPanel(panel, plots[pi]!, context)),
  ]);
}

const RETEST_TEXT = `${conditionLabel(RETEST_CONTROL)} (chance)`;
const NO_READABLE_ANSWER = 'no readable answer';

interface PanelContext {
  rows: KCurveRow[];
  strategies: string[];
  ks: number[];
  runK: number | undefined;
  retest: KCurveRow;
  slice: { model: string; language: string; country: string };
}

/** A point as drawn: where it is, and where its whisker reaches (the point itself where it has none). */
interface Placed {
  row: KCurveRow;
  px: number;
  py: number;
  top: number;
  bottom: number;
}

function drawPanel(panel: Panel, plot: Plot, { rows, strategies, ks, runK, retest, slice }: PanelContext): SvgNode[] {
  const y = shareScale(plot);
  // k on a linear scale (the distances between ks are real), padded so the end points clear the axes.
  const [first, last] = [ks[0]!, ks[ks.length - 1]!];
  const pad = Math.max(0.5, (last - first) * 0.08);
  const x = scaleLinear()
    .domain([first - pad, last + pad])
    .range([plot.left, plot.right]);
  // Several strategies at one k: each a few pixels aside, in the legend's order, so their whiskers stand apart.
  const dodge = (s: string) => (strategies.indexOf(s) - (strategies.length - 1) / 2) * 7;
  const placed = new Map<string, Placed[]>();
  for (const strategy of strategies) {
    placed.set(
      strategy,
      rows
        .filter((r) => r.strategy === strategy && panel.valueOf(r).value !== null)
        .map((row) => {
          const { value, lower, upper } = panel.valueOf(row);
          const py = y(value!);
          const whiskered = !row.mostlyUnreadable && lower !== null && upper !== null;
          return {
            row,
            px: x(row.k) + dodge(strategy),
            py,
            top: whiskered ? Math.min(py, y(upper)) : py,
            bottom: whiskered ? Math.max(py, y(lower)) : py,
          };
        }),
    );
  }
  // What a label must not cover: the points with their whiskers, and the lines between them.
  const boxes: Box[] = [...placed.values()]
    .flat()
    .map((p) => ({ left: p.px - 7, right: p.px + 7, top: p.top - 6, bottom: p.bottom + 6 }));
  const segments: Segment[] = [...placed.values()].flatMap((points) =>
    points.slice(1).map((b, i) => ({ x1: points[i]!.px, y1: points[i]!.py, x2: b.px, y2: b.py })),
  );

  const out: SvgNode[] = [
    el(
      'text',
      { x: plot.left, y: plot.top - 12, 'font-size': FONT_SIZE, 'font-weight': 600, 'data-part': 'panel-title' },
      panel.heading,
    ),
    shareAxisY(plot, y, panel.axisTitle),
    el(
      'g',
      { 'data-part': 'x-axis' },
      ...ks.map((k) =>
        el('text', { x: x(k), y: plot.bottom + 16, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE }, String(k)),
      ),
      runK !== undefined &&
        el(
          'text',
          {
            x: x(runK),
            y: plot.bottom + 29,
            'text-anchor': 'middle',
            'font-size': SMALL_FONT_SIZE,
            'fill-opacity': 0.75,
          },
          "run's k",
        ),
    ),
    axisTitleX(plot, 'k (demonstrations in the prompt)', plot.bottom + 48),
  ];

  // The re-test control: chance. Its name goes where it covers no point, whisker or line: at the right or the
  // left end, or between two ks, above its line or below.
  const where = sliceFilter(slice);
  const retestFilter: MarkFilter = { ...where, condition: RETEST_CONTROL, misaligned: true };
  const retestName = `${RETEST_TEXT}, ${pairLabel(slice)}, ${slice.model}`;
  const retestAt = panel.id === 'improved' ? retest.retestImprovedShare : retest.retestMeanAlignment;
  if (retestAt !== null) {
    const ly = y(retestAt);
    const xs: [number, Anchor][] = [
      [plot.right - 4, 'end'],
      [plot.left + 4, 'start'],
      ...ks.slice(1).map((k, i): [number, Anchor] => [(x(ks[i]!) + x(k)) / 2, 'middle']),
    ];
    const spot = placeLabel(
      RETEST_TEXT,
      xs.flatMap(([lx, anchor]) => [
        { x: lx, y: ly - 5, anchor },
        { x: lx, y: ly + 14, anchor },
      ]),
      plot,
      boxes,
      segments,
    );
    const label = labelText(RETEST_TEXT, spot, 'retest-label');
    boxes.push(labelBox(RETEST_TEXT, spot));
    boxes.push({ left: plot.left, right: plot.right, top: ly - 2, bottom: ly + 2 });
    const dashed = el('line', {
      x1: plot.left,
      x2: plot.right,
      y1: ly,
      y2: ly,
      stroke: RETEST_COLOUR,
      'stroke-width': 1.5,
      'stroke-dasharray': '5 3',
      'data-part': 'retest-line',
    });
    if (panel.id === 'improved') {
      const band = {
        top: y(retest.retestImprovedShareUpper),
        bottom: y(retest.retestImprovedShareLower),
      };
      out.push(
        mark(
          'bar',
          retestFilter,
          `${retestName}: improved ${pct1(retestAt)} (${ciText(retest.retestImprovedShareLower, retest.retestImprovedShareUpper)}), ` +
            `${retest.retestImprovedCount} misaligned probes improved on measuring again`,
          el('rect', {
            x: plot.left,
            y: band.top,
            width: plot.right - plot.left,
            height: band.bottom - band.top,
            fill: RETEST_COLOUR,
            'fill-opacity': 0.2,
            'data-part': 'retest-band',
            'data-control': 'true',
          }),
          dashed,
          label,
        ),
      );
    } else {
      out.push(
        mark(
          'bar',
          retestFilter,
          `${retestName}: mean alignment ${pct1(retestAt)}`,
          // A wider, invisible line under the dashed one: something to point at.
          el('line', {
            x1: plot.left,
            x2: plot.right,
            y1: ly,
            y2: ly,
            stroke: RETEST_COLOUR,
            'stroke-opacity': 0,
            'stroke-width': 8,
          }),
          dashed,
          label,
        ),
      );
    }
  }

  // The curves first, the points over them.
  for (const strategy of strategies) {
    const colour = conditionColour(strategy);
    const points = placed.get(strategy)!;
    // Solid between readable points, dotted where one end has no readable answer.
    for (let i = 1; i < points.length; i++) {
      const [a, b] = [points[i - 1]!, points[i]!];
      const faint = a.row.mostlyUnreadable || b.row.mostlyUnreadable;
      out.push(
        el('line', {
          x1: a.px,
          y1: a.py,
          x2: b.px,
          y2: b.py,
          stroke: colour,
          'stroke-width': 2,
          'stroke-opacity': faint ? 0.5 : 1,
          'stroke-dasharray': faint ? '2 3' : undefined,
          'data-part': 'curve',
          'data-condition': strategy,
        }),
      );
    }
  }
  for (const strategy of strategies) {
    const colour = conditionColour(strategy);
    for (const { row, px, py } of placed.get(strategy)!) {
      const value = panel.valueOf(row);
      const label =
        `${conditionLabel(strategy)}, ${kWords(row)}, ${pairLabel(slice)}, ${slice.model}: ` +
        `${panel.words(row)}; ${unreadableWords(row)}`;
      const filter: MarkFilter = { ...where, condition: row.condition, misaligned: true };
      if (row.mostlyUnreadable) {
        // Beside the point, where it covers nothing else: right, left, then above or below.
        const spot = placeLabel(
          NO_READABLE_ANSWER,
          [
            { x: px + 12, y: py + 4, anchor: 'start' },
            { x: px + 12, y: py - 7, anchor: 'start' },
            { x: px + 12, y: py + 15, anchor: 'start' },
            { x: px - 12, y: py + 4, anchor: 'end' },
            { x: px - 12, y: py - 7, anchor: 'end' },
            { x: px - 12, y: py + 15, anchor: 'end' },
            { x: px, y: py - 12, anchor: 'middle' },
            { x: px, y: py + 20, anchor: 'middle' },
            // Farther off, where the points crowd.
            ...[-26, 34].flatMap((dy): Spot[] => [
              { x: px - 4, y: py + dy, anchor: 'end' },
              { x: px + 4, y: py + dy, anchor: 'start' },
            ]),
          ],
          plot,
          boxes,
          segments,
        );
        boxes.push(labelBox(NO_READABLE_ANSWER, spot));
        out.push(
          mark(
            'point',
            filter,
            label,
            el('circle', {
              cx: px,
              cy: py,
              r: POINT_RADIUS + 0.5,
              fill: 'none',
              stroke: UNREADABLE_COLOUR,
              'stroke-width': 2.5,
              'data-part': 'point',
              'data-unreadable': 'true',
            }),
            ringOutline(px, py),
            labelText(NO_READABLE_ANSWER, spot, 'unreadable-label'),
          ),
        );
        continue;
      }
      out.push(
        mark(
          'point',
          filter,
          label,
          ...(value.lower !== null && value.upper !== null
            ? whisker(px, y(value.lower), y(value.upper), 7).map((w) => ({
                ...w,
                attrs: { ...w.attrs, stroke: colour },
              }))
            : []),
          el('circle', {
            cx: px,
            cy: py,
            r: POINT_RADIUS,
            fill: colour,
            stroke: '#ffffff',
            'stroke-width': 1,
            'data-part': 'point',
          }),
        ),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Labels that keep clear of the marks

type Anchor = 'start' | 'middle' | 'end';

interface Spot {
  x: number;
  /** The baseline. */
  y: number;
  anchor: Anchor;
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** The room a small label takes (estimated, as everywhere: no DOM to measure with). */
function labelBox(text: string, { x, y, anchor }: Spot): Box {
  const width = textWidth(text, SMALL_FONT_SIZE);
  const left = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
  return { left, right: left + width, top: y - SMALL_FONT_SIZE + 1, bottom: y + 3 };
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/** Whether a line crosses a box: sampled along its length, finely enough for a label's height. */
function crosses(s: Segment, box: Box): boolean {
  const steps = Math.max(1, Math.ceil(Math.hypot(s.x2 - s.x1, s.y2 - s.y1) / 3));
  for (let i = 0; i <= steps; i++) {
    const px = s.x1 + ((s.x2 - s.x1) * i) / steps;
    const py = s.y1 + ((s.y2 - s.y1) * i) / steps;
    if (px >= box.left && px <= box.right && py >= box.top && py <= box.bottom) return true;
  }
  return false;
}

/** The first spot inside the plot whose label covers nothing; else the one that covers least. */
function placeLabel(text: string, spots: Spot[], plot: Plot, boxes: Box[], segments: Segment[]): Spot {
  let best = spots[0]!;
  let fewest = Infinity;
  for (const spot of spots) {
    const box = labelBox(text, spot);
    if (box.left < plot.left || box.right > plot.right || box.top < plot.top || box.bottom > plot.bottom) continue;
    const covered = boxes.filter((b) => overlaps(box, b)).length + segments.filter((s) => crosses(s, box)).length;
    if (covered === 0) return spot;
    if (covered < fewest) [best, fewest] = [spot, covered];
  }
  return best;
}

function labelText(text: string, { x, y, anchor }: Spot, part: string): SvgNode {
  return el(
    'text',
    { x, y, 'text-anchor': anchor, 'font-size': SMALL_FONT_SIZE, 'fill-opacity': 0.8, 'data-part': part },
    text,
  );
}

/** A thin outline round a hollow point, so its light ring reads on a light page too. */
function ringOutline(cx: number, cy: number, r = POINT_RADIUS + 2): SvgNode {
  return el('circle', {
    cx,
    cy,
    r,
    fill: 'none',
    stroke: 'currentColor',
    'stroke-opacity': 0.35,
    'stroke-width': 0.75,
  });
}

/** The legend's rings (the unreadable points' swatch) with the same outline as the points. */
function outlineRings(node: SvgNode): SvgNode {
  return {
    ...node,
    children: node.children.map((item) => {
      if (typeof item === 'string') return item;
      const ring = item.children.find(
        (c): c is SvgNode => typeof c !== 'string' && c.tag === 'circle' && c.attrs.fill === 'none',
      );
      return ring
        ? { ...item, children: [...item.children, ringOutline(Number(ring.attrs.cx), Number(ring.attrs.cy), 6)] }
        : item;
    }),
  };
}
