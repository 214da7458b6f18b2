// Next-token probabilities from an OpenAI-compatible server, for the exact estimator: each step asks the
// completions endpoint for the top log-probabilities after the prompt text and the response so far, then
// applies the model's sampling settings. Tokens are texts here; the server's own tokenizer stays hidden.

import { applySamplingTransform } from './sampling-transform.js';
import type { NextTokenModel, SamplingSettings } from './model-types.js';

/** Token texts that end a response on the servers we know (end of text, of sequence, of turn). */
const END_TEXTS = new Set(['', '</s>', '<|endoftext|>', '<|im_end|>', '<|eot_id|>', '<|end|>', '<eos>', '<end_of_turn>']);

export class ApiTokenSession {
  evaluations = 0;
  readonly promptTokens = 0;

  constructor(
    private readonly model: NextTokenModel,
    private readonly promptText: string,
    private readonly sampling: SamplingSettings,
    private readonly topLogprobs = 20,
    private readonly signal?: AbortSignal,
  ) {}

  async next(tokens: readonly string[]): Promise<{ probabilities: ReadonlyMap<string, number>; missingMass: number }> {
    const distribution = await this.model.nextTokenDistribution({
      text: this.promptText,
      prefix: tokens.join(''),
      topLogprobs: this.topLogprobs,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    this.evaluations++;
    return applySamplingTransform(
      distribution.tokens.map((t) => ({ token: t.text, probability: t.probability })),
      this.sampling,
    );
  }

  isEnd(token: string): boolean {
    return END_TEXTS.has(token);
  }

  text(tokens: readonly string[]): string {
    return tokens.join('');
  }

  async close(): Promise<void> {}
}
