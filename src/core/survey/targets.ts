// The target answers of one country: each probe's answer-key codes applied to the country's answer counts or
// shares. Option shares are normalised over the two options' codes, so middle codes and other answers drop out.

import type { AnswerKey, AnswerKeyEntry } from './answer-key.js';
import type { SurveyCell } from './survey-files.js';
import { targetFromWeights, type TargetAnswer, type TargetAnswers } from './target-answer.js';

export interface TargetWarning {
  probeId: string;
  message: string;
}

export interface CountryTargets extends TargetAnswers {
  warnings: TargetWarning[];
}

/** The codes a cell covers: "3" → [3], "1-5" → [1..5]. */
export function codesOfCell(code: string): number[] {
  const [from, to = from] = code.split('-').map(Number) as [number, number?];
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** One probe's target from the cells of its variable for one country. */
export function targetFromCells(
  entry: AnswerKeyEntry,
  cells: readonly SurveyCell[],
): { target: TargetAnswer; warning?: string } {
  if (cells.length === 0)
    return { target: { kind: 'unknown', reason: `the survey has no answers to ${entry.variable} for this country` } };
  let option1 = 0;
  let option2 = 0;
  for (const cell of cells) {
    const codes = codesOfCell(cell.code);
    const in1 = codes.filter((c) => entry.option1.includes(c)).length;
    const in2 = codes.filter((c) => entry.option2.includes(c)).length;
    if (in1 === codes.length) option1 += cell.weight;
    else if (in2 === codes.length) option2 += cell.weight;
    else if (in1 === 0 && in2 === 0)
      continue; // a middle or other code: counts for neither option
    else {
      // Only a range can fall across the options' codes: the split inside it is unknown.
      const reason = `${entry.variable} code range ${cell.code} falls across the codes of the options (${entry.option1.join(' ')} | ${entry.option2.join(' ')})`;
      return { target: { kind: 'unknown', reason }, warning: reason };
    }
  }
  const target = targetFromWeights(option1, option2);
  if (target.kind === 'unknown')
    return { target: { kind: 'unknown', reason: `no answers of ${entry.variable} fall on either option` } };
  return { target };
}

/** Target answers of one country from its survey cells (all variables), for every probe of the answer key. */
export function countryTargets(country: string, key: AnswerKey, cells: readonly SurveyCell[]): CountryTargets {
  const byVariable = new Map<string, SurveyCell[]>();
  for (const cell of cells) {
    if (cell.country !== country) continue;
    byVariable.set(cell.variable, [...(byVariable.get(cell.variable) ?? []), cell]);
  }
  const targets = new Map<string, TargetAnswer>();
  const warnings: TargetWarning[] = [];
  for (const entry of key.entries) {
    const { target, warning } = targetFromCells(entry, byVariable.get(entry.variable) ?? []);
    targets.set(entry.probeId, target);
    if (warning) warnings.push({ probeId: entry.probeId, message: warning });
  }
  return {
    country,
    warnings,
    get: (probeId) => targets.get(probeId) ?? { kind: 'unknown', reason: `the answer key has no entry for ${probeId}` },
  };
}
