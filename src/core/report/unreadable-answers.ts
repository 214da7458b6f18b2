// What the Results page warns of first: the model × language cells whose answers were mostly unreadable, how many
// answers that was, the responses the model gave most often instead of an option, and what to try. A model that
// cannot answer the prompt in a language looks misaligned and "unchanged" by the paper's rule; these warnings say
// so before any table is read.

import { ZERO_SHOT, type Condition } from '../demos/index.js';
import type { MeasuredResult, RunConfig } from '../experiment/index.js';
import { languageName } from '../data/index.js';
import type { ResponseDistribution } from '../sampling/index.js';
import type { MisalignmentRow, OutcomeRow } from './results-tables.js';

/** How many of the most common unreadable responses a warning quotes. */
const QUOTED_RESPONSES = 3;

export interface UnreadableResponse {
  /** The response as the model gave it (trimmed). */
  text: string;
  /** Its share of the cell's unreadable responses (weights for sampled and tree, probabilities for exact). */
  share: number;
}

export interface UnreadableWarning {
  model: string;
  language: string;
  country: string;
  /** The conditions whose rows were mostly unreadable ('zero-shot' when the zero-shot answers were). */
  conditions: Condition[];
  /** Responses behind the cell's measurements (0 for exact probabilities, which stand for no finite number). */
  responses: number;
  /** Of those, the responses that gave neither option. */
  unreadableResponses: number;
  /** The mean share of unreadable responses over the cell's measurements. */
  unreadableShare: number;
  /** The responses given most often instead of an option, most common first. */
  commonResponses: UnreadableResponse[];
  /** What to try, in words, from the run's configuration. */
  suggestions: string[];
}

/**
 * The warnings of a run: one per model × language whose zero-shot answers (Fig. 7's row) or any condition's answers
 * (a Table 1 row) were mostly unreadable, in the tables' order.
 */
export function unreadableWarnings(
  measurements: readonly MeasuredResult[],
  tables: { misalignment: readonly MisalignmentRow[]; outcomes: readonly OutcomeRow[] },
  config: Pick<RunConfig, 'chat' | 'maxTokens' | 'promptTemplates' | 'unreadableThreshold'>,
): UnreadableWarning[] {
  const flagged = new Map<string, { model: string; language: string; country: string; conditions: Condition[] }>();
  const cellKey = (r: { model: string; language: string; country: string }) =>
    JSON.stringify([r.model, r.language, r.country]);
  const flag = (row: { model: string; language: string; country: string }, condition: Condition) => {
    const cell = flagged.get(cellKey(row)) ?? {
      model: row.model,
      language: row.language,
      country: row.country,
      conditions: [],
    };
    if (!cell.conditions.includes(condition)) cell.conditions.push(condition);
    flagged.set(cellKey(row), cell);
  };
  for (const row of tables.misalignment) if (row.mostlyUnreadable) flag(row, ZERO_SHOT);
  for (const row of tables.outcomes) if (row.mostlyUnreadable && row.n > 0) flag(row, row.condition);
  if (flagged.size === 0) return [];

  const byCell = new Map<string, MeasuredResult[]>();
  for (const m of measurements) {
    const key = cellKey(m);
    if (!flagged.has(key)) continue;
    const list = byCell.get(key) ?? [];
    list.push(m);
    byCell.set(key, list);
  }
  return [...flagged.entries()].map(([key, cell]) => {
    const cellMeasurements = (byCell.get(key) ?? []).filter((m) => cell.conditions.includes(m.condition));
    let responses = 0;
    let unreadableResponses = 0;
    let invalidSum = 0;
    const weights = new Map<string, number>();
    let unreadableWeight = 0;
    for (const m of cellMeasurements) {
      const distribution = JSON.parse(m.distributionJson) as ResponseDistribution;
      responses += distribution.n;
      unreadableResponses += Math.round(distribution.invalid * distribution.n);
      invalidSum += distribution.invalid;
      for (const response of distribution.responses) {
        if (response.answer !== 'invalid') continue;
        const text = response.text.trim();
        weights.set(text, (weights.get(text) ?? 0) + response.weight);
        unreadableWeight += response.weight;
      }
    }
    const commonResponses = [...weights.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, QUOTED_RESPONSES)
      .map(([text, weight]) => ({ text, share: unreadableWeight > 0 ? weight / unreadableWeight : 0 }));
    return {
      ...cell,
      responses,
      unreadableResponses,
      unreadableShare: cellMeasurements.length > 0 ? invalidSum / cellMeasurements.length : 0,
      commonResponses,
      suggestions: suggestionsFor(cell.language, config),
    };
  });
}

/** What usually makes a model's answers readable, from what this run did. */
function suggestionsFor(language: string, config: Pick<RunConfig, 'chat' | 'maxTokens' | 'promptTemplates'>): string[] {
  const suggestions: string[] = [];
  if (language !== 'en' && !config.promptTemplates[language])
    suggestions.push(
      `Give the instruction in ${languageName(language)}: the ${language} prompts carried the workbench's English instruction (New run → the language's "English (translate…)", or promptTemplates.${language} in a configuration file).`,
    );
  if (!config.chat)
    suggestions.push(
      'Send chat messages (chat: on): this run gave the model the plain prompt, which an instruction-tuned model may continue instead of answering.',
    );
  suggestions.push(
    `If the responses end mid-word, raise the response limit (maxTokens, ${config.maxTokens} tokens in this run).`,
  );
  suggestions.push(
    'Open the probes (Probes tab, zero-shot) to read whole responses; a model too small for the language may not answer it at all, whatever the prompt.',
  );
  return suggestions;
}
