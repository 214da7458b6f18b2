// The reviewer's controls read against the paper's condition (issue 24). Each control differs from one of the
// paper's conditions in one respect (its labels, k, placement, a persona sentence), and both are measured on the same
// misaligned probes, so the comparison is paired: per probe, the control's outcome and alignment minus the
// reference's, averaged over the probes measured under both, with a percentile bootstrap interval that resamples
// probes (the pairs stay together). And the k curve: a strategy's improved share and mean alignment against k, from
// its k controls and the strategy itself at the run's k, with the re-test control as the band of chance.

import {
  controlSpecOf,
  isSelectionStrategy,
  referenceOf,
  ZERO_SHOT_RETEST,
  type SelectionStrategy,
} from '../demos/index.js';
import type { ProbeRecord, StrategyResult } from '../experiment/index.js';
import { conditionWords } from './readings.js';
import {
  countMisaligned,
  languageGroups,
  mean,
  meanWithInterval,
  prepare,
  resultsOf,
  shareOf,
  strategiesIn,
  unreadableThresholdOf,
  wilsonColumns,
  type ResultsTableOptions,
  type WilsonColumns,
} from './results-tables.js';

/** One control against its reference in one model × language (controls.csv). */
export interface ControlComparisonRow {
  model: string;
  language: string;
  country: string;
  /** The control's id. */
  condition: string;
  /** The paper's condition it is read against: its strategy (persona: chrF++ (all) where the run has it). */
  reference: string;
  /** Misaligned probes of this model and language. */
  misaligned: number;
  /** Probes measured under both the control and the reference: the denominator of every share and mean. */
  n: number;
  /** Misaligned probes the control left out (another country without a majority on a demonstration's question). */
  leftOut: number;
  improvedShare: number | null;
  referenceImprovedShare: number | null;
  /** improvedShare − referenceImprovedShare, with its paired 95% bootstrap interval (probes resampled). */
  improvedDifference: number | null;
  improvedDifferenceLower: number | null;
  improvedDifferenceUpper: number | null;
  /** The mean share of target answers over the n probes. */
  meanAlignment: number | null;
  referenceMeanAlignment: number | null;
  alignmentDifference: number | null;
  alignmentDifferenceLower: number | null;
  alignmentDifferenceUpper: number | null;
  /**
   * The Jensen–Shannon distance between the model's answer shares and the country's (0: the same), over the
   * softN probes with readable answers under both: the reading the paper's §9 proposes for share labels.
   */
  softN: number;
  meanSoftAlignment: number | null;
  referenceMeanSoftAlignment: number | null;
  /** meanSoftAlignment − referenceMeanSoftAlignment (negative: closer to the country), with its paired interval. */
  softAlignmentDifference: number | null;
  softAlignmentDifferenceLower: number | null;
  softAlignmentDifferenceUpper: number | null;
  /** The mean share of unreadable responses over the n probes, under the control and under the reference. */
  meanInvalidShare: number | null;
  referenceMeanInvalidShare: number | null;
  /** Either is at least the run's unreadable threshold: the difference says how the model takes the format. */
  mostlyUnreadable: boolean;
  /** The comparison in words: "flipped labels: improved 31% vs 62%, difference −31 points [−40, −22]". */
  reading: string;
}

/** One point of the k curve (k-curve.csv): a strategy at one k, in one model × language. */
export interface KCurvePointRow extends WilsonColumns<'improved'>, WilsonColumns<'retestImproved'> {
  model: string;
  language: string;
  country: string;
  strategy: SelectionStrategy;
  k: number;
  /** The condition measured at this k: the strategy itself at the run's k, else its k control (chrf-all/k=3). */
  condition: string;
  /** Misaligned probes with a result for the condition: the denominator of its shares. */
  n: number;
  meanAlignment: number | null;
  meanAlignmentLower: number | null;
  meanAlignmentUpper: number | null;
  /** The re-test control's mean alignment over its misaligned probes (the band's middle). */
  retestMeanAlignment: number | null;
  meanInvalidShare: number | null;
  mostlyUnreadable: boolean;
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);
const signedPoints = (difference: number) => {
  const value = Math.round(difference * 100);
  return `${value > 0 ? '+' : value < 0 ? '−' : '±'}${Math.abs(value)}`;
};
const probes = (count: number) => `${count} ${count === 1 ? 'probe' : 'probes'}`;
const signedDistance = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
const points = (difference: number) =>
  `${signedPoints(difference)} ${Math.abs(Math.round(difference * 100)) === 1 ? 'point' : 'points'}`;

