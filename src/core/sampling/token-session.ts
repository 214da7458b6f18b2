// What the tree and exact estimators need from a model: the prompt evaluated once, then the probabilities of the
// next token after any prefix of a response, with the model's sampling settings applied. A local model gives
// them from llama.cpp; an OpenAI-compatible server from top log-probabilities (with unrevealed mass reported).

export interface NextTokens<T> {
  /** Next tokens with their probabilities after the sampling transform, highest first. */
  probabilities: ReadonlyMap<T, number>;
  /** Probability mass the backend did not reveal (API models); 0 for local models. */
  missingMass: number;
}

export interface TokenSession<T> {
  /** Tokens of the prompt (evaluated once when the session opened). */
  readonly promptTokens: number;
  /** Of those, the tokens that were still in the KV cache from the prompt before, so not evaluated again. */
  readonly cachedPromptTokens: number;
  /** Time spent inside the model's own evaluations so far (llama.cpp's, for a local model); absent for API models. */
  readonly llamaMs?: number;
  /** Tokens evaluated after the prompt so far: the estimate's cost. */
  readonly evaluations: number;
  /** The next-token distribution after these response tokens. */
  next(responseTokens: readonly T[]): Promise<NextTokens<T>>;
  /** Whether a token ends the response (end of sequence or end of turn). */
  isEnd(token: T): boolean;
  /** The response text of these tokens. */
  text(responseTokens: readonly T[]): string;
  close(): Promise<void>;
}
