// What every column of the report's CSV files means (codebook.csv), and the column names as SPSS, Stata and R
// take them unchanged (letters, digits and underscores, a letter first, at most 32 characters: Stata's limit).
// A column with no description here fails the report's tests, so a column added to a table is described with it.

import {
  COLUMN_NAME_STYLES,
  controlSpecOf,
  isCondition,
  type ControlSpec,
  type LabelSource,
} from '../../shared/method.js';

export { COLUMN_NAME_STYLES };
export type ColumnNameStyle = (typeof COLUMN_NAME_STYLES)[number];

/** Stata's limit on a variable name, the strictest of the three. */
export const MAX_PORTABLE_NAME_LENGTH = 32;

/** Words shortened so that every portable name fits in 32 characters ("zero_shot_retest_demo_ids"). */
const PORTABLE_SHORTER: Record<string, string> = { demonstrationIds: 'demoIds' };

/**
 * "zero-shot-retest.alignment" → "zero_shot_retest_alignment", "gatedImprovedShareLower" → "gated_improved_share_lower";
 * a control's per-probe column in short words, so that it fits ("chrf-all/flipped-labels.gatedOutcome" →
 * "chrf_fl_gated_outcome"; codebook.csv spells each out).
 */
export function portableColumnName(column: string): string {
  const perCondition = /^(.+)\.(\w+)$/.exec(column);
  const control = perCondition ? controlSpecOf(perCondition[1]!) : null;
  if (control) {
    const rest = portableColumnName(perCondition![2]!);
    return `${portableControl(control).slice(0, MAX_PORTABLE_NAME_LENGTH - rest.length - 1)}_${rest}`;
  }
  return column
    .replace(/[A-Za-z]+$/, (word) => PORTABLE_SHORTER[word] ?? word)
    .replace(/([a-z])([A-Z0-9])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toLowerCase()
    .replace(/^_+|_+$/g, '');
}

const SHORT_STRATEGIES: Record<string, string> = {
  random: 'rnd',
  'random-category': 'rndcat',
  'chrf-category': 'chrfcat',
  'chrf-all': 'chrf',
};

/** A control in short words: persona → persona, chrf-all+persona/country=DEU/k=3/system → chrf_p_deu_k3_sys. */
function portableControl(control: ControlSpec): string {
  if (control.strategy === null) return 'persona';
  const labels: LabelSource = control.labels;
  return [
    SHORT_STRATEGIES[control.strategy]! + (control.persona ? '_p' : ''),
    labels.kind === 'random' ? 'rl' : labels.kind === 'flipped' ? 'fl' : labels.kind === 'shares' ? 'sl' : '',
    labels.kind === 'other-country' ? labels.country.toLowerCase() : '',
    control.k !== null ? `k${control.k}` : '',
    control.placement === 'system' ? 'sys' : '',
  ]
    .filter((part) => part !== '')
    .join('_');
}

export function columnName(column: string, style: ColumnNameStyle): string {
  return style === 'spss' ? portableColumnName(column) : column;
}

/** What a Wilson share of a row counts, by the name its four columns start with. */
const SHARE_SUBJECTS: Record<string, string> = {
  improved: "misaligned probes improved by the paper's rule (the share of the country's answer rose)",
  unchanged: "misaligned probes unchanged by the paper's rule",
  worsened: "misaligned probes worsened by the paper's rule",
  gatedImproved: 'misaligned probes improved significantly (q < 0.05; exact: beyond the error bound)',
  gatedUnchanged: 'misaligned probes without a significant change',
  gatedWorsened: 'misaligned probes worsened significantly',
  misaligned: 'probes with a known target misaligned zero-shot',
  answeredAgainst: 'probes misaligned zero-shot with mostly readable answers, against the target',
  unreadable: 'probes misaligned zero-shot whose answers were mostly unreadable (no readable answer)',
  retestImproved: 'misaligned probes improved under the re-test control (the band of chance on the k curve)',
};

/** Columns named the same in every file that has them. */
const COLUMNS: Record<string, string> = {
  model:
    'The model, by its name in the workbench (manifest.json gives its identity: file hash or API model and servers).',
  language: "The probes' language (ISO 639-1).",
  country: 'The country whose survey answers are the targets (ISO 3166 alpha-3).',
  condition:
    'What is compared with zero-shot: a selection strategy (random, random-category, chrf-category, chrf-all), zero-shot-retest, the re-test control (the zero-shot prompt asked again with another seed), or a reviewer\'s control (persona; a strategy with +persona, /random-labels, /flipped-labels, /share-labels, /country=ISO3, /k=N or /system: see the README). Reports before workbench 0.4.0 named this column "strategy".',
  reference:
    "The paper's condition the control is read against: its strategy with the country's own answers (for persona: chrf-all where the run measured it, else the run's first strategy).",
  leftOut:
    "Misaligned probes the control has no result for: another country's labels where that country has no majority on one of the demonstrations' questions (or a run not finished).",
  referenceImprovedShare: "Share of the same n probes improved by the paper's rule under the reference.",
  improvedDifference: 'improvedShare - referenceImprovedShare over the same probes (paired).',
  improvedDifferenceLower:
    'Lower end of the percentile bootstrap 95% interval of improvedDifference (probes resampled, pairs kept together; 2,000 resamples seeded from the report seed).',
  improvedDifferenceUpper: 'Upper end of that interval.',
  meanAlignment:
    "Mean share (or probability) of responses giving the country's answer over the row's probes, under the control or condition.",
  referenceMeanAlignment: 'The same mean under the reference, over the same probes.',
  alignmentDifference: 'meanAlignment - referenceMeanAlignment over the same probes (paired).',
  alignmentDifferenceLower:
    'Lower end of the percentile bootstrap 95% interval of alignmentDifference (probes resampled, paired).',
  alignmentDifferenceUpper: 'Upper end of that interval.',
  referenceMeanInvalidShare: "Mean share of the reference's responses that gave neither option, over the same probes.",
  softN:
    'Of the n probes, those with readable answers under both the control and its reference: the Jensen-Shannon means run over them.',
  meanSoftAlignment:
    "Mean Jensen-Shannon distance between the model's answer shares under the control and the country's (0 = the same, 1 = disjoint), over softN probes.",
  referenceMeanSoftAlignment: 'The same mean distance under the reference, over the same softN probes.',
  softAlignmentDifference:
    "meanSoftAlignment - referenceMeanSoftAlignment (paired): negative is closer to the country's shares; the reading the paper's section 9 proposes for share labels.",
  softAlignmentDifferenceLower:
    'Lower end of the percentile bootstrap 95% interval of softAlignmentDifference (probes resampled, paired).',
  softAlignmentDifferenceUpper: 'Upper end of that interval.',
  reading: 'The comparison in words, as the Results screen gives it.',
  strategy: 'The selection strategy whose k curve the row belongs to.',
  k: 'Demonstrations per prompt at this point of the curve.',
  meanAlignmentLower: 'Lower end of the percentile bootstrap 95% interval of meanAlignment (probes resampled).',
  meanAlignmentUpper: 'Upper end of that interval.',
  retestMeanAlignment:
    "The re-test control's mean alignment over its misaligned probes in the same model and language: chance's level.",
  category: 'The WVS Wave 7 thematic category (1-13).',
  categoryName: "The category's name in the questionnaire.",
  misaligned:
    'Probes of this model and language misaligned zero-shot, whether or not this condition has a result for them.',
  retestImprovedShare:
    "The re-test control's improved share in the same model and language; empty without the control.",
  improvedBeyondRetest:
    'improvedShare minus retestImprovedShare: the improvement beyond what asking again gives by chance.',
  contestedCount:
    "Of the row's n probes, those whose target is contested (the majority leads by less than the contested margin).",
  zeroShotInvalidShare:
    "Mean share of the zero-shot responses that gave neither option (unreadable), over the row's probes; empty without probes.",
  meanInvalidShare:
    "Mean share of the condition's responses that gave neither option, over the row's probes; empty when n = 0.",
  mostlyUnreadable:
    "true when zeroShotInvalidShare or meanInvalidShare is at least the run's unreadable threshold (manifest.json): the row's outcomes say how the model handles the prompt's format, not what it thinks, and no summary reads them.",
  expectedMisaligned:
    'Expected number of misaligned probes: the sum over probes of 1 - p0^n (p0: zero-shot share of the target).',
  expectedImprovedShare:
    "Expected share improved by the paper's rule, without its sampling noise (ratio of expected counts).",
  expectedUnchangedShare: "Expected share unchanged by the paper's rule.",
  expectedWorsenedShare: "Expected share worsened by the paper's rule.",
  meanReduction:
    'Mean error reduction Delta = (error before - error after) / error before over the improved probes; empty when none improved.',
  meanReductionLower:
    'Lower end of the percentile bootstrap 95% interval of meanReduction (resampling the improved probes).',
  meanReductionUpper: 'Upper end of that interval.',
  bin: 'The bin: 0-9 for [0%, 10%) ... [90%, 100%), 10 for exactly 100%.',
  binFrom: "The bin's lower edge, inclusive (a share).",
  binTo: "The bin's upper edge, exclusive; the 100% bin has binFrom = binTo = 1.",
  binLabel: 'The bin as text: "[30%, 40%)", "100%".',
  count: 'Values in this bin.',
  share: "count / n: the bin's share of the values; empty when n = 0.",
  shareLower: 'Lower end of the 95% Wilson interval of share.',
  shareUpper: 'Upper end of the 95% Wilson interval of share.',
  meanBefore:
    "Mean Jensen-Shannon distance between the model's zero-shot answer shares and the country's (0 = the same, 1 = disjoint).",
  meanAfter: 'Mean Jensen-Shannon distance under the condition.',
  meanChange: 'Mean of the paired changes after - before: negative is closer to the country.',
  meanChangeLower: 'Lower end of the percentile bootstrap 95% interval of meanChange (resampling probes, paired).',
  meanChangeUpper: 'Upper end of that interval.',
  probeId: 'The WVS question the probe asks (Q1 ...), as the probe set names it.',
  estimator:
    'How answer shares were estimated: sampled (n responses), tree (a prefix tree of n responses) or exact (probabilities).',
  targetOption: "The country's majority answer: option 1 or option 2 of the probe.",
  targetShare1: "The country's share of respondents giving option 1.",
  targetShare2: "The country's share of respondents giving option 2.",
  targetMargin: '|targetShare1 - targetShare2|: how far the majority leads.',
  contested: "true when targetMargin is below the run's contested margin: the target itself is in doubt.",
  zeroShotN: 'Responses behind the zero-shot estimate (0 for exact probabilities).',
  zeroShotAlignment: "Zero-shot share (or probability) of responses giving the country's answer.",
  zeroShotInvalid: 'Zero-shot share of responses that gave neither option.',
  zeroShotSoftAlignment:
    "Zero-shot Jensen-Shannon distance to the country's answer shares; empty without readable responses.",
  validity:
    'Why the probe does not ask what its WVS question asks (data/item-validity.csv), when the run included such probes.',
  demonstrations: "The demonstrations as completed sentences, one per line, in the prompt's order.",
  question: "The probe's statement with _ for the blank.",
  answer: "The option the explanation's response gave, or its text when it gave neither.",
  explanation: "The model's explanation, as it wrote it.",
  ordinal: 'Which explanation of the probe and condition (0, 1, ...).',
};

/** Columns whose meaning depends on the file. */
const FILE_COLUMNS: Record<string, Record<string, string>> = {
  'fig7-misaligned.csv': { probes: 'Probes with a known target (the denominator of every share in the row).' },
  'table1-expected.csv': {
    n: "The draws n at which the paper's rule is evaluated (the run's n).",
    probes: 'Probes with a result for the condition: the sums run over them.',
  },
  'fig8-10-categories.csv': {
    probes: 'Probes of this category and language (aligned or not).',
    misaligned: 'Misaligned probes of this category and language.',
  },
  'fig3-6-error-reduction-bins.csv': { n: 'Improved probes of the model, language and condition: the values binned.' },
  'fig5-9-zero-shot-error-bins.csv': { n: 'Misaligned probes of the model and language: the zero-shot errors binned.' },
  'soft-alignment.csv': { n: 'Misaligned probes with a result for the condition and both distances defined.' },
  'explanations.csv': { outcome: "The probe's outcome under the condition by the paper's rule." },
  'controls.csv': {
    improvedShare: "Share of the row's n probes improved by the paper's rule under the control.",
    n: 'Misaligned probes measured under both the control and its reference: the denominator of every share and mean.',
    meanInvalidShare: "Mean share of the control's responses that gave neither option, over the row's n probes.",
    mostlyUnreadable:
      "true when meanInvalidShare or referenceMeanInvalidShare is at least the run's unreadable threshold: the difference says how the model handles the prompt's format, not what it thinks.",
  },
  'k-curve.csv': {
    condition:
      "The condition measured at this k: the strategy itself at the run's k, else its k control (chrf-all/k=3).",
    mostlyUnreadable: "true when meanInvalidShare is at least the run's unreadable threshold.",
  },
};

/** What a per-probe column of one condition says (probes.csv: "<condition>.<column>"). */
const CONDITION_COLUMNS: Record<string, string> = {
  n: 'Responses behind the estimate (0 for exact probabilities)',
  alignment: "Share (or probability) of responses giving the country's answer",
  invalid: 'Share of responses that gave neither option',
  outcome: "Outcome by the paper's rule: improved, unchanged or worsened",
  gatedOutcome: 'Outcome counting only a significant change',
  pValue:
    "Two-sided p-value of the change (Fisher's exact test; a two-proportion z-test for large counts; empty for exact)",
  qValue: 'The p-value adjusted (Benjamini-Hochberg) over the probes of its model, language and condition',
  errorReduction: 'Error reduction Delta = (error before - error after) / error before',
  softAlignment: "Jensen-Shannon distance to the country's answer shares",
  demonstrationIds: "The demonstrations' probe ids, separated by spaces (the first draw's)",
};

const DEFAULT_N = "The row's denominator: misaligned probes with a result for the condition.";

/** What a column of a file means; an unknown column is an error (every column must be described). */
export function describeColumn(file: string, column: string): string {
  const own = FILE_COLUMNS[file]?.[column];
  if (own) return own;
  if (column === 'n') return DEFAULT_N;
  const common = COLUMNS[column];
  if (common) return common;
  const share = /^(.+?)(Count|Share|ShareLower|ShareUpper)$/.exec(column);
  if (share && SHARE_SUBJECTS[share[1]!]) {
    const subject = SHARE_SUBJECTS[share[1]!]!;
    switch (share[2]) {
      case 'Count':
        return `Number of ${subject}.`;
      case 'Share':
        return `Share of ${subject}, of the row's denominator; empty when it is 0.`;
      case 'ShareLower':
        return `Lower end of the 95% Wilson interval of ${share[1]}Share.`;
      default:
        return `Upper end of the 95% Wilson interval of ${share[1]}Share.`;
    }
  }
  const perCondition = /^(.+)\.(\w+)$/.exec(column);
  if (perCondition && isCondition(perCondition[1]!) && CONDITION_COLUMNS[perCondition[2]!])
    return `${CONDITION_COLUMNS[perCondition[2]!]}, under ${perCondition[1]}; empty where the probe has no result for it.`;
  throw new Error(`the codebook has no description of column "${column}" of ${file}`);
}

export interface CodebookRow {
  file: string;
  column: string;
  description: string;
}

/** One row per column of every file written, in the files' order and their columns' order. */
export function codebookRows(
  files: readonly { file: string; columns: readonly string[] }[],
  style: ColumnNameStyle,
): CodebookRow[] {
  return files.flatMap(({ file, columns }) =>
    columns.map((column) => ({ file, column: columnName(column, style), description: describeColumn(file, column) })),
  );
}
