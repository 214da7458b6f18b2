// The probe detail's chart: the country's respondents and each condition's answers side by side, as one
// horizontal bar each split into the target answer, the other answer and invalid responses. Drawn from the
// engine's probe detail (results.probe), like every chart: nothing is computed here but the layout.

import { scaleBand, scaleLinear } from 'd3';
import type { CommandResult } from '../contract.js';
import { CAPTION_HEIGHT, chartRoot, legend, mark, pct1, SMALL_FONT_SIZE, textWidth } from './layout.js';
import { conditionLabel, OKABE_ITO, UNREADABLE_COLOUR } from './palette.js';
import { el, type SvgNode } from './svg.js';

type ProbeDetail = CommandResult<'results.probe'>;

/** The three parts of an answer distribution, the same colours on every probe. */
export const ANSWER_COLOURS = { target: OKABE_ITO.blue, other: OKABE_ITO.orange, invalid: UNREADABLE_COLOUR } as const;

export interface DistributionChart {
  id: 'distribution';
  title: string;
  caption: string;
  width: number;
  height: number;
  svg: SvgNode;
}

export function buildDistributionChart(detail: ProbeDetail): DistributionChart {
  const options = detail.probe?.options ?? ['option 1', 'option 2'];
  const targetText = options[detail.targetOption - 1]!;
  const otherText = options[2 - detail.targetOption]!;
  const rows = [
    {
      label: `${detail.country} respondents`,
      target: detail.targetShares[detail.targetOption - 1]!,
      other: detail.targetShares[2 - detail.targetOption]!,
      invalid: 0,
      condition: undefined as string | undefined,
    },
    ...detail.conditions.map((c) => ({
      label: conditionLabel(c.condition),
      target: detail.targetOption === 1 ? c.distribution.option1 : c.distribution.option2,
      other: detail.targetOption === 1 ? c.distribution.option2 : c.distribution.option1,
      invalid: c.distribution.invalid,
      condition: c.condition as string | undefined,
    })),
  ];
  const width = 760;
  const labelWidth = Math.max(...rows.map((r) => textWidth(r.label))) + 16;
  const rowHeight = 26;
  const top = 40;
  const plot = { left: labelWidth + 12, right: width - 20, top, bottom: top + rows.length * rowHeight };
  const height = plot.bottom + 34 + CAPTION_HEIGHT;
  const x = scaleLinear().domain([0, 1]).range([plot.left, plot.right]);
  const y = scaleBand<number>()
    .domain(rows.map((_, i) => i))
    .range([plot.top, plot.bottom])
    .padding(0.25);
  const title = `${detail.probe?.id ?? 'Probe'}: answers of the respondents and the model`;
  const key = legend(
    [
      { label: `target: ${targetText}`, kind: 'square', colour: ANSWER_COLOURS.target },
      { label: `other: ${otherText}`, kind: 'square', colour: ANSWER_COLOURS.other },
      { label: 'unreadable (neither option)', kind: 'square', colour: ANSWER_COLOURS.invalid },
    ],
    plot.left,
    8,
    plot.right,
  );
  const body: SvgNode[] = [key.node];
  rows.forEach((row, i) => {
    const band = y(i)!;
    const parts = [
      { name: 'target', share: row.target, colour: ANSWER_COLOURS.target },
      { name: 'other', share: row.other, colour: ANSWER_COLOURS.other },
      { name: 'invalid', share: row.invalid, colour: ANSWER_COLOURS.invalid },
    ];
    let start = 0;
    const segments = parts.map((part) => {
      const segment = el('rect', {
        x: x(start),
        y: band,
        width: Math.max(0, x(start + part.share) - x(start)),
        height: y.bandwidth(),
        fill: part.colour,
        // The light blank of unreadable answers is outlined, so it shows against the page.
        ...(part.name === 'invalid' && part.share > 0 ? { stroke: OKABE_ITO.grey, 'stroke-width': 0.75 } : {}),
        'data-part': part.name,
      });
      start += part.share;
      return segment;
    });
    const label = `${row.label}: target ${pct1(row.target)}, other ${pct1(row.other)}${row.condition ? `, unreadable ${pct1(row.invalid)}` : ''}`;
    body.push(
      el(
        'text',
        {
          x: plot.left - 10,
          y: band + y.bandwidth() / 2,
          'text-anchor': 'end',
          'dominant-baseline': 'middle',
          'font-size': SMALL_FONT_SIZE,
        },
        row.label,
      ),
      mark('bar', row.condition ? { condition: row.condition } : {}, label, ...segments),
    );
  });
  for (const tick of x.ticks(5)) {
    body.push(
      el('line', {
        x1: x(tick),
        x2: x(tick),
        y1: plot.top - 4,
        y2: plot.bottom,
        stroke: 'currentColor',
        'stroke-opacity': 0.15,
      }),
      el(
        'text',
        { x: x(tick), y: plot.bottom + 14, 'text-anchor': 'middle', 'font-size': SMALL_FONT_SIZE },
        `${Math.round(tick * 100)}%`,
      ),
    );
  }
  body.push(
    el('text', { x: (plot.left + plot.right) / 2, y: plot.bottom + 30, 'text-anchor': 'middle' }, 'share of answers'),
  );
  const caption = `Run ${detail.runId} · model ${detail.model} · ${detail.language}/${detail.country}`;
  return { id: 'distribution', title, caption, width, height, svg: chartRoot({ width, height }, title, caption, body) };
}
