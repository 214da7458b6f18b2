// The paper's tables and figures (Choenni & Shutova, 2024) as data: pure functions from the per-probe records of
// finished runs to arrays of flat rows, one array per table or figure, ready for a CSV file or a chart. Every
// share comes with its count, its denominator and a 95% Wilson interval; means come with a seeded bootstrap interval.
//
// Conventions shared by every table:
// - Shares are proportions in [0, 1], never percentages; a share is `<what>Share` with `<what>Count` successes out of
//   the row's denominator `n` (or `probes` in Fig. 7), and its 95% Wilson interval `<what>ShareLower`/`<what>ShareUpper`.
// - Groups: "language" means the language × country pairing of the records (each language maps to one country by
//   default, so this is the paper's per-language breakdown; a language run against two countries gives two rows,
//   because their targets differ and pooling them would mix two answer keys).
// - Empty groups are kept, not dropped: every model × language seen in the records appears with every strategy seen
//   in the records, so tables are rectangular and a language whose probes were all aligned is visible as such.
//   Such a row has denominator 0, share null, interval [0, 1] (what the Wilson interval says about 0 of 0) and
//   null means. A group that was never probed (a category with no probe in a language) is absent.
// - Unreadable answers: every row says what share of the responses behind it gave neither option, before
//   (zeroShotInvalidShare) and, for a condition, after (meanInvalidShare), and whether either reaches the run's
//   unreadable threshold (mostlyUnreadable). A model that cannot answer in a language looks misaligned and
//   "unchanged" by the paper's rule; the flag keeps that from being read as a finding about its values.
// - Rows are sorted by model, language and country (by code unit, not by locale, so the order is the same on every
//   machine), the re-test control then each strategy in the order of SELECTION_STRATEGIES (COMPARISONS), category number and bin.

import { compareQuestionIds, WVS_CATEGORIES } from '../data/index.js';
import { compareConditions, ZERO_SHOT_RETEST, type Comparison } from '../demos/index.js';
import type { Outcome, ProbeRecord, StrategyResult } from '../experiment/index.js';
import { deriveSeed } from '../random/index.js';
import { bootstrapMeanInterval, paperRuleChances, wilsonInterval } from '../statistics/index.js';
import { DEFAULT_UNREADABLE_THRESHOLD } from '../../shared/method.js';
import {
  controlComparisonTable,
  kCurveTable,
  type ControlComparisonRow,
  type KCurvePointRow,
} from './control-comparisons.js';

export interface ResultsTableOptions {
  /** Seed of every bootstrap interval; each row derives its own seed from it and the row's group. */
  seed: number;
  /** Bootstrap resamples per interval; 2000 by default. */
  resamples?: number;
  /** The draws n at which the paper's rule is evaluated in expectation (the run's n; the paper's is 10). */
  draws: number;
  /** The share of unreadable responses from which a result is mostly unreadable (the run's; a half by default). */
  unreadableThreshold?: number;
  /** The run's k: where its strategies stand on the k curve beside the k controls (no such point without it). */
  k?: number;
}

/** How unreadable the zero-shot responses behind a row were. */
export interface ZeroShotUnreadableColumns {
  /** The mean share of zero-shot responses that gave neither option, over the row's probes; null without probes. */
  zeroShotInvalidShare: number | null;
  /** zeroShotInvalidShare is at least the run's unreadable threshold: the row measures the answer format, not values. */
  mostlyUnreadable: boolean;
}

/** How unreadable the responses behind a row of a condition were, before and after. */
export interface UnreadableColumns extends ZeroShotUnreadableColumns {
  /** The mean share of the condition's responses that gave neither option, over the row's probes; null when n = 0. */
  meanInvalidShare: number | null;
  /** Either mean share is at least the run's unreadable threshold. */
  mostlyUnreadable: boolean;
}

/**
 * The paper's Table 1 without its sampling noise, per model × language × strategy: with each probe's shares p₀ and
 * p₁ and n draws, the expected number of misaligned probes Σ(1 − p₀ⁿ) over every probe with a known target, and
 * the expected shares as ratios of expected counts over the probes with a result for the strategy:
 * Σ P(improved ∧ misaligned) / Σ P(misaligned), likewise unchanged and worsened. Exact for `precise` runs (exact
 * shares); for sampled runs the shares are plugged in. For the re-test control (p₁ = p₀ in expectation) the
 * improved share is what the paper's rule calls improved by chance alone.
 */
