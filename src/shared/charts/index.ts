// The charts both front ends draw: the window (React) and the CLI (`selfalign report --charts`, SVG files).
// Pure TypeScript over plain objects: no DOM, no zod at run time (types only from the contract).
export { el, svgToString, type SvgNode, type SvgStringOptions } from './svg.js';
export {
  CONDITION_COLOURS,
  conditionColour,
  conditionLabel,
  contrastText,
  isRetestControl,
  OKABE_ITO,
  OUTCOME_COLOURS,
  RETEST_CONTROL,
  SERIES_COLOURS,
  shareColour,
} from './palette.js';
export { buildChart, buildCharts } from './charts.js';
export { CHART_IDS, type Chart, type ChartId, type ChartOptions, type SoftPoint } from './figure.js';
export type { MarkFilter } from './layout.js';
export { loadSoftPoints } from './soft-points.js';
export { ANSWER_COLOURS, buildDistributionChart, type DistributionChart } from './distribution.js';
