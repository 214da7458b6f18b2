// The OpenAI-compatible model through the official SDK against a loopback server that speaks the wire format:
// n, its fallbacks, retries (429 with retry-after, 5xx, dropped connections, timeouts), errors that must not be
// retried, fail-over between servers, the per-server limit, log-probabilities and cancellation.

import { describe, expect, it } from 'vitest';
import { CancelledError } from '../cancellation.js';
import { UserError } from '../errors.js';
import {
  fault,
  refusedUrl,
  startFakeOpenAIServer,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
} from '../../testing/fake-openai-server.js';
import { closedAfterEach } from '../../testing/closed-after-each.js';
import { rejection } from '../../testing/rejection.js';
import type { GenerationRequest } from './model-types.js';
import { OpenAIModel, type OpenAIModelConfig } from './openai-model.js';
import { parseRetryAfter } from './request-pool.js';

const server = closedAfterEach((options: FakeOpenAIServerOptions = {}) => startFakeOpenAIServer(options));

function model(baseUrls: string[], config: Partial<OpenAIModelConfig> = {}): OpenAIModel {
  return new OpenAIModel({
    name: 'test-gpt',
    model: 'gpt-test',
    baseUrls,
    apiKey: '',
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
      { role: 'user', content: 'Family is _ in my life. important or unimportant?' },
    ],
    chat: true,
    n: 1,
    maxTokens: 8,
    sampling: { temperature: 0.7, topP: 0.9 },
    seed: 7,
    ...overrides,
  };
}

type Body = Record<string, unknown>;
const body = (s: FakeOpenAIServer, i: number): Body => s.requests[i]?.body as Body;

describe('OpenAIModel: sampling', () => {
  it('gets n responses in one chat request, with the sampling settings, seed and token counts', async () => {
    const s = await server({ texts: ['important', 'unimportant', 'very important'] });
    const result = await model([s.url]).generate(request({ n: 3 }));
    expect(result.texts).toEqual(['important', 'unimportant', 'very important']);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]?.path).toBe('/v1/chat/completions');
    expect(body(s, 0)).toMatchObject({ model: 'gpt-test', n: 3, temperature: 0.7, top_p: 0.9, seed: 7, max_tokens: 8 });
    expect(body(s, 0).messages).toEqual(request().messages);
    // The fake counts words: 4 + 9 prompt words, 1 + 1 + 2 answer words.
    expect(result).toMatchObject({ promptTokens: 13, completionTokens: 4 });
    // A local server without a key gets no Authorization header at all (not "Bearer undefined").
    expect(s.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('uses the legacy completions endpoint for the plain-text form, and sends the key when there is one', async () => {
    const s = await server({ texts: ['important'], apiKey: 'sk-local' });
    const result = await model([s.url], { apiKey: 'sk-local' }).generate(
      request({ chat: false, n: 2, sampling: { temperature: 1, topK: 40 } }),
    );
    expect(result.texts).toEqual(['important', 'important']);
    expect(s.requests[0]?.path).toBe('/v1/completions');
    expect(body(s, 0)).toMatchObject({ prompt: 'Family is _ in my life.', n: 2, top_k: 40, max_tokens: 8 });
    expect(body(s, 0)).not.toHaveProperty('top_p');
    expect(s.requests[0]?.headers.authorization).toBe('Bearer sk-local');
  });

  it('falls back to one call per response when the server rejects n > 1, with distinct seeds, and remembers it', async () => {
    const s = await server({ texts: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], nSupport: 'reject-openai' });
    const m = model([s.url]);
    const first = await m.generate(request({ n: 4 }));
    expect(first.texts).toHaveLength(4);
    expect(s.requests[0]?.fault).toBe('rejected-n');
    expect(s.requests).toHaveLength(5);
    const single = s.requests.slice(1).map((r) => r.body as Body);
    expect(single.every((b) => !('n' in b))).toBe(true);
    // Identical seeds would make a seed-honouring server answer the same thing four times.
    expect(new Set(single.map((b) => b.seed)).size).toBe(4);
    expect(single[0]?.seed).toBe(7);

    await m.generate(request({ n: 3 }));
    expect(s.requests).toHaveLength(8);
    expect(s.requests.slice(5).every((r) => r.fault === undefined && !('n' in (r.body as Body)))).toBe(true);
  });

  it("recognises llama.cpp's refusal of n and tops up when a server silently answers one choice (Ollama)", async () => {
    const llama = await server({ nSupport: 'reject-llama-cpp' });
    expect((await model([llama.url]).generate(request({ n: 3 }))).texts).toHaveLength(3);
    expect(llama.requests.map((r) => r.fault ?? 'ok')).toEqual(['rejected-n', 'ok', 'ok', 'ok']);

    const ollama = await server({ nSupport: 'ignore', texts: ['x', 'y', 'z'] });
    const result = await model([ollama.url]).generate(request({ n: 3 }));
    expect(result.texts).toHaveLength(3);
    expect(ollama.requests).toHaveLength(3);
    expect(body(ollama, 0).n).toBe(3);
  });

  it('drops the seed when a server refuses it, and remembers that', async () => {
    const s = await server({ rejectParams: ['seed'] });
    const m = model([s.url]);
    await m.generate(request());
    await m.generate(request());
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['rejected-param', 'ok', 'ok']);
    expect(body(s, 1)).not.toHaveProperty('seed');
  });

  it("switches to max_completion_tokens where OpenAI's reasoning models ask for it, and sends seeds as uint32", async () => {
    const s = await server();
    s.enqueue({
      kind: 'status',
      status: 400,
      param: 'max_tokens',
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
    });
    const m = model([s.url]);
    await m.generate(request({ seed: -5 }));
    expect(body(s, 1)).toMatchObject({ max_completion_tokens: 8, seed: 2 ** 32 - 5 });
    expect(body(s, 1)).not.toHaveProperty('max_tokens');
    // A single request's refusal of n (scripted per request) is handled like a server's.
    s.enqueue(fault.rejectN());
    expect((await m.generate(request({ n: 2 }))).texts).toHaveLength(2);
    expect(s.requests).toHaveLength(5);
  });
});