/**
 * A share with its count and 95% Wilson interval, as four columns of a row: `<name>Count`, `<name>Share` (null
 * when the row's denominator is 0), `<name>ShareLower`, `<name>ShareUpper`.
 */
export type WilsonColumns<Name extends string> = Record<`${Name}Count`, number> &
  Record<`${Name}Share`, number | null> &
  Record<`${Name}ShareLower` | `${Name}ShareUpper`, number>;

export interface ExpectedOutcomeRow extends UnreadableColumns {
  model: string;
  language: string;
  country: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
  n: number;
  expectedMisaligned: number;
  /** Probes with a result for this strategy: the sums run over them. */
  probes: number;
  expectedImprovedShare: number | null;
  expectedUnchangedShare: number | null;
  expectedWorsenedShare: number | null;
}

/**
 * Table 1: outcomes of self-alignment among misaligned probes, per model × language × strategy. The paper's rule
 * (improved, unchanged, worsened: the share of target answers went up / stayed equal / went down) and the
 * significance-gated outcome (gated…: a change counts only when it is more than chance), each a Wilson share.
 */
export interface OutcomeRow
  extends
    WilsonColumns<'improved' | 'unchanged' | 'worsened' | 'gatedImproved' | 'gatedUnchanged' | 'gatedWorsened'>,
    UnreadableColumns {
  model: string;
  language: string;
  country: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
  /** Misaligned probes of this model and language, whether or not this strategy was run on them. */
  misaligned: number;
  /** Misaligned probes with a result for this strategy: the denominator of every share in the row. */
  n: number;
  /**
   * The re-test control's improved share in the same model and language (null without a re-test), and this
   * row's improved share minus it: how much of the improvement is more than measuring again would give.
   */
  retestImprovedShare: number | null;
  improvedBeyondRetest: number | null;
  /** Of the row's n probes, those whose target is contested (a thin majority); table1-uncontested.csv leaves them out. */
  contestedCount: number;
}

/**
 * Fig. 7: the share of misaligned probes, per model × language. A ProbeRecord exists only for a probe whose
 * country has a majority answer (its targetOption is 1 or 2), so every record is a probe with a known target.
 */
export interface MisalignmentRow
  extends WilsonColumns<'misaligned' | 'answeredAgainst' | 'unreadable'>, ZeroShotUnreadableColumns {
  model: string;
  language: string;
  country: string;
  /**
   * Probes with a known target: the denominator. The misaligned are split in two: those whose zero-shot responses
   * were mostly readable and went against the target (answeredAgainst…), and those mostly unreadable (unreadable…),
   * where the model gave no readable answer rather than the wrong one.
   */
  probes: number;
}

/**
 * Fig. 2/4: how many misaligned probes a strategy improved (paper's rule), and by how much, per model × strategy;
 * beside the improved, the unchanged and the worsened (the paper's figures show only the improved).
 */
export interface ImprovementRow extends WilsonColumns<'improved' | 'unchanged' | 'worsened'>, UnreadableColumns {
  model: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
  /** Misaligned probes with a result for this strategy: the denominator. */
  n: number;
  /** Mean error reduction Δ over the improved probes; null when none improved. */
  meanReduction: number | null;
  /** Percentile bootstrap 95% interval of meanReduction, resampling the improved probes; null when none improved. */
  meanReductionLower: number | null;
  meanReductionUpper: number | null;
}

/** Fig. 2/4 broken down by language: per model × language × strategy. */
export interface LanguageImprovementRow extends ImprovementRow {
  language: string;
  country: string;
}

/** The columns of one 10% bin of a histogram over [0, 1]. */
export interface BinColumns {
  /** 0..10: ten 10% bins and one for exactly 100%. */
  bin: number;
  /** Inclusive lower edge: 0, 0.1, …, 0.9. */
  binFrom: number;
  /** Upper edge, exclusive: 0.1, …, 1; the last bin holds exactly 1 (binFrom = binTo = 1). */
  binTo: number;
  /** "[0%, 10%)", …, "[90%, 100%)", "100%". */
  binLabel: string;
  /** Values in this bin. */
  count: number;
  /** Values in all bins of the group: the denominator. */
  n: number;
  share: number | null;
  shareLower: number;
  shareUpper: number;
}

