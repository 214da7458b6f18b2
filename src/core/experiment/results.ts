// A run's measurements turned into the per-probe records the reports read: outcomes, the gated outcome, error
// reduction and soft alignment are computed here from the stored distributions, never stored themselves, so a
// change to a rule reaches every past run.

import { ZERO_SHOT, type Comparison } from '../demos/index.js';
import { readStoredDistribution, type ResponseDistribution } from '../sampling/index.js';
import { targetFromWeights, type TargetAnswer } from '../survey/index.js';
import { benjaminiHochberg } from '../statistics/index.js';
import {
  alignment,
  changePValue,
  errorReduction,
  gatedOutcome,
  isMisaligned,
  outcome,
  softAlignment,
} from './outcomes.js';
import type { ProbeRecord, StrategyResult } from './probe-record.js';
import type { MeasuredResult } from './run-journal.js';

/** Below this margin a target is contested, unless the run says otherwise (its `contestedMargin`). */
export const DEFAULT_CONTESTED_MARGIN = 0.1;

export function probeRecords(
  rows: readonly MeasuredResult[],
  misalignmentThreshold: number,
  contestedMargin = DEFAULT_CONTESTED_MARGIN,
): ProbeRecord[] {
  const byProbe = new Map<string, MeasuredResult[]>();
  for (const row of rows) {
    const key = [row.model, row.language, row.country, row.probeId].join('\u0000');
    const group = byProbe.get(key);
    if (group) group.push(row);
    else byProbe.set(key, [row]);
  }
  const records: ProbeRecord[] = [];
  const gating: Gating[] = [];
  for (const group of byProbe.values()) {
    const zero = group.find((r) => r.condition === ZERO_SHOT);
    if (!zero) continue;
    const target = targetFromWeights(zero.targetShares[0], zero.targetShares[1]) as Extract<
      TargetAnswer,
      { kind: 'majority' }
    >;
    const before = readStoredDistribution(zero.distributionJson);
    const misaligned = isMisaligned(before, target, misalignmentThreshold);
    const strategies: StrategyResult[] = group
      .filter((r) => r.condition !== ZERO_SHOT)
      .map((r) => {
        const after = readStoredDistribution(r.distributionJson);
        const result: StrategyResult = {
          condition: r.condition as Comparison,
          alignment: alignment(after, target),
          invalid: after.invalid,
          n: after.n,
          outcome: outcome(before, after, target),
          // Gated once every q-value of its table cell is known (`gate`).
          gatedOutcome: 'unchanged',
          pValue: changePValue(before, after, target),
          qValue: null,
          errorReduction: errorReduction(before, after, target),
          softAlignment: softAlignment(after, target),
          demonstrationIds: r.demonstrationIds,
        };
        if (misaligned)
          gating.push({
            cell: [r.model, r.language, r.country, r.condition].join('\u0000'),
            result,
            before,
            after,
            target,
          });
        return result;
      });
    records.push({
      model: zero.model,
      language: zero.language,
      country: zero.country,
      probeId: zero.probeId,
      category: zero.category,
      estimator: before.estimator,
      targetOption: target.option,
      targetShares: target.shares,
      zeroShot: {
        alignment: alignment(before, target),
        softAlignment: softAlignment(before, target),
        n: before.n,
        invalid: before.invalid,
      },
      targetMargin: target.margin,
      contested: target.margin < contestedMargin,
      misaligned,
      strategies: misaligned ? strategies : [],
    });
  }
  gate(gating);
  return records;
}

/** What gating needs of a result until every q-value of its cell is known. */
interface Gating {
  cell: string;
  result: StrategyResult;
  before: ResponseDistribution;
  after: ResponseDistribution;
  target: Extract<TargetAnswer, { kind: 'majority' }>;
}

/** Adjusts the p-values within each model × language × strategy (a cell of Table 1) and gates the outcomes by them. */
function gate(gating: readonly Gating[]): void {
  const cells = new Map<string, Gating[]>();
  for (const g of gating) cells.set(g.cell, [...(cells.get(g.cell) ?? []), g]);
  for (const members of cells.values()) {
    const tested = members.filter((g) => g.result.pValue !== null);
    const q = benjaminiHochberg(tested.map((g) => g.result.pValue!));
    tested.forEach((g, i) => (g.result.qValue = q[i]!));
    for (const g of members) g.result.gatedOutcome = gatedOutcome(g.before, g.after, g.target, g.result.qValue);
  }
}
