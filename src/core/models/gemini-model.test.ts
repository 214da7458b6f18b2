// The Gemini model through @google/generative-ai against a loopback server that speaks Gemini's REST format:
// candidateCount and its fallback, Gemini's own error shapes (400 API_KEY_INVALID, RetryInfo), retries,
// log-probabilities and cancellation.

import { describe, expect, it } from 'vitest';
import { CancelledError } from '../cancellation.js';
import { UserError } from '../errors.js';
import {
  geminiFault,
  refusedUrl,
  startFakeGeminiServer,
  type FakeGeminiServer,
  type FakeGeminiServerOptions,
} from '../../testing/fake-gemini-server.js';
import { fault } from '../../testing/fake-openai-server.js';
import { closedAfterEach } from '../../testing/closed-after-each.js';
import { rejection } from '../../testing/rejection.js';
import { GeminiModel, parseRetryDelay, type GeminiModelConfig } from './gemini-model.js';
import type { GenerationRequest } from './model-types.js';

const KEY = 'AIza-test-SECRET-0123456789';
const server = closedAfterEach((options: FakeGeminiServerOptions = {}) =>
  startFakeGeminiServer({ apiKey: KEY, ...options }),
);

function model(baseUrl: string, config: Partial<GeminiModelConfig> = {}): GeminiModel {
  return new GeminiModel({
    name: 'test-gemini',
    model: 'gemini-test',
    apiKey: KEY,
    baseUrl,
    retryBaseDelayMs: 10,
    timeoutMs: 2000,
    ...config,
  });
}

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    text: 'Family is _ in my life.',
    messages: [
      { role: 'system', content: 'Answer with one word.' },
      { role: 'user', content: 'Work is _ in my life.' },
      { role: 'assistant', content: 'important' },
      { role: 'user', content: 'Family is _ in my life.' },
    ],
    chat: true,
    n: 1,
    maxTokens: 8,
    sampling: { temperature: 1, topK: 40, topP: 0.95 },
    seed: 11,
    ...overrides,
  };
}

type Body = { generationConfig?: Record<string, unknown>; contents?: unknown; systemInstruction?: unknown };
const body = (s: FakeGeminiServer, i: number): Body => s.requests[i]?.body as Body;

describe('GeminiModel: sampling', () => {
  it('gets n candidates in one request, with the generation config, roles and system instruction', async () => {
    const s = await server({ texts: ['important', 'unimportant', 'very important'] });
    const result = await model(s.url).generate(request({ n: 3 }));
    expect(result.texts).toEqual(['important', 'unimportant', 'very important']);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.path).toBe('/v1beta/models/gemini-test:generateContent');
    expect(body(s, 0).generationConfig).toEqual({
      temperature: 1,
      topK: 40,
      topP: 0.95,
      maxOutputTokens: 8,
      candidateCount: 3,
      seed: 11,
    });
    expect(body(s, 0).contents).toEqual([
      { role: 'user', parts: [{ text: 'Work is _ in my life.' }] },
      { role: 'model', parts: [{ text: 'important' }] },
      { role: 'user', parts: [{ text: 'Family is _ in my life.' }] },
    ]);
    expect(body(s, 0).systemInstruction).toEqual({ role: 'system', parts: [{ text: 'Answer with one word.' }] });
    // The key travels in a header, never in the URL (which error messages quote).
    expect(s.requests[0]?.headers['x-goog-api-key']).toBe(KEY);
    // The fake counts words: 4 + 6 + 1 + 6 prompt words, 1 + 1 + 2 answer words.
    expect(result).toMatchObject({ promptTokens: 17, completionTokens: 4 });
  });

  it('falls back to one call per response when candidateCount > 1 is refused, and remembers it', async () => {
    const s = await server({ candidateSupport: 'reject', texts: ['a', 'b', 'c'] });
    const m = model(s.url);
    const result = await m.generate(request({ chat: false, n: 3 }));
    expect(result.texts).toEqual(['a', 'b', 'c']);
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['rejected-n', 'ok', 'ok', 'ok']);
    const singles = s.requests.slice(1).map((r) => (r.body as Body).generationConfig ?? {});
    expect(singles.every((g) => !('candidateCount' in g))).toBe(true);
    expect(new Set(singles.map((g) => g.seed)).size).toBe(3);

    await m.generate(request({ n: 2 }));
    expect(s.requests).toHaveLength(6);
    expect(s.requests.slice(4).every((r) => r.fault === undefined)).toBe(true);
  });

  it('tops up when the model silently answers fewer candidates', async () => {
    const s = await server({ candidateSupport: 'ignore' });
    expect((await model(s.url).generate(request({ n: 3 }))).texts).toHaveLength(3);
    expect(s.requests).toHaveLength(3);
  });

  it('refuses min-p, which Gemini does not have', async () => {
    const s = await server();
    await expect(model(s.url).generate(request({ sampling: { temperature: 1, minP: 0.1 } }))).rejects.toThrow(/min-p/);
    expect(s.requests).toHaveLength(0);
  });
});