/** Fig. 3/6: the distribution of the error reduction Δ among improved probes, per model × language × strategy. */
export interface ReductionBinRow extends BinColumns, UnreadableColumns {
  model: string;
  language: string;
  country: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
}

/**
 * Fig. 5/9: the distribution of zero-shot error sizes δ = 1 − alignment among misaligned probes, per model ×
 * language (every bin row carries its group's unreadable columns: unreadable responses count as errors).
 */
export interface ZeroShotErrorBinRow extends BinColumns, ZeroShotUnreadableColumns {
  model: string;
  language: string;
  country: string;
}

/** Fig. 8/10: improved probes per WVS category and language, per model × strategy. */
export interface CategoryRow extends WilsonColumns<'improved'>, UnreadableColumns {
  model: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
  language: string;
  country: string;
  category: number;
  categoryName: string;
  /** Probes of this category and language (aligned or not). */
  probes: number;
  /** Misaligned probes of this category and language. */
  misaligned: number;
  /** Misaligned probes with a result for this strategy: the denominator. */
  n: number;
}

/** Soft alignment: the Jensen–Shannon distance to the country's shares before and after self-alignment. */
/** Its unreadable columns are over the misaligned probes with a result, including those left out of n. */
export interface SoftAlignmentRow extends UnreadableColumns {
  model: string;
  language: string;
  country: string;
  /** What is compared with zero-shot: a selection strategy, or zero-shot-retest (the re-test control). */
  condition: Comparison;
  misaligned: number;
  /** Misaligned probes with a result for this strategy and both distances defined: the denominator of the means. */
  n: number;
  /** Mean zero-shot distance (0 = the country's shares, 1 = disjoint); null when n = 0. */
  meanBefore: number | null;
  /** Mean self-aligned distance; null when n = 0. */
  meanAfter: number | null;
  /** Mean of the paired changes after − before (meanAfter − meanBefore up to rounding): negative means closer to the country; null when n = 0. */
  meanChange: number | null;
  /** Percentile bootstrap 95% interval of meanChange over the probes (paired); null when n = 0. */
  meanChangeLower: number | null;
  meanChangeUpper: number | null;
}

export interface ResultsTables {
  /** Table 1. */
  outcomes: OutcomeRow[];
  /** Table 1 in expectation. */
  expectedOutcomes: ExpectedOutcomeRow[];
  /** Table 1 without the probes whose target is contested: how much the result rests on thin majorities. */
  outcomesUncontested: OutcomeRow[];
  /** Fig. 7. */
  misalignment: MisalignmentRow[];
  /** Fig. 2/4, per model × strategy. */
  improvementByModel: ImprovementRow[];
  /** Fig. 2/4, per model × language × strategy. */
  improvementByLanguage: LanguageImprovementRow[];
  /** Fig. 3/6. */
  reductionBins: ReductionBinRow[];
  /** Fig. 5/9. */
  zeroShotErrorBins: ZeroShotErrorBinRow[];
  /** Fig. 8/10. */
  categories: CategoryRow[];
  softAlignment: SoftAlignmentRow[];
  /** The reviewer's controls against the paper's condition, paired (controls.csv). */
  controls: ControlComparisonRow[];
  /** Improved share and mean alignment against k (k-curve.csv). */
  kCurve: KCurvePointRow[];
}

/** Every table and figure at once. */
export function resultsTables(records: readonly ProbeRecord[], options: ResultsTableOptions): ResultsTables {
  const threshold = unreadableThresholdOf(options);
  return {
    outcomes: outcomeTable(records, threshold),
    expectedOutcomes: expectedOutcomeTable(records, options.draws, threshold),
    outcomesUncontested: outcomeTable(
      records.filter((r) => !r.contested),
      threshold,
    ),
    misalignment: misalignmentTable(records, threshold),
    improvementByModel: improvementByModelTable(records, options),
    improvementByLanguage: improvementByLanguageTable(records, options),
    reductionBins: reductionBinTable(records, threshold),
    zeroShotErrorBins: zeroShotErrorBinTable(records, threshold),
    categories: categoryTable(records, threshold),
    softAlignment: softAlignmentTable(records, options),
    controls: controlComparisonTable(records, options),
    kCurve: kCurveTable(records, options),
  };
}

