// The pieces every chart is made of: the root with its caption, axes, whiskers, legends, the "No data yet" text
// and the marks (the clickable, focusable elements that carry a probe-explorer filter and their numbers). Text sizes
// are estimated, not measured: there is no DOM to measure with, and an estimate is the same on every machine.

import { format, type ScaleLinear } from 'd3';
import { el, type SvgNode } from './svg.js';

export const FONT_FAMILY = 'system-ui, sans-serif';
/** Axis titles, legends, labels. */
export const FONT_SIZE = 12;
/** Tick labels, cell text, the caption: the smallest text of any chart. */
export const SMALL_FONT_SIZE = 11;
/** Room for the caption line under every chart. */
export const CAPTION_HEIGHT = 26;
/** Gridlines: currentColor, faint, so they read on a light and a dark background. */
const GRID_OPACITY = 0.15;

/** About how wide a text is: system-ui averages a little over half an em a character. */
export function textWidth(text: string, size = FONT_SIZE): number {
  return text.length * size * 0.6;
}

export type Outcome = 'improved' | 'unchanged' | 'worsened';

/** The probe explorer's filter a mark stands for: only ProbeFilter's keys, and a point's probeId. */
export interface MarkFilter {
  model?: string | undefined;
  language?: string | undefined;
  country?: string | undefined;
  condition?: string | undefined;
  category?: number | undefined;
  outcome?: Outcome | undefined;
  gatedOutcome?: Outcome | undefined;
  misaligned?: boolean | undefined;
  /** Points only: the probe itself (ProbeFilter has no such key; the window opens the probe instead). */
  probeId?: string;
}

const FILTER_KEYS = [
  'model',
  'language',
  'country',
  'condition',
  'category',
  'outcome',
  'gatedOutcome',
  'misaligned',
  'probeId',
] as const;

/** The filter as JSON with its keys in one fixed order, so the same mark gives the same text every time. */
export function filterJson(filter: MarkFilter): string {
  const ordered: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) if (filter[key] !== undefined) ordered[key] = filter[key];
  return JSON.stringify(ordered);
}

/**
 * A mark: a group that is focusable, named for screen readers and hover alike by `label`, and that says which probes
 * it stands for in `data-filter`. The window opens the probe explorer with that filter on click or Enter.
 */