describe('GeminiModel: retries and errors', () => {
  it("honours Gemini's RetryInfo on 429, then succeeds", async () => {
    const s = await server();
    s.enqueue(geminiFault.rateLimited('0.5s', '9'));
    const result = await model(s.url).generate(request());
    expect(result.texts).toEqual(['important']);
    const gap = s.requests[1]!.receivedAt - s.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(480);
    expect(gap).toBeLessThan(2500);
    expect(parseRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }])).toBe(37_000);
    expect(parseRetryDelay([{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }])).toBeUndefined();
  });

  it('retries 500, dropped connections and an answer slower than the timeout', async () => {
    const s = await server();
    s.enqueue(fault.serverError(500), fault.drop(), fault.dropMidBody(), fault.slow(3000));
    const started = performance.now();
    const result = await model(s.url, { timeoutMs: 300 }).generate(request());
    expect(result.texts).toEqual(['important']);
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['status', 'drop', 'drop-mid-body', 'slow', 'ok']);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('turns a refused key (400 API_KEY_INVALID) into one UserError after one request, without the key', async () => {
    const s = await server({ apiKey: 'the-right-key' });
    const error = await rejection(model(s.url).generate(request({ n: 4 })), UserError);
    expect(error.code).toBe('api-key-refused');
    expect(error.message).toContain('test-gemini');
    expect(s.requests).toHaveLength(1);
    expect(error.message).not.toContain(KEY);
    expect(String(error.stack)).not.toContain(KEY);
  });

  it('turns 401 and 404 into UserErrors without retries', async () => {
    const s = await server({ models: ['gemini-real'] });
    const missing = await rejection(model(s.url, { model: 'gemini-typo' }).generate(request()), UserError);
    expect(missing.code).toBe('model-not-found');
    expect(missing.message).toContain('the server does not know model "gemini-typo"');
    expect(s.requests).toHaveLength(1);

    s.enqueue(fault.status(401, 'Request had invalid authentication credentials.'));
    const refused = await rejection(model(s.url, { model: 'gemini-real' }).generate(request()), UserError);
    expect(refused.code).toBe('api-key-refused');
    expect(s.requests).toHaveLength(2);
  });

  it('fails with the URL named when nothing listens', async () => {
    const url = await refusedUrl('');
    const error = await rejection(model(url, { maxRetries: 1 }).generate(request()), UserError);
    expect(error.code).toBe('model-unreachable');
    expect(error.message).toContain(url);
  });
});

describe('GeminiModel: log-probabilities', () => {
  it("reads the first token's top candidates with the missing mass", async () => {
    const s = await server({
      topLogprobs: [
        { token: 'important', logprob: Math.log(0.6) },
        { token: 'unimportant', logprob: Math.log(0.25) },
        { token: 'Important', logprob: Math.log(0.1) },
      ],
    });
    const m = model(s.url);
    const d = await m.nextTokenDistribution({ text: 'Family is _ in my life.', prefix: '', topLogprobs: 2 });
    expect(body(s, 0).generationConfig).toEqual({ maxOutputTokens: 1, responseLogprobs: true, logprobs: 2 });
    expect(d.tokens.map((t) => t.text)).toEqual(['important', 'unimportant']);
    expect(d.missingMass).toBeCloseTo(0.15, 10);
    await expect(m.nextTokenDistribution({ text: 'x', prefix: 'very', topLogprobs: 2 })).rejects.toThrow(
      /only at the start/,
    );
  });

  it('says so when the model does not offer log-probabilities', async () => {
    const s = await server({ logprobs: false });
    const error = await rejection(
      model(s.url).nextTokenDistribution({ text: 'x', prefix: '', topLogprobs: 2 }),
      UserError,
    );
    expect(error.code).toBe('logprobs-unavailable');
    expect(s.requests).toHaveLength(1);
  });
});

describe('GeminiModel: cancellation', () => {
  it('stops a request in flight and one waiting out a rate limit', async () => {
    const s = await server();
    s.enqueue(fault.slow(5000));
    const controller = new AbortController();
    const started = performance.now();
    const pending = model(s.url, { timeoutMs: 10_000 }).generate(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);

    s.enqueue(geminiFault.rateLimited('5s'));
    const waiting = new AbortController();
    const limited = model(s.url).generate(request({ signal: waiting.signal }));
    setTimeout(() => waiting.abort(), 100);
    await expect(limited).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
