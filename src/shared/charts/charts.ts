// The report's figures (Choenni & Shutova, 2024: Table 1, Fig. 2–10, and our soft-alignment scatter and k curve) as
// SVG trees, drawn from the engine's `results.tables` and nothing else: every share, count and interval shown is one the
// tables give. The code only lays them out: scales, positions, colours, labels. The window shows the trees and
// the CLI writes them as .svg files (`selfalign report --charts`), so both show the same pictures.
//
// One module per figure, named after what it shows: table1-outcomes.ts (Table 1), strategy-outcomes.ts (Fig. 2/4),
// error-histograms.ts (Fig. 3/6 and 5/9), misaligned-by-language.ts (Fig. 7), category-heatmap.ts (Fig. 8/10),
// soft-alignment.ts (the scatter) and k-curve.ts (improved share and alignment against k, issue 24); what they
// share is in figure.ts. d3 is used only for its DOM-free parts (scales, number formats); the tree is built with
// `el` from svg.ts.

import type { CommandResult } from '../contract.js';
import { categories } from './category-heatmap.js';
import { errorReduction, zeroShotErrors } from './error-histograms.js';
import { CHART_IDS, type Chart, type ChartId, type ChartOptions, type Tables } from './figure.js';
import { kCurve } from './k-curve.js';
import { misaligned } from './misaligned-by-language.js';
import { softAlignment } from './soft-alignment.js';
import { strategies } from './strategy-outcomes.js';
import { table1 } from './table1-outcomes.js';

const BUILDERS: Record<ChartId, (tables: Tables, options: ChartOptions) => Chart> = {
  table1,
  strategies,
  'error-reduction': errorReduction,
  'zero-shot-errors': zeroShotErrors,
  misaligned,
  categories,
  'soft-alignment': softAlignment,
  'k-curve': kCurve,
};

/** One chart of a run's tables. */
export function buildChart(id: ChartId, tables: CommandResult<'results.tables'>, options: ChartOptions): Chart {
  return BUILDERS[id](tables, options);
}

/** All of them, in CHART_IDS order. */
export function buildCharts(tables: CommandResult<'results.tables'>, options: ChartOptions): Chart[] {
  return CHART_IDS.map((id) => buildChart(id, tables, options));
}
