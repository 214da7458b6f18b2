// One response drawn token by token: the next token drawn from the distribution after the tokens so far, until
// the response ends or reaches the token limit. The one sampling loop of the workbench: a local model's
// `generate` and the `sampled` estimator both draw their responses with it.

import { throwIfCancelled } from '../cancellation.js';
import { sampleOne, type SeededRandom } from '../random/index.js';

/** What drawing a response needs from a model: the next-token probabilities after a prefix, and the end. */
export interface NextTokenSource<T> {
  next(responseTokens: readonly T[]): Promise<{ probabilities: ReadonlyMap<T, number> }>;
  isEnd(token: T): boolean;
}

/** The tokens of one response (without the end token); checks the signal before every token. */
export async function sampleResponse<T>(
  source: NextTokenSource<T>,
  maxTokens: number,
  random: SeededRandom,
  signal?: AbortSignal,
): Promise<T[]> {
  const tokens: T[] = [];
  for (;;) {
    throwIfCancelled(signal);
    if (tokens.length >= maxTokens) return tokens;
    const token = sampleOne((await source.next(tokens)).probabilities, random);
    if (token === undefined || source.isEnd(token)) return tokens;
    tokens.push(token);
  }
}
