// Table 1: outcomes among misaligned probes, as a grid of languages × models × conditions. Each cell is coloured
// by its improved share and gives the improved, unchanged and worsened shares, a strip of the three, and the
// number of misaligned probes and how many answers were unreadable; the re-test control's cells are dashed. A cell
// whose answers were mostly unreadable is drawn blank ("no readable answer") instead of in the outcome colours: its
// "unchanged" would say nothing about the model's values. The paper's rule or the gated outcome.

import {
  CAPTION_HEIGHT,
  ciText,
  legend,
  lines,
  mark,
  pct0,
  pct1,
  rampLegend,
  SMALL_FONT_SIZE,
  textWidth,
  type LegendItem,
  type Outcome,
  type ShareValue,
} from './layout.js';
import {
  conditionLabel,
  contrastText,
  isRetestControl,
  OUTCOME_COLOURS,
  shareColour,
  UNREADABLE_COLOUR,
} from './palette.js';
import {
  captionOf,
  compareConditions,
  DEFAULT_SIZE,
  emptyChart,
  finish,
  key,
  languagePairs,
  OUTCOMES,
  outcomeShares,
  pairLabel,
  ruleText,
  sliceFilter,
  sortedDistinct,
  type Chart,
  type ChartOptions,
  type OutcomeRow,
  type Tables,
  unreadableText,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

function shareLine(what: string, value: ShareValue): string {
  return value.share === null ? `${what} —` : `${what} ${pct1(value.share)} (${ciText(value.lower, value.upper)})`;
}

export function table1(tables: Tables, options: ChartOptions): Chart {
  const gated = options.rule === 'gated';
  const title = `Table 1: outcomes among misaligned probes (${ruleText(options.rule)})`;
  const caption = captionOf(options, 'all models', ruleText(options.rule));
  const rows = tables.outcomes;
  const models = sortedDistinct(rows.map((r) => r.model));
  const pairs = languagePairs(rows);
  const conditions = sortedDistinct(
    rows.map((r) => r.condition),
    compareConditions,
  );
  const byCell = new Map(rows.map((r) => [key(r.model, r.language, r.country, r.condition), r]));

  const cellWidth = 120;
  const cellHeight = 86;
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
  if (rows.some((r) => r.mostlyUnreadable && r.n > 0))
    keyItems.push({ label: 'no readable answer (mostly unreadable)', kind: 'square', colour: UNREADABLE_COLOUR });
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
        cells.push(
          row.mostlyUnreadable
            ? unreadableCell(row, condition, x, y, cellWidth, cellHeight)
            : table1Cell(row, shares, condition, x, y, cellWidth, cellHeight, gated),
        );
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
    `${OUTCOMES.map((o) => shareLine(o, shares[o])).join(', ')} ${ofMisaligned}; ${unreadableText(row)} ` +
    '(mean share of answers giving neither option, before → after)';
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
    el(
      'text',
      {
        x: x + width / 2,
        y: y + 65,
        'text-anchor': 'middle',
        'font-size': SMALL_FONT_SIZE,
        fill: ink,
        'data-part': 'unreadable',
      },
      unreadableText(row, true),
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

/** A cell whose answers were mostly unreadable: no outcome colours, what was unreadable, and the same link. */
function unreadableCell(
  row: OutcomeRow,
  condition: string,
  x: number,
  y: number,
  width: number,
  height: number,
): SvgNode {
  const label =
    `${conditionLabel(condition)}, ${row.language}/${row.country}, ${row.model}: no readable answer. ` +
    `${unreadableText(row)} of the answers gave neither option (before → after), so the outcomes of its ` +
    `${row.n} misaligned probes say how the model answers the prompt's format, not what it thinks; ` +
    'no summary counts them.';
  const text = (dy: number, content: string, attributes: Record<string, string | number> = {}) =>
    el(
      'text',
      {
        x: x + width / 2,
        y: y + dy,
        'text-anchor': 'middle',
        'font-size': SMALL_FONT_SIZE,
        fill: '#000000',
        ...attributes,
      },
      content,
    );
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
      fill: UNREADABLE_COLOUR,
      stroke: '#000000',
      'stroke-opacity': 0.35,
      'stroke-dasharray': isRetestControl(condition) ? '4 2' : '1 3',
      'data-part': 'cell',
      'data-unreadable': 'true',
    }),
    text(22, 'no readable', { 'font-weight': 600 }),
    text(36, 'answer', { 'font-weight': 600 }),
    text(52, unreadableText(row, true), { 'data-part': 'unreadable' }),
    text(66, row.n === row.misaligned ? `n = ${row.n}` : `n = ${row.n} of ${row.misaligned}`),
  );
}