/** Every control of the records against its reference, per model × language, in report order. */
export function controlComparisonTable(
  input: readonly ProbeRecord[],
  options: ResultsTableOptions,
): ControlComparisonRow[] {
  const records = prepare(input);
  const conditions = strategiesIn(records);
  const controls = conditions.filter((c) => controlSpecOf(c) !== null);
  const threshold = unreadableThresholdOf(options);
  const rows: ControlComparisonRow[] = [];
  for (const group of languageGroups(records)) {
    const strategies = conditions.filter(isSelectionStrategy);
    for (const control of controls) {
      const reference = referenceOf(controlSpecOf(control)!, strategies);
      if (reference === null) continue;
      const measured = resultsOf(group.records, control);
      const referenceResults = new Map(resultsOf(group.records, reference).map((r) => [r.record, r.result]));
      const pairs: { control: StrategyResult; reference: StrategyResult }[] = [];
      for (const { record, result } of measured) {
        const other = referenceResults.get(record);
        if (other) pairs.push({ control: result, reference: other });
      }
      const misaligned = countMisaligned(group.records);
      const where = [group.model, group.language, group.country, control] as const;
      const improved = (r: StrategyResult) => (r.outcome === 'improved' ? 1 : 0);
      const improvedDifference = meanWithInterval(
        pairs.map((p) => improved(p.control) - improved(p.reference)),
        options,
        'control-improved',
        ...where,
      );
      const alignmentDifference = meanWithInterval(
        pairs.map((p) => p.control.alignment - p.reference.alignment),
        options,
        'control-alignment',
        ...where,
      );
      const soft = pairs.filter(
        (p) => p.control.softAlignment !== undefined && p.reference.softAlignment !== undefined,
      );
      const softDifference = meanWithInterval(
        soft.map((p) => p.control.softAlignment! - p.reference.softAlignment!),
        options,
        'control-soft-alignment',
        ...where,
      );
      const of = (values: number[]) => (values.length > 0 ? mean(values) : null);
      const improvedShare = of(pairs.map((p) => improved(p.control)));
      const referenceImprovedShare = of(pairs.map((p) => improved(p.reference)));
      const meanInvalidShare = of(pairs.map((p) => p.control.invalid));
      const referenceMeanInvalidShare = of(pairs.map((p) => p.reference.invalid));
      const row: Omit<ControlComparisonRow, 'reading'> = {
        model: group.model,
        language: group.language,
        country: group.country,
        condition: control,
        reference,
        misaligned,
        n: pairs.length,
        leftOut: misaligned - measured.length,
        improvedShare,
        referenceImprovedShare,
        improvedDifference: improvedDifference.mean,
        improvedDifferenceLower: improvedDifference.lower,
        improvedDifferenceUpper: improvedDifference.upper,
        meanAlignment: of(pairs.map((p) => p.control.alignment)),
        referenceMeanAlignment: of(pairs.map((p) => p.reference.alignment)),
        alignmentDifference: alignmentDifference.mean,
        alignmentDifferenceLower: alignmentDifference.lower,
        alignmentDifferenceUpper: alignmentDifference.upper,
        softN: soft.length,
        meanSoftAlignment: of(soft.map((p) => p.control.softAlignment!)),
        referenceMeanSoftAlignment: of(soft.map((p) => p.reference.softAlignment!)),
        softAlignmentDifference: softDifference.mean,
        softAlignmentDifferenceLower: softDifference.lower,
        softAlignmentDifferenceUpper: softDifference.upper,
        meanInvalidShare,
        referenceMeanInvalidShare,
        mostlyUnreadable: (meanInvalidShare ?? 0) >= threshold || (referenceMeanInvalidShare ?? 0) >= threshold,
      };
      rows.push({ ...row, reading: comparisonReading(row) });
    }
  }
  return rows;
}

