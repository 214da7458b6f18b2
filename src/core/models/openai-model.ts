// Models behind OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server, Ollama) through the official SDK:
// sampled responses in chat or plain-text form, and next-token log-probabilities for the tree and exact
// estimators. Retries, fail-over between several servers and the per-server concurrency limit are ours (the
// SDK's own retries are off), so they behave the same for every backend and are tested; gemini-model uses them too.

import OpenAI from 'openai';
import pLimit, { type LimitFunction } from 'p-limit';
import { UserError } from '../errors.js';
import { SeededRandom, deriveSeed } from '../random/index.js';
import type {
  GenerationRequest,
  GenerationResult,
  ModelKind,
  NextTokenDistribution,
  NextTokenModel,
  ResponseModel,
  SamplingSettings,
} from './model-types.js';

// ---------------------------------------------------------------------------------------------------------
// The request pool: retries, backoff, retry-after, fail-over, concurrency per endpoint, cancellation.
// ---------------------------------------------------------------------------------------------------------

export interface RetryPolicy {
  /** Retries on one endpoint after its first try (so at most maxRetries + 1 requests there). */
  maxRetries: number;
  /** Backoff before retry k (k = 0, 1, …): min(maxDelayMs, baseDelayMs · 2^k), times a jitter in [0.5, 1). */
  baseDelayMs: number;
  /** Cap of a backoff and of a server's retry-after. */
  maxDelayMs: number;
  /** One attempt (slot taken to answer read) may last this long; then it counts as a failed, retryable try. */
  timeoutMs: number;
  /** An endpoint that failed is tried last by other requests for this long. */
  endpointCooldownMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
  endpointCooldownMs: 30_000,
};

/** How the pool should treat a failed attempt. */
export type AttemptOutcome =
  /** Try the same endpoint again after retryAfterMs (the server's word) or a backoff. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** Retrying here is pointless (connection refused): go to the next endpoint now. */
  | { kind: 'failover'; reason: string }
  /** The user's mistake or a bug: no retry anywhere. */
  | { kind: 'fatal'; error: Error };

export interface PoolEndpoint {
  readonly url: string;
  readonly index: number;
  readonly limit: LimitFunction;
  /** Until then the endpoint is tried only after the healthy ones. */
  downUntil: number;
  /** A rate limit: no request starts here before this time (Date.now() scale). */
  pausedUntil: number;
}

class AttemptTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

/** The error a cancelled request rejects with: the signal's reason (an AbortError unless the caller chose one). */
export function cancellationError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? 'The request was cancelled.' : String(reason));
  error.name = 'AbortError';
  return error;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancellationError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancellationError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Rejects as soon as the signal fires, even while `promise` still waits (e.g. in a concurrency queue). */
function raceCancellation<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(cancellationError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Milliseconds a server asks us to wait: `retry-after-ms` (OpenAI's), else `retry-after` as seconds or as an
 * HTTP date. Undefined when neither is there or readable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms != null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers?.get('retry-after');
  if (after == null || after.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Errors of a connection that broke after it was made: reset, or closed in the middle of the answer. */
export function isDroppedConnection(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code)) return true;
    // undici's words; the Gemini SDK keeps only the message ("Error fetching from …: fetch failed"), not the cause.
    if (/^(terminated|other side closed|socket hang up)$/i.test(e.message) || /fetch failed$/.test(e.message)) {
      return true;
    }
  }
  return false;
}

export function isConnectionRefused(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === 'ECONNREFUSED') return true;
    if (e instanceof AggregateError && e.errors.some(isConnectionRefused)) return true;
  }
  return false;
}

/**
 * Runs requests over one or more endpoints of a model: at most `concurrency` at a time per endpoint, the least
 * loaded healthy endpoint first, retries with backoff (or the server's retry-after) on the same endpoint, then
 * the next endpoint; only when every endpoint failed does the request fail, naming them all.
 */
export class EndpointPool<E extends PoolEndpoint> {
  constructor(
    private readonly modelName: string,
    readonly endpoints: readonly E[],
    private readonly policy: RetryPolicy,
    /** Turns an attempt's error into what to do next; timeouts and cancellation never reach it. */
    private readonly classify: (error: unknown, endpoint: E) => AttemptOutcome,
  ) {}