export function unreadableThresholdOf(options: Pick<ResultsTableOptions, 'unreadableThreshold'>): number {
  return options.unreadableThreshold ?? DEFAULT_UNREADABLE_THRESHOLD;
}

/** How unreadable the zero-shot responses of `records` were. */
function zeroShotUnreadable(records: readonly ProbeRecord[], threshold: number): ZeroShotUnreadableColumns {
  if (records.length === 0) return { zeroShotInvalidShare: null, mostlyUnreadable: false };
  const invalid = mean(records.map((record) => record.zeroShot.invalid));
  return { zeroShotInvalidShare: invalid, mostlyUnreadable: invalid >= threshold };
}

/** How unreadable the responses behind a condition's results were, before (zero-shot) and after. */
export function unreadableOf(
  results: readonly { record: ProbeRecord; result: StrategyResult }[],
  threshold: number,
): UnreadableColumns {
  if (results.length === 0) return { zeroShotInvalidShare: null, meanInvalidShare: null, mostlyUnreadable: false };
  const before = mean(results.map(({ record }) => record.zeroShot.invalid));
  const after = mean(results.map(({ result }) => result.invalid));
  return {
    zeroShotInvalidShare: before,
    meanInvalidShare: after,
    mostlyUnreadable: before >= threshold || after >= threshold,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Grouping

export interface LanguageGroup {
  model: string;
  language: string;
  country: string;
  records: ProbeRecord[];
}

interface ModelGroup {
  model: string;
  records: ProbeRecord[];
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Rejects records that would be counted twice: the same probe of the same model, language and country, or one
 * strategy twice for a probe. A silent double count would shift every share in its group.
 */
function checkRecords(records: readonly ProbeRecord[]): void {
  const seen = new Set<string>();
  for (const record of records) {
    const key = JSON.stringify([record.model, record.language, record.country, record.probeId]);
    if (seen.has(key)) {
      throw new Error(
        `probe ${record.probeId} of model ${record.model}, ${record.language}/${record.country} appears twice in the records`,
      );
    }
    seen.add(key);
    const strategies = new Set<string>();
    for (const result of record.strategies) {
      if (strategies.has(result.condition)) {
        throw new Error(
          `probe ${record.probeId} of model ${record.model}, ${record.language}/${record.country} has strategy ${result.condition} twice`,
        );
      }
      strategies.add(result.condition);
    }
  }
}

/**
 * Checked records in report order. Sorting first makes every table independent of the order the records came in:
 * a bootstrap resample picks values by position, and a floating-point sum depends on the order of its terms.
 */
export function prepare(records: readonly ProbeRecord[]): ProbeRecord[] {
  checkRecords(records);
  return sortRecords(records);
}

export function languageGroups(records: readonly ProbeRecord[]): LanguageGroup[] {
  const groups = new Map<string, LanguageGroup>();
  for (const record of records) {
    const key = JSON.stringify([record.model, record.language, record.country]);
    let group = groups.get(key);
    if (!group) {
      group = { model: record.model, language: record.language, country: record.country, records: [] };
      groups.set(key, group);
    }
    group.records.push(record);
  }
  return [...groups.values()].sort(
    (a, b) => compareText(a.model, b.model) || compareText(a.language, b.language) || compareText(a.country, b.country),
  );
}

function modelGroups(records: readonly ProbeRecord[]): ModelGroup[] {
  const groups = new Map<string, ModelGroup>();
  for (const record of records) {
    let group = groups.get(record.model);
    if (!group) {
      group = { model: record.model, records: [] };
      groups.set(record.model, group);
    }
    group.records.push(record);
  }
  return [...groups.values()].sort((a, b) => compareText(a.model, b.model));
}

/**
 * The strategies of the table's columns: every strategy run on any misaligned probe of any model. Taking the union
 * over all models (not per model) keeps the tables rectangular; a strategy not run for a model shows as n = 0 beside
 * misaligned > 0.
 */
function strategiesRun(records: readonly ProbeRecord[]): Comparison[] {
  const strategies = new Set<Comparison>();
  for (const record of records)
    if (record.misaligned) for (const result of record.strategies) strategies.add(result.condition);
  return [...strategies].sort(compareConditions);
}

/** The results of one strategy on the misaligned probes among `records`, with the probe each belongs to. */
export function resultsOf(
  records: readonly ProbeRecord[],
  strategy: Comparison,
): { record: ProbeRecord; result: StrategyResult }[] {
  const out: { record: ProbeRecord; result: StrategyResult }[] = [];
  for (const record of records) {
    if (!record.misaligned) continue;
    const result = record.strategies.find((r) => r.condition === strategy);
    if (result) out.push({ record, result });
  }
  return out;
}

export function countMisaligned(records: readonly ProbeRecord[]): number {
  let count = 0;
  for (const record of records) if (record.misaligned) count++;
  return count;
}

// ---------------------------------------------------------------------------------------------------------------
// Shares, means and bins

export interface Share {
  count: number;
  share: number | null;
  lower: number;
  upper: number;
}

/** A share as the four columns of a row (WilsonColumns): `<name>Count`, `<name>Share` and its interval. */
export function wilsonColumns<Name extends string>(name: Name, share: Share): WilsonColumns<Name> {
  return {
    [`${name}Count`]: share.count,
    [`${name}Share`]: share.share,
    [`${name}ShareLower`]: share.lower,
    [`${name}ShareUpper`]: share.upper,
  } as WilsonColumns<Name>;
}

export function shareOf(count: number, n: number): Share {
  const { lower, upper } = wilsonInterval(count, n);
  return { count, share: n > 0 ? count / n : null, lower, upper };
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

export interface MeanWithInterval {
  mean: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * The mean with a percentile bootstrap interval. The seed is derived from the run's seed and the row's group, so a
 * row's interval does not move when another model or language is added to the report.
 */
export function meanWithInterval(
  values: readonly number[],
  options: ResultsTableOptions,
  ...group: readonly string[]
): MeanWithInterval {
  if (values.length === 0) return { mean: null, lower: null, upper: null };
  const interval = bootstrapMeanInterval(values, {
    seed: deriveSeed(options.seed, ...group),
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
  });
  return { mean: interval.estimate, lower: interval.lower, upper: interval.upper };
}

/** Ten 10% bins, [0%, 10%) … [90%, 100%), and an eleventh for exactly 100%: the paper's figures show a full
 * error reduction (and a probe never answered right) apart from a nearly full one. */
export const BIN_COUNT = 11;

/** Values computed from shares sit within rounding noise of a bin edge (0.5 − 0.45 gives 0.0499…); snap them to it. */
const EDGE_TOLERANCE = 1e-9;

/**
 * The bin of a value in [0, 1]: [0, 0.1) → 0, …, [0.9, 1) → 9, and 1 → 10, so 0.1 falls in the second bin. A
 * value computed as 0.1 but stored as 0.0999… is snapped to the edge first: with shares of at most millions of
 * responses, two distinct true values are further apart than the tolerance. Outside [0, 1] the record is broken.
 */
export function binOf(value: number, what = 'value'): number {
  if (!Number.isFinite(value) || value < -EDGE_TOLERANCE || value > 1 + EDGE_TOLERANCE) {
    throw new RangeError(`${what} must be between 0 and 1 to be binned, got ${value}`);
  }
  let position = value * 10;
  const nearest = Math.round(position);
  if (Math.abs(position - nearest) <= EDGE_TOLERANCE * 10) position = nearest;
  return Math.min(BIN_COUNT - 1, Math.max(0, Math.floor(position)));
}

function binLabel(bin: number): string {
  const from = bin * 10;
  return bin === BIN_COUNT - 1 ? '100%' : `[${from}%, ${from + 10}%)`;
}

/** All eleven bins of `values` (empty bins included: a histogram needs its zeros). */
function histogram(values: readonly number[], what: string): BinColumns[] {
  const counts = new Array<number>(BIN_COUNT).fill(0);
  for (const value of values) {
    const bin = binOf(value, what);
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count, bin) => {
    const share = shareOf(count, values.length);
    return {
      bin,
      binFrom: Math.min(bin, 10) / 10,
      binTo: Math.min(bin + 1, 10) / 10,
      binLabel: binLabel(bin),
      count,
      n: values.length,
      share: share.share,
      shareLower: share.lower,
      shareUpper: share.upper,
    };
  });
}

function tally(outcomes: readonly Outcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { improved: 0, unchanged: 0, worsened: 0 };
  for (const outcome of outcomes) counts[outcome]++;
  return counts;
}

/**
 * Δ of the improved probes (paper's rule). An improved probe had an error (else it could not improve), so its Δ is
 * defined and in (0, 1]; one without Δ is skipped rather than counted as 0, and one outside [0, 1] is a broken
 * record, refused here so the mean and the histogram cannot disagree about it.
 */
function improvedReductions(results: readonly { record: ProbeRecord; result: StrategyResult }[]): number[] {
  const reductions: number[] = [];
  for (const { record, result } of results) {
    if (result.outcome !== 'improved' || result.errorReduction === undefined) continue;
    binOf(
      result.errorReduction,
      `the error reduction Δ of improved probe ${record.probeId} (${record.model}, ${record.language}, ${result.condition})`,
    );
    reductions.push(result.errorReduction);
  }
  return reductions;
}

// ---------------------------------------------------------------------------------------------------------------
// The tables

/** Table 1: improved / unchanged / worsened among misaligned probes, by the paper's rule and significance-gated. */
export function outcomeTable(
  input: readonly ProbeRecord[],
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): OutcomeRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: OutcomeRow[] = [];
  for (const group of languageGroups(records)) {
    const misaligned = countMisaligned(group.records);
    for (const strategy of strategies) {
      const results = resultsOf(group.records, strategy);
      const n = results.length;
      const paper = tally(results.map(({ result }) => result.outcome));
      const gated = tally(results.map(({ result }) => result.gatedOutcome));
      const improved = shareOf(paper.improved, n);
      const unchanged = shareOf(paper.unchanged, n);
      const worsened = shareOf(paper.worsened, n);
      const gatedImproved = shareOf(gated.improved, n);
      const gatedUnchanged = shareOf(gated.unchanged, n);
      const gatedWorsened = shareOf(gated.worsened, n);
      rows.push({
        model: group.model,
        language: group.language,
        country: group.country,
        condition: strategy,
        misaligned,
        n,
        ...wilsonColumns('improved', improved),
        ...wilsonColumns('unchanged', unchanged),
        ...wilsonColumns('worsened', worsened),
        ...wilsonColumns('gatedImproved', gatedImproved),
        ...wilsonColumns('gatedUnchanged', gatedUnchanged),
        ...wilsonColumns('gatedWorsened', gatedWorsened),
        retestImprovedShare: null,
        improvedBeyondRetest: null,
        contestedCount: results.filter(({ record }) => record.contested).length,
        ...unreadableOf(results, unreadableThreshold),
      });
    }
  }
  // Each row beside the re-test control of its model and language.
  for (const row of rows) {
    const retest = rows.find(
      (r) =>
        r.condition === ZERO_SHOT_RETEST &&
        r.model === row.model &&
        r.language === row.language &&
        r.country === row.country,
    );
    row.retestImprovedShare = retest?.improvedShare ?? null;
    row.improvedBeyondRetest =
      row.improvedShare !== null && row.retestImprovedShare !== null
        ? row.improvedShare - row.retestImprovedShare
        : null;
  }
  return rows;
}

/** Table 1 in expectation; see ExpectedOutcomeRow. */
export function expectedOutcomeTable(
  input: readonly ProbeRecord[],
  draws: number,
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): ExpectedOutcomeRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: ExpectedOutcomeRow[] = [];
  for (const group of languageGroups(records)) {
    const expectedMisaligned = group.records.reduce((sum, r) => sum + (1 - r.zeroShot.alignment ** draws), 0);
    for (const strategy of strategies) {
      const results = resultsOf(group.records, strategy);
      const chances = results.map(({ record, result }) =>
        paperRuleChances(draws, record.zeroShot.alignment, result.alignment),
      );
      const misaligned = chances.reduce((sum, c) => sum + c.misaligned, 0);
      const ratio = (field: 'improved' | 'unchanged' | 'worsened') =>
        misaligned > 0 ? chances.reduce((sum, c) => sum + c[field], 0) / misaligned : null;
      rows.push({
        model: group.model,
        language: group.language,
        country: group.country,
        condition: strategy,
        n: draws,
        expectedMisaligned,
        probes: results.length,
        expectedImprovedShare: ratio('improved'),
        expectedUnchangedShare: ratio('unchanged'),
        expectedWorsenedShare: ratio('worsened'),
        ...unreadableOf(results, unreadableThreshold),
      });
    }
  }
  return rows;
}

/** Fig. 7: the share of misaligned probes among probes with a known target, per model × language. */
export function misalignmentTable(
  input: readonly ProbeRecord[],
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): MisalignmentRow[] {
  const records = prepare(input);
  return languageGroups(records).map((group) => {
    const probes = group.records.length;
    const misalignedRecords = group.records.filter((r) => r.misaligned);
    const unreadableCount = misalignedRecords.filter((r) => r.zeroShot.invalid >= unreadableThreshold).length;
    const misaligned = shareOf(misalignedRecords.length, probes);
    const answeredAgainst = shareOf(misalignedRecords.length - unreadableCount, probes);
    const unreadable = shareOf(unreadableCount, probes);
    return {
      model: group.model,
      language: group.language,
      country: group.country,
      probes,
      ...wilsonColumns('misaligned', misaligned),
      ...wilsonColumns('answeredAgainst', answeredAgainst),
      ...wilsonColumns('unreadable', unreadable),
      ...zeroShotUnreadable(group.records, unreadableThreshold),
    };
  });
}

function improvementColumns(
  results: readonly { record: ProbeRecord; result: StrategyResult }[],
  options: ResultsTableOptions,
  group: readonly string[],
): Omit<ImprovementRow, 'model' | 'condition'> {
  const counts = tally(results.map(({ result }) => result.outcome));
  const improved = shareOf(counts.improved, results.length);
  const unchanged = shareOf(counts.unchanged, results.length);
  const worsened = shareOf(counts.worsened, results.length);
  const reduction = meanWithInterval(improvedReductions(results), options, 'improvement', ...group);
  return {
    n: results.length,
    ...wilsonColumns('improved', improved),
    ...wilsonColumns('unchanged', unchanged),
    ...wilsonColumns('worsened', worsened),
    meanReduction: reduction.mean,
    meanReductionLower: reduction.lower,
    meanReductionUpper: reduction.upper,
    ...unreadableOf(results, unreadableThresholdOf(options)),
  };
}

/** Fig. 2/4: share of misaligned probes improved and mean Δ of the improved, per model × strategy (all languages). */
export function improvementByModelTable(input: readonly ProbeRecord[], options: ResultsTableOptions): ImprovementRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: ImprovementRow[] = [];
  for (const group of modelGroups(records)) {
    for (const strategy of strategies) {
      const results = resultsOf(group.records, strategy);
      rows.push({
        model: group.model,
        condition: strategy,
        ...improvementColumns(results, options, [group.model, strategy]),
      });
    }
  }
  return rows;
}

/** Fig. 2/4 per language: the same columns per model × language × strategy. */
export function improvementByLanguageTable(
  input: readonly ProbeRecord[],
  options: ResultsTableOptions,
): LanguageImprovementRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: LanguageImprovementRow[] = [];
  for (const group of languageGroups(records)) {
    for (const strategy of strategies) {
      const results = resultsOf(group.records, strategy);
      rows.push({
        model: group.model,
        language: group.language,
        country: group.country,
        condition: strategy,
        ...improvementColumns(results, options, [group.model, group.language, group.country, strategy]),
      });
    }
  }
  return rows;
}