describe('OpenAIModel: retries', () => {
  it('honours retry-after on 429 (seconds), then succeeds', async () => {
    const s = await server();
    s.enqueue(fault.rateLimited({ retryAfter: '1' }));
    const result = await model([s.url]).generate(request());
    expect(result.texts).toEqual(['important']);
    expect(s.requests).toHaveLength(2);
    const gap = s.requests[1]!.receivedAt - s.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(950);
    expect(gap).toBeLessThan(3000);
  });

  it('honours retry-after-ms before retry-after', async () => {
    const s = await server();
    s.enqueue(fault.rateLimited({ retryAfterMs: 300, retryAfter: '20' }));
    await model([s.url]).generate(request());
    const gap = s.requests[1]!.receivedAt - s.requests[0]!.receivedAt;
    expect(gap).toBeGreaterThanOrEqual(280);
    expect(gap).toBeLessThan(2000);
  });

  it('reads retry-after as seconds, as an HTTP date, and retry-after-ms', () => {
    const headers = (h: Record<string, string>) => new Headers(h);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }), now)).toBe(500);
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '150', 'retry-after': '9' }), now)).toBe(150);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
  });

  it('retries a 500 and a 503, a connection dropped before the answer and one dropped in the middle of it', async () => {
    const s = await server({ texts: ['ok'] });
    s.enqueue(fault.serverError(500), fault.serverError(503), fault.drop(), fault.dropMidBody());
    const result = await model([s.url]).generate(request());
    expect(result.texts).toEqual(['ok']);
    expect(s.requests.map((r) => r.fault ?? 'ok')).toEqual(['status', 'status', 'drop', 'drop-mid-body', 'ok']);
  });

  it('retries an answer that takes longer than the timeout', async () => {
    const s = await server();
    s.enqueue(fault.slow(3000));
    const started = performance.now();
    const result = await model([s.url], { timeoutMs: 200 }).generate(request());
    expect(result.texts).toEqual(['important']);
    expect(s.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('gives up on a server after maxRetries + 1 tries and says why', async () => {
    const s = await server();
    s.failAll(fault.serverError(502));
    const error = await rejection(model([s.url], { maxRetries: 2 }).generate(request()), UserError);
    expect(error.code).toBe('model-unreachable');
    expect(error.message).toContain(s.url);
    expect(error.message).toContain('HTTP 502 (3 tries)');
    expect(s.requests).toHaveLength(3);
  });
});

describe('OpenAIModel: errors that are not retried', () => {
  it('turns 401 into one UserError after exactly one request, without the key anywhere', async () => {
    const key = 'sk-test-SECRET-0123456789abcdef';
    const s = await server({ apiKey: 'sk-the-right-one' });
    const error = await rejection(model([s.url], { apiKey: key }).generate(request({ n: 3 })), UserError);
    expect(error.code).toBe('api-key-refused');
    expect(error.message).toContain('the API key was refused');
    expect(error.message).toContain('test-gpt');
    expect(error.message).toContain(s.url);
    expect(s.requests).toHaveLength(1);
    // The fake echoes the refused key in its message, as OpenAI does in part.
    expect(String(s.requests[0]?.headers.authorization)).toContain(key);
    expect(error.message).not.toContain(key);
    expect(String(error.stack)).not.toContain(key);
    expect(JSON.stringify(error)).not.toContain(key);
  });

  it('names the model on 404, after one request', async () => {
    const s = await server({ models: ['gpt-other'] });
    const error = await rejection(model([s.url], { model: 'gpt-typo' }).generate(request()), UserError);
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain('the server does not know model "gpt-typo"');
    expect(s.requests).toHaveLength(1);
  });

  it('turns 400 and 403 into UserErrors with the server words and no retry', async () => {
    const s = await server({ rejectParams: ['top_k'] });
    const error = await rejection(
      model([s.url]).generate(request({ sampling: { temperature: 1, topK: 5 } })),
      UserError,
    );
    expect(error.code).toBe('request-rejected');
    expect(error.message).toMatch(/top_k.*Remove topK/);
    expect(s.requests).toHaveLength(1);

    s.enqueue(fault.status(403, 'Project does not have access'));
    const denied = await rejection(model([s.url]).generate(request()), UserError);
    expect(denied.code).toBe('api-access-denied');
    expect(s.requests).toHaveLength(2);
  });

  it('refuses bad configurations with a UserError', () => {
    expect(() => model([])).toThrow(UserError);
    expect(() => model(['localhost:8000'])).toThrow(/not an http\(s\) URL/);
    expect(() => model(['http://127.0.0.1:1/v1'], { concurrencyPerServer: 0 })).toThrow(/concurrency/);
  });
});

describe('OpenAIModel: several servers', () => {
  it('sends everything to the server that answers when another refuses connections', async () => {
    const down = await refusedUrl();
    const s = await server({ texts: ['a', 'b'] });
    const m = model([down, s.url], { concurrencyPerServer: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => m.generate(request({ seed: i }))));
    expect(results.flatMap((r) => r.texts)).toHaveLength(8);
    expect(s.requests).toHaveLength(8);
  });

  it('moves requests away from a server that keeps failing with 5xx', async () => {
    const bad = await server();
    const good = await server();
    bad.failAll(fault.serverError(500));
    const m = model([bad.url, good.url], { maxRetries: 1, concurrencyPerServer: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => m.generate(request({ seed: i }))));
    expect(results.every((r) => r.texts.length === 1)).toBe(true);
    expect(good.requests).toHaveLength(6);
    // Once marked down, the failing server is tried only after the healthy one.
    const before = bad.requests.length;
    await m.generate(request());
    expect(bad.requests).toHaveLength(before);
  });

  it('fails only when every server failed, naming them all', async () => {
    const a = await refusedUrl();
    const b = await refusedUrl();
    const error = await rejection(model([a, b]).generate(request()), UserError);
    expect(error.code).toBe('model-unreachable');
    expect(error.message).toContain(`${a}: connection refused`);
    expect(error.message).toContain(`${b}: connection refused`);
  });

  it('keeps at most concurrencyPerServer requests in flight on each server', async () => {
    const one = await server({ latencyMs: 40 });
    const two = await server({ latencyMs: 40 });
    const m = model([one.url, two.url], { concurrencyPerServer: 2 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => m.generate(request({ seed: i }))));
    expect(one.maxInFlight).toBe(2);
    expect(two.maxInFlight).toBe(2);
    expect(one.requests.length + two.requests.length).toBe(12);

    const solo = await server({ latencyMs: 20, nSupport: 'reject-openai' });
    // One request's n = 6 fallback calls are bounded by the same limit.
    await model([solo.url], { concurrencyPerServer: 3 }).generate(request({ n: 6 }));
    expect(solo.maxInFlight).toBe(3);
  });
});

describe('OpenAIModel: next-token probabilities', () => {
  it('reads legacy completions logprobs into a distribution with the missing mass', async () => {
    const s = await server({
      topLogprobs: [
        { token: ' important', logprob: Math.log(0.5) },
        { token: ' unimportant', logprob: Math.log(0.3) },
        { token: ' very', logprob: Math.log(0.15) },
        { token: ' not', logprob: Math.log(0.04) },
      ],
    });
    const d = await model([s.url]).nextTokenDistribution({ text: 'Family is', prefix: ' very', topLogprobs: 3 });
    expect(body(s, 0)).toMatchObject({ prompt: 'Family is very', max_tokens: 1, logprobs: 3 });
    expect(s.requests[0]?.path).toBe('/v1/completions');
    expect(d.tokens.map((t) => t.text)).toEqual([' important', ' unimportant', ' very']);
    expect(d.tokens[0]?.probability).toBeCloseTo(0.5, 10);
    expect(d.missingMass).toBeCloseTo(0.05, 10);
  });

  it('reads chat top_logprobs for chat messages, continuing a begun answer as vLLM does', async () => {
    const reads: string[] = [];
    const s = await server({
      nextTokens: (text) => (reads.push(text), [{ token: ' important', logprob: Math.log(0.9) }]),
    });
    const m = model([s.url]);
    const messages = [{ role: 'user' as const, content: 'Family is _ in my life.' }];
    const first = await m.nextTokenDistribution({ text: 'unused', messages, prefix: '', topLogprobs: 2 });
    expect(s.requests[0]?.path).toBe('/v1/chat/completions');
    expect(body(s, 0)).toEqual({ model: 'gpt-test', messages, max_tokens: 1, logprobs: true, top_logprobs: 2 });
    expect(first.tokens).toEqual([{ text: ' important', probability: expect.closeTo(0.9, 10) }]);

    await m.nextTokenDistribution({ text: 'unused', messages, prefix: ' very', topLogprobs: 2 });
    expect(body(s, 1)).toMatchObject({
      messages: [...messages, { role: 'assistant', content: ' very' }],
      continue_final_message: true,
      add_generation_prompt: false,
    });
    // The model read the begun answer inside the assistant's turn, not a new turn after it.
    expect(reads).toEqual([
      '<|user|>Family is _ in my life.<|assistant|>',
      '<|user|>Family is _ in my life.<|assistant|> very',
    ]);
  });

  it('says a server that refuses to continue an answer (OpenAI) has chat log-probabilities only at its start', async () => {
    const s = await server({ chatOnly: true, rejectParams: ['continue_final_message'] });
    const m = model([s.url]);
    const messages = [{ role: 'user' as const, content: 'x' }];
    const d = await m.nextTokenDistribution({ text: 'x', messages, prefix: '', topLogprobs: 2 });
    expect(d.tokens).toHaveLength(2);
    expect(d.missingMass).toBeCloseTo(0.1, 10);
    const error = await rejection(
      m.nextTokenDistribution({ text: 'x', messages, prefix: ' very', topLogprobs: 2 }),
      UserError,
    );
    expect(error.code).toBe('next-token-prefix-unsupported');
    expect(error.message).toMatch(/does not continue an answer.*before " very"/);

    // The plain form on a chat-only server is the server's limit to name: one clear error.
    const plain = await rejection(
      model([s.url]).nextTokenDistribution({ text: 'x', prefix: '', topLogprobs: 2 }),
      UserError,
    );
    expect(plain.message).toContain('chat model');
  });

  it('asks a server once whether it gives chat log-probabilities after a begun answer', async () => {
    const vllm = await server({});
    expect(await model([vllm.url]).chatLogprobs({ topLogprobs: 20 })).toEqual({ available: true });
    expect(vllm.requests).toHaveLength(1);
    expect(body(vllm, 0)).toMatchObject({
      logprobs: true,
      top_logprobs: 20,
      continue_final_message: true,
      add_generation_prompt: false,
    });

    const openai = await server({ chatOnly: true, rejectParams: ['continue_final_message'] });
    const refused = await model([openai.url]).chatLogprobs({ topLogprobs: 20 });
    expect(refused.available).toBe(false);
    expect(refused.available === false && refused.reason).toMatch(/HTTP 400.*continue_final_message/);
    expect(openai.requests).toHaveLength(1);

    const silent = await server({ chatLogprobs: false });
    expect(await model([silent.url]).chatLogprobs({ topLogprobs: 20 })).toEqual({
      available: false,
      reason: 'the server answered chat completions without log-probabilities',
    });

    // A server that cannot be reached is not a server without log-probabilities: it is an error.
    await rejection(model([await refusedUrl()], { maxRetries: 0 }).chatLogprobs({ topLogprobs: 20 }), UserError);
  });
});

describe('OpenAIModel: cancellation', () => {
  it('stops a request in flight, one waiting for a slot, and one waiting out a retry-after', async () => {
    const s = await server({ latencyMs: 0 });
    s.enqueue(fault.slow(5000), fault.slow(5000));
    const m = model([s.url], { concurrencyPerServer: 1, timeoutMs: 10_000 });
    const controller = new AbortController();
    const started = performance.now();
    const inFlight = m.generate(request({ signal: controller.signal }));
    const queued = m.generate(request({ signal: controller.signal }));
    setTimeout(() => controller.abort(), 100);
    await expect(inFlight).rejects.toBeInstanceOf(CancelledError);
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(s.requests).toHaveLength(1);

    s.enqueue(fault.rateLimited({ retryAfter: '5' }));
    const waiting = new AbortController();
    const rateLimited = model([s.url]).generate(request({ signal: waiting.signal }));
    setTimeout(() => waiting.abort(), 100);
    await expect(rateLimited).rejects.toBeInstanceOf(CancelledError);

    const already = AbortSignal.abort();
    const before = s.requests.length;
    await expect(m.generate(request({ signal: already }))).rejects.toBeInstanceOf(CancelledError);
    expect(s.requests).toHaveLength(before);
  });
});