export function mark(
  kind: 'bar' | 'cell' | 'point',
  filter: MarkFilter,
  label: string,
  ...children: (SvgNode | null | undefined | false)[]
): SvgNode {
  return el(
    'g',
    { 'data-mark': kind, 'data-filter': filterJson(filter), tabindex: 0, role: 'graphics-symbol', 'aria-label': label },
    el('title', {}, label),
    ...children,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Numbers as text

const percent0 = format('.0%');
const percent1 = format('.1%');
const fixed1 = format('.1f');

/** 0.731 → "73%". */
export function pct0(share: number): string {
  return percent0(share);
}

/** 0.731 → "73.1%". */
export function pct1(share: number): string {
  return percent1(share);
}

/** A 95% interval as "95% CI 65.0–80.0%". */
export function ciText(lower: number, upper: number): string {
  return `95% CI ${fixed1(lower * 100)}–${fixed1(upper * 100)}%`;
}

// ---------------------------------------------------------------------------------------------------------------
// The chart's frame

export interface Size {
  width: number;
  height: number;
}

/** The plot area in pixels: left/right are x, top/bottom are y (bottom > top). */
export interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The root <svg>: its name for screen readers, a <title>, the body, and the caption line at the bottom. */
export function chartRoot(
  size: Size,
  title: string,
  caption: string,
  body: (SvgNode | null | undefined | false)[],
): SvgNode {
  return el(
    'svg',
    {
      viewBox: `0 0 ${size.width} ${size.height}`,
      width: size.width,
      height: size.height,
      role: 'img',
      'aria-label': title,
      'font-family': FONT_FAMILY,
      'font-size': FONT_SIZE,
      // Text and anything without a fill of its own takes the page's colour (light or dark theme).
      fill: 'currentColor',
    },
    el('title', {}, title),
    ...body,
    el(
      'text',
      { x: 12, y: size.height - 9, 'font-size': SMALL_FONT_SIZE, 'fill-opacity': 0.75, 'data-part': 'caption' },
      caption,
    ),
  );
}

/** What a chart shows when its tables hold nothing to draw: a centred line instead of empty axes. */
export function noData(size: Size): SvgNode {
  return el(
    'text',
    {
      x: size.width / 2,
      y: (size.height - CAPTION_HEIGHT) / 2,
      'text-anchor': 'middle',
      'dominant-baseline': 'middle',
      'font-size': 14,
      'fill-opacity': 0.7,
      'data-part': 'no-data',
    },
    'No data yet',
  );
}

/** A text of several lines (tspans), the first at `y`, each next one line-height lower. */
export function lines(
  x: number,
  y: number,
  texts: string[],
  attrs: Record<string, string | number | undefined> = {},
  lineHeight = 13,
): SvgNode {
  return el(
    'text',
    { x, y, ...attrs },
    ...texts.map((text, i) => el('tspan', { x, dy: i === 0 ? 0 : lineHeight }, text)),
  );
}

/**
 * A label broken for a narrow place: at ", " first ("chrF++ (all), flipped labels" gives "chrF++ (all)," and
 * "flipped labels"; "[10%, 20%)"), then at " (" ("chrF++ (category)" gives "chrF++" and "(category)"), then at
 * spaces, into lines of about `maxChars` characters.
 */
export function wrapLabel(text: string, maxChars: number): string[] {
  if (text.length <= maxChars) return [text];
  const comma = text.indexOf(', ');
  if (comma > 0)
    return [...wrapLabel(text.slice(0, comma + 1), maxChars), ...wrapLabel(text.slice(comma + 2), maxChars)];
  const paren = text.indexOf(' (');
  if (paren > 0) return [text.slice(0, paren), ...wrapLabel(text.slice(paren + 1), maxChars)];
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && (line + ' ' + word).length > maxChars) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Axes

/**
 * A y axis of shares: gridlines across the plot (currentColor, faint), tick labels in percent, the baseline, and
 * the axis title turned upright along the left edge.
 */
export function shareAxisY(
  plot: Plot,
  y: ScaleLinear<number, number>,
  title: string,
  tickFormat: (v: number) => string = pct0,
): SvgNode {
  const ticks = y.ticks(5);
  return el(
    'g',
    { 'data-part': 'y-axis' },
    ...ticks.map((t) =>
      el('line', {
        x1: plot.left,
        x2: plot.right,
        y1: y(t),
        y2: y(t),
        stroke: 'currentColor',
        'stroke-opacity': t === 0 ? 0.6 : GRID_OPACITY,
        'data-part': 'grid',
      }),
    ),
    ...ticks.map((t) =>
      el(
        'text',
        { x: plot.left - 6, y: y(t), dy: '0.32em', 'text-anchor': 'end', 'font-size': SMALL_FONT_SIZE },
        tickFormat(t),
      ),
    ),
    axisTitleY(plot, title),
  );
}

export function axisTitleY(plot: Plot, title: string, offset = 46): SvgNode {
  const x = plot.left - offset;
  const y = (plot.top + plot.bottom) / 2;
  return el(
    'text',
    {
      x,
      y,
      transform: `rotate(-90 ${x} ${y})`,
      'text-anchor': 'middle',
      'font-size': FONT_SIZE,
      'data-part': 'axis-title',
    },
    title,
  );
}

export function axisTitleX(plot: Plot, title: string, y: number): SvgNode {
  return el(
    'text',
    { x: (plot.left + plot.right) / 2, y, 'text-anchor': 'middle', 'font-size': FONT_SIZE, 'data-part': 'axis-title' },
    title,
  );
}

/** A band label as bandLabelsX breaks it for the room it has. */
export function bandLabelLines(text: string, width: number): string[] {
  return wrapLabel(text, Math.max(6, Math.floor(width / (SMALL_FONT_SIZE * 0.6))));
}

/** Category labels under the plot, each centred at its x and wrapped to the room it has. */
export function bandLabelsX(plot: Plot, labels: { x: number; text: string; width: number }[]): SvgNode {
  return el(
    'g',
    { 'data-part': 'x-axis' },
    ...labels.map(({ x, text, width }) =>
      lines(x, plot.bottom + 15, bandLabelLines(text, width), {
        'text-anchor': 'middle',
        'font-size': SMALL_FONT_SIZE,
      }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Bars and whiskers

/** A 95% interval as a vertical line from lower to upper with short caps at both ends. */
export function whisker(x: number, yLower: number, yUpper: number, capWidth: number): SvgNode[] {
  const stroke = { stroke: 'currentColor', 'stroke-width': 1.2 };
  const half = capWidth / 2;
  return [
    el('line', { x1: x, x2: x, y1: yLower, y2: yUpper, ...stroke, 'data-part': 'whisker' }),
    el('line', { x1: x - half, x2: x + half, y1: yLower, y2: yLower, ...stroke, 'data-part': 'whisker-cap' }),
    el('line', { x1: x - half, x2: x + half, y1: yUpper, y2: yUpper, ...stroke, 'data-part': 'whisker-cap' }),
  ];
}

/**
 * How a bar of the re-test control differs from a strategy's: a pale fill with a dashed outline in the same colour,
 * so it reads as "measured again, no demonstrations" beside the solid strategy bars.
 */
export function fillStyle(colour: string, control: boolean): Record<string, string | number> {
  return control
    ? {
        fill: colour,
        'fill-opacity': 0.3,
        stroke: colour,
        'stroke-width': 1.5,
        'stroke-dasharray': '4 2',
        'data-control': 'true',
      }
    : { fill: colour };
}

export interface ShareValue {
  share: number | null;
  lower: number;
  upper: number;
}

/**
 * A bar of a share from the baseline up, with its interval; null (no probes) gives no bar at all. The bar's height
 * is y(0) − y(share): the linear scale is the only thing between a share and its pixels.
 */
export function shareBar(
  y: ScaleLinear<number, number>,
  x: number,
  width: number,
  value: ShareValue,
  colour: string,
  control: boolean,
  filter: MarkFilter,
  label: string,
  /** Draw the 95% interval; a histogram leaves it off its empty bins, where it would only clutter (it stays in the label). */
  withInterval = true,
): SvgNode | null {
  if (value.share === null) return null;
  const top = y(value.share);
  return mark(
    'bar',
    filter,
    label,
    el('rect', { x, y: top, width, height: y(0) - top, ...fillStyle(colour, control), 'data-part': 'bar' }),
    ...(withInterval ? whisker(x + width / 2, y(value.lower), y(value.upper), Math.min(8, width * 0.6)) : []),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Legends

export interface LegendItem {
  label: string;
  /** How the swatch looks: a filled square (optionally as the re-test control), a dot, or a dashed line. */
  kind: 'square' | 'control' | 'dot' | 'ring' | 'line';
  colour: string;
}

function swatch(item: LegendItem, x: number, y: number): SvgNode {
  switch (item.kind) {
    case 'square':
      return el('rect', { x, y: y - 9, width: 12, height: 12, fill: item.colour });
    case 'control':
      return el('rect', { x: x + 0.75, y: y - 8.25, width: 10.5, height: 10.5, ...fillStyle(item.colour, true) });
    case 'dot':
      return el('circle', { cx: x + 6, cy: y - 3, r: 5, fill: item.colour });
    case 'ring':
      return el('circle', { cx: x + 6, cy: y - 3, r: 4.5, fill: 'none', stroke: item.colour, 'stroke-width': 1.5 });
    case 'line':
      return el('line', {
        x1: x,
        x2: x + 12,
        y1: y - 3,
        y2: y - 3,
        stroke: item.colour,
        'stroke-width': 1.5,
        'stroke-dasharray': '4 3',
      });
  }
}

/**
 * A legend from (x, y), item after item along a line and onto the next line when `maxRight` is reached, or one
 * item a line when `vertical`. Returns the node and the height it takes.
 */
export function legend(
  items: LegendItem[],
  x: number,
  y: number,
  maxRight: number,
  vertical = false,
  heading?: string,
): { node: SvgNode; height: number } {
  const lineHeight = 18;
  const children: SvgNode[] = [];
  let cx = x;
  let cy = y + 12;
  if (heading) {
    children.push(el('text', { x: cx, y: cy, 'font-size': FONT_SIZE, 'font-weight': 600 }, heading));
    if (vertical) cy += lineHeight;
    else cx += textWidth(heading) + 10;
  }
  for (const item of items) {
    const width = 18 + textWidth(item.label, FONT_SIZE) + 16;
    if (!vertical && cx > x && cx + width > maxRight) {
      cx = x;
      cy += lineHeight;
    }
    children.push(
      el(
        'g',
        { 'data-part': 'legend-item' },
        swatch(item, cx, cy),
        el('text', { x: cx + 18, y: cy, 'font-size': FONT_SIZE }, item.label),
      ),
    );
    if (vertical) cy += lineHeight;
    else cx += width;
  }
  const height = (vertical ? cy - lineHeight : cy) - y + 6;
  return { node: el('g', { 'data-part': 'legend' }, ...children), height };
}

/** The sequential ramp's key: a row of swatches at 0%, 25%, …, 100%, each labelled. */
export function rampLegend(
  x: number,
  y: number,
  heading: string,
  colourOf: (share: number) => string,
): { node: SvgNode; width: number } {
  const steps = [0, 0.25, 0.5, 0.75, 1];
  const headingWidth = textWidth(heading) + 8;
  const step = 50;
  return {
    node: el(
      'g',
      { 'data-part': 'legend' },
      el('text', { x, y: y + 12, 'font-size': FONT_SIZE }, heading),
      ...steps.map((s, i) =>
        el(
          'g',
          { 'data-part': 'legend-item' },
          el('rect', { x: x + headingWidth + i * step, y: y + 1, width: 14, height: 14, fill: colourOf(s) }),
          el('text', { x: x + headingWidth + i * step + 17, y: y + 12, 'font-size': SMALL_FONT_SIZE }, pct0(s)),
        ),
      ),
    ),
    width: headingWidth + steps.length * step,
  };
}