/** Fig. 3/6: Δ of the improved probes in ten 10% bins, per model × strategy (all languages). */
export function reductionBinTable(
  input: readonly ProbeRecord[],
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): ReductionBinRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: ReductionBinRow[] = [];
  // Per language, as the paper's figures are for one language (English): pooling languages would mix answer keys.
  for (const group of languageGroups(records)) {
    for (const strategy of strategies) {
      const results = resultsOf(group.records, strategy);
      const unreadable = unreadableOf(results, unreadableThreshold);
      for (const bin of histogram(improvedReductions(results), 'the error reduction Δ of an improved probe')) {
        rows.push({
          model: group.model,
          language: group.language,
          country: group.country,
          condition: strategy,
          ...bin,
          ...unreadable,
        });
      }
    }
  }
  return rows;
}

/** Fig. 5/9: the zero-shot error δ = 1 − alignment of the misaligned probes in ten 10% bins, per model × language. */
export function zeroShotErrorBinTable(
  input: readonly ProbeRecord[],
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): ZeroShotErrorBinRow[] {
  const records = prepare(input);
  const rows: ZeroShotErrorBinRow[] = [];
  for (const group of languageGroups(records)) {
    const misaligned = group.records.filter((r) => r.misaligned);
    const unreadable = zeroShotUnreadable(misaligned, unreadableThreshold);
    for (const bin of histogram(
      misaligned.map((r) => 1 - r.zeroShot.alignment),
      'the zero-shot error δ',
    )) {
      rows.push({ model: group.model, language: group.language, country: group.country, ...bin, ...unreadable });
    }
  }
  return rows;
}

