// The one result of every estimator: how a model's responses to one prompt fall on option 1, option 2 and
// invalid, with the distinct response texts behind those shares and what the estimate cost.

import { ESTIMATORS } from '../../shared/method.js';

export { ESTIMATORS };
export type Estimator = (typeof ESTIMATORS)[number];

export type Answer = 1 | 2 | 'invalid';

export interface DistinctResponse {
  text: string;
  /** How many of the N responses (sampled, tree) or the probability of this response (exact). */
  weight: number;
  answer: Answer;
}

export interface ResponseDistribution {
  estimator: Estimator;
  /** The number of responses the estimate stands for; exact probabilities stand for no finite number: 0. */
  n: number;
  /** Shares (sampled, tree) or probabilities (exact) of option 1, option 2 and invalid responses. */
  option1: number;
  option2: number;
  invalid: number;
  /** Distinct response texts, heaviest first. The tree and exact estimators stop a response once its answer is fixed. */
  responses: DistinctResponse[];
  /** Tokens the model evaluated after the prompt (what the estimate cost beyond the shared prompt). */
  tokenEvaluations: number;
  /** Tokens of the prompt, evaluated once per estimate. */
  promptTokens: number;
  /**
   * Of those, the tokens a local model still held in its KV cache from the prompt before (the shared instruction)
   * and did not evaluate again. Like `wallMs` it depends on what ran before, never on the result; absent in
   * measurements stored before it was counted.
   */
  cachedPromptTokens?: number;
  /** Wall time of the estimate, from asking for it (the prompt's evaluation included) to its answer. */
  wallMs: number;
  /**
   * Of that, the time inside llama.cpp's evaluations (local models): what is left of `wallMs` is the workbench's
   * own work and waiting. Absent for API models and in measurements stored before it was measured.
   */
  llamaMs?: number;
  /**
   * Exact only: probability mass the estimate did not resolve (pruned branches, undecided branches and, for API
   * models, next-token mass the server did not reveal). The option probabilities are exact to within it.
   */
  errorBound: number;
}

/** Collects responses by text and computes the shares. */
export class ResponseTally {
  private readonly byText = new Map<string, DistinctResponse>();

  add(text: string, answer: Answer, weight: number): void {
    const existing = this.byText.get(text);
    if (existing) existing.weight += weight;
    else this.byText.set(text, { text, weight, answer });
  }

  /** The distribution, with shares normalised by `total` (N for counts, 1 for probabilities). */
  result(
    fields: Omit<ResponseDistribution, 'option1' | 'option2' | 'invalid' | 'responses'>,
    total: number,
  ): ResponseDistribution {
    const responses = [...this.byText.values()].sort(
      (a, b) => b.weight - a.weight || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
    );
    const sum = (answer: Answer) => responses.filter((r) => r.answer === answer).reduce((s, r) => s + r.weight, 0);
    // Sums of weights that add up to the total can land a rounding step outside [0, 1]: a share is a probability.
    const share = (answer: Answer) => (total > 0 ? clampProbability(sum(answer) / total) : 0);
    return { ...fields, option1: share(1), option2: share(2), invalid: share('invalid'), responses };
  }
}

/**
 * One distribution from the distributions of several prompts of the same draws: counts (sampled, tree) add up,
 * each part standing for its own responses; exact probabilities mix by the parts' weights (which sum to 1 after
 * normalising). The cost fields add up; an exact mixture's error bound is the weighted sum of the parts'.
 */
export function mixDistributions(
  parts: readonly { distribution: ResponseDistribution; weight: number }[],
): ResponseDistribution {
  if (parts.length === 0) throw new Error('a mixture needs at least one distribution');
  if (parts.length === 1) return parts[0]!.distribution;
  const estimator = parts[0]!.distribution.estimator;
  if (parts.some((p) => p.distribution.estimator !== estimator))
    throw new Error('a mixture takes distributions of one estimator');
  const exact = estimator === 'exact';
  const totalWeight = parts.reduce((sum, p) => sum + p.weight, 0);
  const tally = new ResponseTally();
  let errorBound = 0;
  for (const { distribution, weight } of parts) {
    const factor = exact ? weight / totalWeight : 1;
    for (const r of distribution.responses) tally.add(r.text, r.answer, r.weight * factor);
    errorBound += factor * distribution.errorBound;
  }
  const n = exact ? 0 : parts.reduce((sum, p) => sum + p.distribution.n, 0);
  const sum = (field: 'tokenEvaluations' | 'promptTokens' | 'cachedPromptTokens' | 'wallMs' | 'llamaMs') =>
    parts.reduce((total, p) => total + (p.distribution[field] ?? 0), 0);
  const measuredInLlama = parts.some((p) => p.distribution.llamaMs !== undefined);
  return tally.result(
    {
      estimator,
      n,
      tokenEvaluations: sum('tokenEvaluations'),
      promptTokens: sum('promptTokens'),
      cachedPromptTokens: sum('cachedPromptTokens'),
      wallMs: sum('wallMs'),
      ...(measuredInLlama ? { llamaMs: sum('llamaMs') } : {}),
      errorBound: exact ? errorBound : 0,
    },
    exact ? 1 : n,
  );
}

function clampProbability(x: number): number {
  return Math.min(1, Math.max(0, x));
}

/**
 * How far a stored share may lie outside [0, 1] and still be read as rounding. Exact estimates stored before their
 * next-token probabilities were renormalised in doubles carry llama.cpp's float32 rounding, products of up to a
 * token limit of float32 sums (1.0000000043798984 was seen); anything further out is a fault, not rounding.
 */
export const STORED_SHARE_TOLERANCE = 1e-5;

/**
 * A distribution as stored (in a run's journal, the estimate cache), with its shares read as probabilities: one
 * rounding step outside [0, 1] is brought back inside, anything beyond the tolerance is reported as a fault.
 */
export function readStoredDistribution(json: string): ResponseDistribution {
  const distribution = JSON.parse(json) as ResponseDistribution;
  for (const field of ['option1', 'option2', 'invalid'] as const) {
    const value = distribution[field];
    if (typeof value !== 'number' || !(value >= -STORED_SHARE_TOLERANCE && value <= 1 + STORED_SHARE_TOLERANCE)) {
      throw new Error(`a stored distribution has ${field} = ${value}, which is no probability`);
    }
    distribution[field] = clampProbability(value);
  }
  return distribution;
}

/** The fields of a distribution that depend on the machine and on what ran before, never on the result. */
export const COST_FIELDS = ['wallMs', 'llamaMs', 'cachedPromptTokens'] as const;
type CostField = (typeof COST_FIELDS)[number];

/** A distribution without its cost fields: what a rerun, a resumed run or another machine must repeat exactly. */
export function withoutCosts<T extends object>(distribution: T): Omit<T, CostField> {
  const rest = { ...distribution } as Record<string, unknown>;
  for (const field of COST_FIELDS) delete rest[field];
  return rest as Omit<T, CostField>;
}