  async run<T>(
    options: { signal?: AbortSignal | undefined; jitterSeed: number },
    attempt: (endpoint: E, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { signal } = options;
    if (signal?.aborted) throw cancellationError(signal);
    const failures: string[] = [];
    for (const endpoint of this.order()) {
      const result = await this.tryEndpoint(endpoint, options.jitterSeed, attempt, signal);
      if (result.ok) return result.value;
      endpoint.downUntil = Date.now() + this.policy.endpointCooldownMs;
      failures.push(`${endpoint.url}: ${result.reason}`);
    }
    const plural = this.endpoints.length > 1 ? `none of its ${this.endpoints.length} servers answered` : 'its server did not answer';
    throw new UserError(
      'model-unreachable',
      `Model "${this.modelName}": ${plural} (${failures.join('; ')}). Check that the server is running and that the URL is right.`,
    );
  }

  /** Healthy endpoints by load, then failed ones by how long ago they failed: those may have come back. */
  private order(): E[] {
    const now = Date.now();
    const load = (e: E): number => e.limit.activeCount + e.limit.pendingCount;
    const up = this.endpoints.filter((e) => e.downUntil <= now).sort((a, b) => load(a) - load(b) || a.index - b.index);
    const down = this.endpoints.filter((e) => e.downUntil > now).sort((a, b) => a.downUntil - b.downUntil);
    return [...up, ...down];
  }

  private async tryEndpoint<T>(
    endpoint: E,
    jitterSeed: number,
    attempt: (endpoint: E, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    for (let retry = 0; ; retry++) {
      let outcome: AttemptOutcome;
      try {
        const value = await raceCancellation(
          endpoint.limit(() => this.once(endpoint, attempt, signal)),
          signal,
        );
        endpoint.downUntil = 0;
        return { ok: true, value };
      } catch (error) {
        if (signal?.aborted) throw cancellationError(signal);
        outcome =
          error instanceof AttemptTimeout ? { kind: 'retry', reason: `timed out (${error.message})` } : this.classify(error, endpoint);
      }
      if (outcome.kind === 'fatal') throw outcome.error;
      if (outcome.kind === 'failover') return { ok: false, reason: outcome.reason };
      if (retry >= this.policy.maxRetries) {
        return { ok: false, reason: `${outcome.reason} (${retry + 1} ${retry === 0 ? 'try' : 'tries'})` };
      }
      let delay: number;
      if (outcome.retryAfterMs !== undefined) {
        delay = Math.min(this.policy.maxDelayMs, outcome.retryAfterMs);
        // A rate limit holds for the whole endpoint: requests queued behind this one wait too.
        endpoint.pausedUntil = Math.max(endpoint.pausedUntil, Date.now() + delay);
      } else {
        const jitter = new SeededRandom(deriveSeed(jitterSeed, endpoint.url, retry)).float();
        delay = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** retry) * (0.5 + 0.5 * jitter);
      }
      await sleep(delay, signal);
    }
  }

  /** One attempt inside the endpoint's slot, with its own signal: the caller's cancellation or our timeout. */
  private async once<T>(
    endpoint: E,
    attempt: (endpoint: E, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    await sleep(endpoint.pausedUntil - Date.now(), signal);
    if (signal?.aborted) throw cancellationError(signal);
    // A fresh signal per attempt: the SDKs add listeners to the signal they get and never remove them.
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new AttemptTimeout(this.policy.timeoutMs));
    }, this.policy.timeoutMs);
    try {
      return await attempt(endpoint, controller.signal);
    } catch (error) {
      if (timedOut && !signal?.aborted) throw new AttemptTimeout(this.policy.timeoutMs);
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

/** Collects n responses from calls that may return fewer than asked (n refused or ignored by the server). */
export async function collectResponses(
  n: number,
  signal: AbortSignal | undefined,
  call: (want: number, callIndex: number, signal: AbortSignal) => Promise<{ texts: string[]; promptTokens: number; completionTokens: number }>,
): Promise<GenerationResult> {
  // Our own controller, so that when one call fails for good the calls still running are stopped.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) throw cancellationError(signal);
  signal?.addEventListener('abort', onAbort, { once: true });
  const perCall: string[][] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  let calls = 0;
  const one = async (want: number): Promise<void> => {
    const index = calls++;
    const result = await call(want, index, controller.signal);
    perCall[index] = result.texts.slice(0, want);
    promptTokens += result.promptTokens;
    completionTokens += result.completionTokens;
  };
  const count = (): number => perCall.reduce((sum, texts) => sum + (texts?.length ?? 0), 0);
  try {
    await one(n);
    // A server that gave fewer answers than asked takes the rest one call each, in parallel (bounded by the
    // endpoint's limit). Three rounds: a server that keeps answering with nothing is broken, not slow.
    for (let round = 0; count() < n; round++) {
      if (round === 3) throw new Error(`the server returned ${count()} of ${n} responses after ${calls} calls`);
      const missing = n - count();
      await Promise.all(Array.from({ length: missing }, () => one(1)));
    }
  } catch (error) {
    controller.abort();
    if (signal?.aborted) throw cancellationError(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  // In call order, not arrival order, so that a seeded run lists its responses the same way every time.
  return { texts: perCall.flat().slice(0, n), promptTokens, completionTokens };
}

/** The seed of the i-th call of a request: the request's own for the first, derived ones for the rest. */
export function callSeed(seed: number, callIndex: number): number {
  return callIndex === 0 ? seed : deriveSeed(seed, 'call', callIndex);
}

/** Server messages may quote the key; this keeps it out of every message we make. */
export function redact(text: string, secret: string): string {
  const clean = secret ? text.split(secret).join('[key]') : text;
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

export function validateRequest(modelName: string, request: { n: number; maxTokens: number }): void {
  if (!Number.isInteger(request.n) || request.n < 1) {
    throw new UserError('invalid-request', `Model "${modelName}": the number of responses must be a whole number of at least 1, not ${request.n}.`);
  }
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) {
    throw new UserError('invalid-request', `Model "${modelName}": the response limit must be a whole number of tokens, at least 1, not ${request.maxTokens}.`);
  }
}

export function positiveInteger(modelName: string, label: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new UserError('invalid-model-config', `Model "${modelName}": ${label} must be a whole number of at least 1, not ${v}.`);
  }
  return v;
}

export function distributionFrom(modelName: string, entries: { text: string; logprob: number }[]): NextTokenDistribution {
  const tokens = entries
    .filter((e) => Number.isFinite(e.logprob))
    .map((e) => ({ text: e.text, probability: Math.exp(e.logprob) }))
    .sort((a, b) => b.probability - a.probability);
  if (tokens.length === 0) {
    throw new UserError('logprobs-unavailable', `Model "${modelName}": the server returned no log-probabilities.`);
  }
  const sum = tokens.reduce((s, t) => s + t.probability, 0);
  return { tokens, missingMass: Math.max(0, 1 - sum) };
}

// ---------------------------------------------------------------------------------------------------------
// The OpenAI-compatible model.
// ---------------------------------------------------------------------------------------------------------

export interface OpenAIModelConfig {
  /** The name the user gave the model in the workbench; every message names it. */
  name: string;
  /** The server's model id, e.g. "gpt-4o-mini" or "Qwen/Qwen2.5-7B-Instruct". */
  model: string;
  /** One or more OpenAI-compatible servers, each up to its /v1, e.g. "http://127.0.0.1:8000/v1". */
  baseUrls: string[];
  /** Already resolved (see api-keys.ts); empty for local servers that need none. */
  apiKey: string;
  /** Requests at once per server (default 4). */
  concurrencyPerEndpoint?: number;
  /** Retries per server after the first try (default 4). */
  maxRetries?: number;
  /** One attempt's limit in ms (default 60 000). */
  timeoutMs?: number;
  /** First backoff in ms (default 500); doubles per retry. */
  retryBaseDelayMs?: number;
  /** Cap of backoffs and of servers' retry-after in ms (default 30 000). */
  retryMaxDelayMs?: number;
  /** How long a failed server is tried last, in ms (default 30 000). */
  endpointCooldownMs?: number;
  /**
   * Where next-token probabilities come from: legacy completions (prompt + prefix, any prefix; default) or
   * chat `top_logprobs` for servers that only have chat (then only at the start of the answer).
   */
  nextTokenForm?: 'completions' | 'chat';
}

/** What we learnt about one server's tolerance of optional parameters, so we ask it only once. */
interface OpenAIEndpoint extends PoolEndpoint {
  readonly client: OpenAI;
  /** false once the server refused n > 1 or silently answered fewer choices. */
  multipleChoices?: boolean;
  /** false once the server refused `seed`. */
  seed?: boolean;
  /** OpenAI's reasoning models refuse max_tokens and want max_completion_tokens. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

type Choice = { text: string; index: number };
interface CallResult {
  texts: string[];
  promptTokens: number;
  completionTokens: number;
}

function apiErrorText(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}

/** A 400/422 that says the server does not take n > 1 (OpenAI's reasoning models, llama.cpp server). */
function isChoicesRejection(error: unknown): boolean {
  if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) return false;
  const text = apiErrorText(error);
  return error.param === 'n' || /['"`]n['"`]|\bn\s*(must|should|is|can)\b|\bn\s*(>=?|!=|==?)\s*1\b|completion choice|multiple choices/i.test(text);
}

function isParamRejection(error: unknown, param: string): boolean {
  if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) return false;
  return error.param === param || new RegExp(`['"\`]?\\b${param}\\b['"\`]?`, 'i').test(apiErrorText(error));
}

export class OpenAIModel implements ResponseModel, NextTokenModel {
  readonly kind: ModelKind = 'openai';
  readonly name: string;
  private readonly pool: EndpointPool<OpenAIEndpoint>;
  private closed = false;

  constructor(private readonly config: OpenAIModelConfig) {
    this.name = config.name;
    if (!config.model.trim()) throw new UserError('invalid-model-config', `Model "${config.name}": the model id is empty.`);
    if (config.baseUrls.length === 0) {
      throw new UserError('invalid-model-config', `Model "${config.name}": give at least one server URL (e.g. http://127.0.0.1:8000/v1).`);
    }
    for (const url of config.baseUrls) {
      let protocol = '';
      try {
        protocol = new URL(url).protocol;
      } catch {
        // reported below
      }
      if (protocol !== 'http:' && protocol !== 'https:') {
        throw new UserError('invalid-model-config', `Model "${config.name}": "${url}" is not an http(s) URL.`);
      }
    }
    const concurrency = positiveInteger(config.name, 'the concurrency per server', config.concurrencyPerEndpoint, 4);
    const policy: RetryPolicy = {
      maxRetries: config.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: config.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: config.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      timeoutMs: positiveInteger(config.name, 'the timeout', config.timeoutMs, DEFAULT_RETRY_POLICY.timeoutMs),
      endpointCooldownMs: config.endpointCooldownMs ?? DEFAULT_RETRY_POLICY.endpointCooldownMs,
    };
    const endpoints = config.baseUrls.map(
      (url, index): OpenAIEndpoint => ({
        url,
        index,
        limit: pLimit(concurrency),
        downUntil: 0,
        pausedUntil: 0,
        maxTokensField: 'max_tokens',
        client: new OpenAI({
          // The SDK refuses to start without a key; local servers need none, so a placeholder goes in and the
          // Authorization header is removed again below.
          apiKey: config.apiKey || 'no-key',
          baseURL: url,
          // Ours retry (tested, shared with Gemini); the SDK's would multiply them and hide the 429s.
          maxRetries: 0,
          // Our pool times attempts out; the SDK's timeout is only a backstop behind it.
          timeout: policy.timeoutMs + 1000,
          // Never the OPENAI_ORG_ID / OPENAI_PROJECT_ID of the environment: they would go to every server.
          organization: null,
          project: null,
          ...(config.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
        }),
      }),
    );
    this.pool = new EndpointPool(config.name, endpoints, policy, (error, endpoint) => this.classify(error, endpoint));
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    this.assertOpen();
    validateRequest(this.name, request);
    return collectResponses(request.n, request.signal, (want, callIndex, signal) => {
      const seed = callSeed(request.seed, callIndex);
      return this.pool.run({ signal, jitterSeed: seed }, (endpoint, attemptSignal) =>
        this.generateOn(endpoint, request, want, seed, attemptSignal),
      );
    });
  }

  async nextTokenDistribution(request: {
    text: string;
    prefix: string;
    topLogprobs: number;
    signal?: AbortSignal;
  }): Promise<NextTokenDistribution> {
    this.assertOpen();
    const k = positiveInteger(this.name, 'the number of top log-probabilities', request.topLogprobs, 1);
    const chat = this.config.nextTokenForm === 'chat';
    if (chat && request.prefix !== '') {
      throw new UserError(
        'next-token-prefix-unsupported',
        `Model "${this.name}": a chat-only server reveals next-token probabilities only at the start of the answer, not after "${request.prefix}". Use a server with the completions endpoint (nextTokenForm "completions") for this estimator.`,
      );
    }
    const entries = await this.pool.run({ signal: request.signal, jitterSeed: deriveSeed(request.text, request.prefix) }, async (endpoint, signal) => {
      if (chat) {
        const response = await endpoint.client.chat.completions.create(
          {
            model: this.config.model,
            messages: [{ role: 'user', content: request.text }],
            ...(endpoint.maxTokensField === 'max_tokens' ? { max_tokens: 1 } : { max_completion_tokens: 1 }),
            logprobs: true,
            top_logprobs: k,
          },
          { signal },
        );
        const first = response.choices[0]?.logprobs?.content?.[0];
        return (first?.top_logprobs ?? []).map((t) => ({ text: t.token, logprob: t.logprob }));
      }
      const response = await endpoint.client.completions.create(
        { model: this.config.model, prompt: request.text + request.prefix, max_tokens: 1, logprobs: k },
        { signal },
      );
      const top = response.choices[0]?.logprobs?.top_logprobs?.[0] ?? {};
      return Object.entries(top).map(([text, logprob]) => ({ text, logprob }));
    });
    if (entries.length === 0) {
      throw new UserError(
        'logprobs-unavailable',
        `Model "${this.name}" (${this.config.model}): the server answered without log-probabilities; it may not offer them for this model.`,
      );
    }
    return distributionFrom(this.name, entries);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Model "${this.name}" was closed`);
  }

  /** One attempt on one server, adapting to what it refuses (n > 1, seed, max_tokens) and remembering it. */
  private async generateOn(
    endpoint: OpenAIEndpoint,
    request: GenerationRequest,
    want: number,
    seed: number,
    signal: AbortSignal,
  ): Promise<CallResult> {
    // Each refusal switches one thing off for good, so three passes are enough for all of them.
    for (let pass = 0; ; pass++) {
      const k = endpoint.multipleChoices === false ? 1 : want;
      try {
        const result = await this.createOnce(endpoint, request, k, endpoint.seed === false ? undefined : seed, signal);
        if (k > 1) endpoint.multipleChoices = result.texts.length >= k; // Ollama answers one choice whatever n is
        return result;
      } catch (error) {
        if (pass >= 3) throw error;
        if (k > 1 && isChoicesRejection(error)) endpoint.multipleChoices = false;
        else if (endpoint.seed !== false && isParamRejection(error, 'seed')) endpoint.seed = false;
        else if (endpoint.maxTokensField === 'max_tokens' && isParamRejection(error, 'max_tokens') && /max_completion_tokens/.test(String((error as Error).message))) {
          endpoint.maxTokensField = 'max_completion_tokens';
        } else throw error;
      }
    }
  }

  private async createOnce(
    endpoint: OpenAIEndpoint,
    request: GenerationRequest,
    k: number,
    seed: number | undefined,
    signal: AbortSignal,
  ): Promise<CallResult> {
    const common = {
      model: this.config.model,
      ...(k > 1 ? { n: k } : {}),
      ...samplingBody(request.sampling),
      ...(seed !== undefined ? { seed: wireSeed(seed) } : {}),
    };
    let choices: Choice[];
    let usage: OpenAI.CompletionUsage | undefined;
    if (request.chat) {
      const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
        ...common,
        ...(endpoint.maxTokensField === 'max_tokens' ? { max_tokens: request.maxTokens } : { max_completion_tokens: request.maxTokens }),
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      };
      const response = await endpoint.client.chat.completions.create(body, { signal });
      choices = response.choices.map((c) => ({ text: c.message.content ?? '', index: c.index }));
      usage = response.usage;
    } else {
      const body: OpenAI.CompletionCreateParamsNonStreaming = { ...common, max_tokens: request.maxTokens, prompt: request.text };
      const response = await endpoint.client.completions.create(body, { signal });
      choices = response.choices.map((c) => ({ text: c.text, index: c.index }));
      usage = response.usage;
    }
    return {
      texts: choices.sort((a, b) => a.index - b.index).map((c) => c.text),
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
    };
  }

  private where(endpoint: PoolEndpoint): string {
    return `Model "${this.name}" (${this.config.model} at ${endpoint.url})`;
  }

  private classify(error: unknown, endpoint: OpenAIEndpoint): AttemptOutcome {
    if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'retry', reason: 'timed out' };
    if (error instanceof OpenAI.APIConnectionError) {
      if (isConnectionRefused(error)) return { kind: 'failover', reason: 'connection refused' };
      return { kind: 'retry', reason: `connection failed${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` };
    }
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      const status = error.status;
      if (status === 408 || status === 409 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(error.headers);
        return {
          kind: 'retry',
          reason: status === 429 ? 'rate limited (HTTP 429)' : `HTTP ${status}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        };
      }
      const serverSays = redact(apiErrorText(error), this.config.apiKey);
      const where = this.where(endpoint);
      if (status === 401) {
        // The server's text is left out: OpenAI quotes (part of) the refused key in it.
        const message = this.config.apiKey
          ? `${where}: the API key was refused (HTTP 401). Check that it is current and belongs to this server.`
          : `${where}: the server wants an API key (HTTP 401) and none is configured; name an environment variable that holds it.`;
        return { kind: 'fatal', error: new UserError('api-key-refused', message) };
      }
      if (status === 403) {
        return {
          kind: 'fatal',
          error: new UserError('api-access-denied', `${where}: the API key may not use this model (HTTP 403): ${serverSays}`),
        };
      }
      if (status === 404) {
        return {
          kind: 'fatal',
          error: new UserError(
            'model-not-found',
            `${where}: the server does not know model "${this.config.model}" (HTTP 404: ${serverSays}). Check the model id, and that the URL ends in /v1.`,
          ),
        };
      }
      const param = error.param ? ` (parameter ${error.param})` : '';
      const hint = /top_k|min_p/.test(serverSays + param) ? ' Remove topK / minP from this model\'s sampling settings: the server does not take them.' : '';
      return {
        kind: 'fatal',
        error: new UserError('request-rejected', `${where}: the server rejected the request${param} (HTTP ${status}): ${serverSays}${hint}`),
      };
    }
    if (isDroppedConnection(error)) return { kind: 'retry', reason: 'connection dropped' };
    return { kind: 'fatal', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The seed as servers take it: unsigned 32 bits (llama.cpp reads it as uint32), and never 0xFFFFFFFF, which
 * llama.cpp takes as "pick a random seed".
 */
export function wireSeed(seed: number): number {
  const unsigned = seed >>> 0;
  return unsigned === 0xffffffff ? 0xfffffffe : unsigned;
}

/** Sampling settings in the body; top_k and min_p are vLLM / llama.cpp extensions, sent only when set. */
function samplingBody(sampling: SamplingSettings): { temperature: number; top_p?: number; top_k?: number; min_p?: number } {
  return {
    temperature: sampling.temperature,
    ...(sampling.topP !== undefined ? { top_p: sampling.topP } : {}),
    ...(sampling.topK !== undefined ? { top_k: sampling.topK } : {}),
    ...(sampling.minP !== undefined ? { min_p: sampling.minP } : {}),
  };
}