/** The WVS category's name, or "WVS category N" for a number outside the questionnaire's 13 sections. */
export function categoryName(category: number): string {
  return WVS_CATEGORIES.find((c) => c.number === category)?.name ?? `WVS category ${category}`;
}

/**
 * Fig. 8/10: misaligned and improved probes per WVS category and language, per model × strategy. A category appears
 * for a language when the model has at least one probe of it there, so "probed, none misaligned" (n = 0) stays
 * distinct from "not probed" (no row).
 */
export function categoryTable(
  input: readonly ProbeRecord[],
  unreadableThreshold = DEFAULT_UNREADABLE_THRESHOLD,
): CategoryRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: CategoryRow[] = [];
  for (const model of modelGroups(records)) {
    for (const strategy of strategies) {
      for (const group of languageGroups(model.records)) {
        const categories = [...new Set(group.records.map((r) => r.category))].sort((a, b) => a - b);
        for (const category of categories) {
          const inCategory = group.records.filter((r) => r.category === category);
          const results = resultsOf(inCategory, strategy);
          const improved = shareOf(
            results.filter(({ result }) => result.outcome === 'improved').length,
            results.length,
          );
          rows.push({
            model: model.model,
            condition: strategy,
            language: group.language,
            country: group.country,
            category,
            categoryName: categoryName(category),
            probes: inCategory.length,
            misaligned: countMisaligned(inCategory),
            n: results.length,
            ...wilsonColumns('improved', improved),
            ...unreadableOf(results, unreadableThreshold),
          });
        }
      }
    }
  }
  return rows;
}

