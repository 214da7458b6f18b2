// Fig. 8/10: the share of misaligned probes improved, per WVS category (rows) and language (columns), as a heat map
// for one model and one strategy (chrF++ (all), the paper's main strategy, when it was run); each cell reads
// "improved/n".

import type { CONDITIONS } from '../method.js';
import { CAPTION_HEIGHT, ciText, FONT_SIZE, mark, pct1, rampLegend, SMALL_FONT_SIZE, textWidth } from './layout.js';
import { conditionLabel, contrastText, isRetestControl, shareColour, UNREADABLE_COLOUR } from './palette.js';
import {
  captionOf,
  chooseSlice,
  compareConditions,
  DEFAULT_SIZE,
  emptyChart,
  finish,
  key,
  languagePairs,
  pairLabel,
  sortedDistinct,
  withSuffix,
  type Chart,
  type ChartOptions,
  type Tables,
  unreadableText,
} from './figure.js';
import { el, type SvgNode } from './svg.js';

/** The strategy the paper reports throughout (chrF++ over all categories). */
const PAPER_MAIN_STRATEGY = 'chrf-all' satisfies (typeof CONDITIONS)[number];

/**
 * The strategy the heat map shows: chrF++ (all) when it was run (the paper's main strategy), else the one whose
 * improved share the engine's per-model table puts highest; the re-test control only when nothing else was run.
 */
function categoryStrategy(tables: Tables, model: string, present: Set<string>): string | undefined {
  if (present.has(PAPER_MAIN_STRATEGY)) return PAPER_MAIN_STRATEGY;
  let best: { strategy: string; share: number } | undefined;
  const candidates = tables.improvementByModel
    .filter((r) => r.model === model && present.has(r.condition) && !isRetestControl(r.condition))
    .sort((a, b) => compareConditions(a.condition, b.condition));
  for (const row of candidates)
    if (row.improvedShare !== null && (!best || row.improvedShare > best.share))
      best = { strategy: row.condition, share: row.improvedShare };
  if (best) return best.strategy;
  const ordered = sortedDistinct(present, compareConditions);
  return ordered.find((s) => !isRetestControl(s)) ?? ordered[0];
}

export function categories(tables: Tables, options: ChartOptions): Chart {
  const slice = chooseSlice(tables, options);
  const model = slice?.model ?? options.model;
  const ofModel = tables.categories.filter((r) => r.model === model);
  const strategy =
    model === undefined ? undefined : categoryStrategy(tables, model, new Set(ofModel.map((r) => r.condition)));
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
  const rows = ofModel.filter((r) => r.condition === strategy);
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
      // A cell whose answers were mostly unreadable is blank, not coloured as a low improved share.
      const fill = row.mostlyUnreadable ? UNREADABLE_COLOUR : shareColour(row.improvedShare);
      const label =
        `${conditionLabel(strategy)}, ${pairLabel(pair)}, ${model}, ${row.categoryName}: ` +
        (row.mostlyUnreadable ? 'no readable answer; ' : '') +
        `improved ${pct1(row.improvedShare)} (${ciText(row.improvedShareLower, row.improvedShareUpper)}), ${row.improvedCount} of ${row.n} misaligned (${row.probes} probes); ` +
        `${unreadableText(row)} (answers giving neither option, before → after)`;
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
            row.mostlyUnreadable ? 'unreadable' : `${row.improvedCount}/${row.n}`,
          ),
        ),
      );
    });
  });
  return finish('categories', title, caption, { width, height }, [ramp.node, ...headers, ...empty, ...cells]);
}
