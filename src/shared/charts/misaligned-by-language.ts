// Fig. 7: the share of probes misaligned zero-shot, per language and model, every language of the run (not only
// the chosen one), as bars with their 95% intervals. Each bar is split: below, the probes answered against the
// target (in the model's colour); above, in the blank of unreadable answers, those with no readable answer, which
// are misaligned by the paper's rule but say nothing about the model's values.

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
  type Plot,
} from './layout.js';
import { SERIES_COLOURS, UNREADABLE_COLOUR } from './palette.js';
import {
  AXIS_LEFT,
  captionOf,
  DEFAULT_SIZE,
  emptyChart,
  finish,
  key,
  languagePairs,
  pairLabel,
  shareScale,
  sortedDistinct,
  type Chart,
  type ChartOptions,
  type Tables,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

export function misaligned(tables: Tables, options: ChartOptions): Chart {
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
  const anyUnreadable = rows.some((r) => r.unreadableCount > 0);
  const key_ = legend(
    [
      ...models.map((m) => ({ label: m, kind: 'square' as const, colour: colourOf(m) })),
      ...(anyUnreadable
        ? [{ label: 'of which no readable answer', kind: 'square' as const, colour: UNREADABLE_COLOUR }]
        : []),
    ],
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
      const barX = (x(pairLabel(pair)) ?? 0) + (inner(model) ?? 0) + (inner.bandwidth() - barWidth) / 2;
      const bar = shareBar(
        y,
        barX,
        barWidth,
        { share: row.misalignedShare, lower: row.misalignedShareLower, upper: row.misalignedShareUpper },
        colourOf(model),
        false,
        { model, language: pair.language, country: pair.country, condition: ZERO_SHOT, misaligned: true },
        `${model}, ${pairLabel(pair)}: misaligned ${row.misalignedShare === null ? '—' : pct1(row.misalignedShare)} ` +
          `(${ciText(row.misalignedShareLower, row.misalignedShareUpper)}), ${row.misalignedCount} of ${row.probes} probes: ` +
          `${row.answeredAgainstCount} answered against the target, ${row.unreadableCount} with no readable answer`,
      );
      if (!bar) continue;
      bars.push(bar);
      // The misaligned with no readable answer, as the top of the bar in the blank of unreadable answers: inside
      // the bar's mark, after its rectangle and before its whisker, so the interval stays drawn over it.
      if (row.unreadableShare !== null && row.answeredAgainstShare !== null && row.unreadableCount > 0) {
        const top = y(row.answeredAgainstShare + row.unreadableShare);
        const afterRect = bar.children.findIndex((c) => typeof c !== 'string' && c.attrs['data-part'] === 'bar') + 1;
        bar.children.splice(
          afterRect,
          0,
          el('rect', {
            x: barX,
            y: top,
            width: barWidth,
            height: y(row.answeredAgainstShare) - top,
            fill: UNREADABLE_COLOUR,
            stroke: colourOf(model),
            'stroke-width': 1,
            'data-part': 'unreadable',
          }),
        );
      }
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
