// The request machinery every API model shares (OpenAI-compatible servers, Gemini): retries with backoff that
// honour a server's retry-after, requests spread over several endpoints with a concurrency limit per endpoint,
// fail-over to the next endpoint, timeouts and cancellation, and the helpers around a request that are not SDK-bound.

import type { LimitFunction } from 'p-limit';
import { cancellationError, throwIfCancelled } from '../cancellation.js';
import { UserError } from '../errors.js';
import { SeededRandom, deriveSeed } from '../random/index.js';
import type { GenerationResult, NextTokenDistribution } from './model-types.js';

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

/** Requests at once per server unless a model says otherwise: what a small llama.cpp server or an API tier takes. */
export const DEFAULT_CONCURRENCY_PER_SERVER = 4;

/** How the pool should treat a failed attempt. */
export type AttemptOutcome =
  /** Try the same endpoint again after retryAfterMs (the server's word) or a backoff. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** Retrying here is pointless (connection refused): go to the next endpoint now. */
  | { kind: 'failover'; reason: string }
  /** The user's mistake or a bug: no retry anywhere. */
  | { kind: 'fatal'; error: Error };

/** The server refused for a reason no retry mends (a bad key, an unknown model): the user's to fix. */
export function refusedAttempt(code: string, message: string): AttemptOutcome {
  return { kind: 'fatal', error: new UserError(code, message) };
}

/** A status worth retrying (timeout, conflict, rate limit, server error), after the server's delay when it gave one. */
export function retryAttempt(status: number, retryAfterMs: number | undefined): AttemptOutcome {
  return {
    kind: 'retry',
    reason: status === 429 ? 'rate limited (HTTP 429)' : `HTTP ${status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

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
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
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
    if (typeof code === 'string' && /^(ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED)$/.test(code))
      return true;
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
    throwIfCancelled(signal);
    const failures: string[] = [];
    for (const endpoint of this.order()) {
      const result = await this.tryEndpoint(endpoint, options.jitterSeed, attempt, signal);
      if (result.ok) return result.value;
      endpoint.downUntil = Date.now() + this.policy.endpointCooldownMs;
      failures.push(`${endpoint.url}: ${result.reason}`);
    }
    const plural =
      this.endpoints.length > 1 ? `none of its ${this.endpoints.length} servers answered` : 'its server did not answer';
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
        throwIfCancelled(signal);
        outcome =
          error instanceof AttemptTimeout
            ? { kind: 'retry', reason: `timed out (${error.message})` }
            : this.classify(error, endpoint);
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
    throwIfCancelled(signal);
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

// ---------------------------------------------------------------------------------------------------------
// What every API model does the same way: collecting n responses, seeds per call, validation, redaction.
// ---------------------------------------------------------------------------------------------------------

/** Collects n responses from calls that may return fewer than asked (n refused or ignored by the server). */
export async function collectResponses(
  n: number,
  signal: AbortSignal | undefined,
  call: (
    want: number,
    callIndex: number,
    signal: AbortSignal,
  ) => Promise<{ texts: string[]; promptTokens: number; completionTokens: number }>,
): Promise<GenerationResult> {
  // Our own controller, so that when one call fails for good the calls still running are stopped.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  throwIfCancelled(signal);
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
    throwIfCancelled(signal);
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
    throw new UserError(
      'invalid-request',
      `Model "${modelName}": the number of responses must be a whole number of at least 1, not ${request.n}.`,
    );
  }
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) {
    throw new UserError(
      'invalid-request',
      `Model "${modelName}": the response limit must be a whole number of tokens, at least 1, not ${request.maxTokens}.`,
    );
  }
}

export function positiveInteger(modelName: string, label: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new UserError(
      'invalid-model-config',
      `Model "${modelName}": ${label} must be a whole number of at least 1, not ${v}.`,
    );
  }
  return v;
}

export function distributionFrom(
  modelName: string,
  entries: { text: string; logprob: number }[],
): NextTokenDistribution {
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