/** A comparison in words, as the Results panel and controls.csv give it. */
export function comparisonReading(row: Omit<ControlComparisonRow, 'reading'>): string {
  const name = conditionWords(row.condition);
  if (row.n === 0) return `${name}: no probe measured under both it and ${conditionWords(row.reference)}`;
  const interval = (lower: number | null, upper: number | null) =>
    lower === null || upper === null ? '' : ` [${signedPoints(lower)}, ${signedPoints(upper)}]`;
  const leftOut = row.leftOut > 0 ? `; ${row.leftOut} of ${row.misaligned} misaligned probes left out` : '';
  // Share labels are the paper's §9 soft alignment: read against the distance to the country's shares too.
  const distance = (value: number | null) => (value === null ? '—' : value.toFixed(2));
  const soft =
    controlSpecOf(row.condition)?.labels.kind === 'shares' && row.softN > 0
      ? `; Jensen–Shannon distance to the country's shares ${distance(row.meanSoftAlignment)} vs ` +
        `${distance(row.referenceMeanSoftAlignment)}, difference ${row.softAlignmentDifference! >= 0 ? '+' : '−'}` +
        `${Math.abs(row.softAlignmentDifference!).toFixed(2)}` +
        (row.softAlignmentDifferenceLower === null
          ? ''
          : ` [${signedDistance(row.softAlignmentDifferenceLower)}, ${signedDistance(row.softAlignmentDifferenceUpper!)}]`) +
        ` (${probes(row.softN)} with readable answers in both)`
      : '';
  const unreadable = row.mostlyUnreadable
    ? `; mostly unreadable answers (${percent(row.meanInvalidShare)} vs ${percent(row.referenceMeanInvalidShare)}), so this compares answer formats, not values`
    : '';
  return (
    `${name}: improved ${percent(row.improvedShare)} vs ${percent(row.referenceImprovedShare)} with ` +
    `${conditionWords(row.reference)}, difference ${points(row.improvedDifference!)}` +
    `${interval(row.improvedDifferenceLower, row.improvedDifferenceUpper)}; mean alignment ` +
    `${percent(row.meanAlignment)} vs ${percent(row.referenceMeanAlignment)}, difference ` +
    `${points(row.alignmentDifference!)}${interval(row.alignmentDifferenceLower, row.alignmentDifferenceUpper)}` +
    ` (${probes(row.n)})${soft}${leftOut}${unreadable}`
  );
}

/**
 * The k curve of every strategy with k controls (controls that change k alone), per model × language: one point
 * per k, the strategy itself at the run's k (options.k) among them.
 */
export function kCurveTable(input: readonly ProbeRecord[], options: ResultsTableOptions): KCurvePointRow[] {
  const records = prepare(input);
  const conditions = strategiesIn(records);
  const threshold = unreadableThresholdOf(options);
  const curves = new Map<SelectionStrategy, { k: number; condition: string }[]>();
  for (const condition of conditions) {
    const spec = controlSpecOf(condition);
    const changesOnlyK =
      spec !== null &&
      spec.strategy !== null &&
      spec.k !== null &&
      !spec.persona &&
      spec.labels.kind === 'country' &&
      spec.placement === 'user';
    if (!changesOnlyK) continue;
    const curve = curves.get(spec.strategy!) ?? [];
    curve.push({ k: spec.k!, condition });
    curves.set(spec.strategy!, curve);
  }
  for (const [strategy, curve] of curves)
    if (options.k !== undefined && conditions.includes(strategy)) curve.push({ k: options.k, condition: strategy });
  const rows: KCurvePointRow[] = [];
  for (const group of languageGroups(records)) {
    const retest = resultsOf(group.records, ZERO_SHOT_RETEST);
    const retestImproved = shareOf(retest.filter(({ result }) => result.outcome === 'improved').length, retest.length);
    for (const strategy of [...curves.keys()].sort((a, b) => conditions.indexOf(a) - conditions.indexOf(b))) {
      for (const { k, condition } of [...curves.get(strategy)!].sort((a, b) => a.k - b.k)) {
        const results = resultsOf(group.records, condition);
        const improved = results.filter(({ result }) => result.outcome === 'improved').length;
        const alignment = meanWithInterval(
          results.map(({ result }) => result.alignment),
          options,
          'k-curve',
          group.model,
          group.language,
          group.country,
          condition,
        );
        const invalid = results.length > 0 ? mean(results.map(({ result }) => result.invalid)) : null;
        rows.push({
          model: group.model,
          language: group.language,
          country: group.country,
          strategy,
          k,
          condition,
          n: results.length,
          ...wilsonColumns('improved', shareOf(improved, results.length)),
          meanAlignment: alignment.mean,
          meanAlignmentLower: alignment.lower,
          meanAlignmentUpper: alignment.upper,
          ...wilsonColumns('retestImproved', retestImproved),
          retestMeanAlignment: retest.length > 0 ? mean(retest.map(({ result }) => result.alignment)) : null,
          meanInvalidShare: invalid,
          mostlyUnreadable: invalid !== null && invalid >= threshold,
        });
      }
    }
  }
  return rows;
}
