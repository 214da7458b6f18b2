// Which column list of core's report (csv-report.ts) goes with which of the results tables: the tests of the CSV
// files and of the contract's zod rows both check each table against it.

import {
  CATEGORY_COLUMNS,
  EXPECTED_OUTCOME_COLUMNS,
  IMPROVEMENT_BY_LANGUAGE_COLUMNS,
  IMPROVEMENT_BY_MODEL_COLUMNS,
  MISALIGNMENT_COLUMNS,
  OUTCOME_COLUMNS,
  REDUCTION_BIN_COLUMNS,
  SOFT_ALIGNMENT_COLUMNS,
  ZERO_SHOT_ERROR_BIN_COLUMNS,
  type ResultsTables,
} from '../core/report/index.js';

/** The columns core writes for each results table, by the table's key. */
export const TABLE_COLUMNS: Record<keyof ResultsTables, readonly string[]> = {
  outcomes: OUTCOME_COLUMNS,
  expectedOutcomes: EXPECTED_OUTCOME_COLUMNS,
  outcomesUncontested: OUTCOME_COLUMNS,
  misalignment: MISALIGNMENT_COLUMNS,
  improvementByModel: IMPROVEMENT_BY_MODEL_COLUMNS,
  improvementByLanguage: IMPROVEMENT_BY_LANGUAGE_COLUMNS,
  reductionBins: REDUCTION_BIN_COLUMNS,
  zeroShotErrorBins: ZERO_SHOT_ERROR_BIN_COLUMNS,
  categories: CATEGORY_COLUMNS,
  softAlignment: SOFT_ALIGNMENT_COLUMNS,
};