/** Soft alignment before and after self-alignment over the misaligned probes, per model × language × strategy. */
export function softAlignmentTable(input: readonly ProbeRecord[], options: ResultsTableOptions): SoftAlignmentRow[] {
  const records = prepare(input);
  const strategies = strategiesRun(records);
  const rows: SoftAlignmentRow[] = [];
  for (const group of languageGroups(records)) {
    for (const strategy of strategies) {
      const before: number[] = [];
      const after: number[] = [];
      const results = resultsOf(group.records, strategy);
      for (const { record, result } of results) {
        // Without valid responses a distance is undefined; the pair is left out rather than half-counted.
        if (record.zeroShot.softAlignment === undefined || result.softAlignment === undefined) continue;
        before.push(record.zeroShot.softAlignment);
        after.push(result.softAlignment);
      }
      const change = meanWithInterval(
        after.map((value, i) => value - before[i]!),
        options,
        'soft-alignment',
        group.model,
        group.language,
        group.country,
        strategy,
      );
      rows.push({
        model: group.model,
        language: group.language,
        country: group.country,
        condition: strategy,
        misaligned: countMisaligned(group.records),
        n: before.length,
        meanBefore: before.length > 0 ? mean(before) : null,
        meanAfter: after.length > 0 ? mean(after) : null,
        meanChange: change.mean,
        meanChangeLower: change.lower,
        meanChangeUpper: change.upper,
        ...unreadableOf(results, unreadableThresholdOf(options)),
      });
    }
  }
  return rows;
}

/** Probe records in report order: model, language, country, then question number (Q2 before Q10). */
export function sortRecords(records: readonly ProbeRecord[]): ProbeRecord[] {
  return [...records].sort(
    (a, b) =>
      compareText(a.model, b.model) ||
      compareText(a.language, b.language) ||
      compareText(a.country, b.country) ||
      compareQuestionIds(a.probeId, b.probeId),
  );
}

/** The strategies of a set of records in report order (exported for the per-probe CSV's columns). */
export function strategiesIn(records: readonly ProbeRecord[]): Comparison[] {
  const strategies = new Set<Comparison>();
  for (const record of records) for (const result of record.strategies) strategies.add(result.condition);
  return [...strategies].sort(compareConditions);
}
