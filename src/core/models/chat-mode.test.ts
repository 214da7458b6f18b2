import { describe, expect, it } from 'vitest';
import { chatModeOf, needsServerAnswer } from './chat-mode.js';
import type { GgufInfo, RegisteredModel } from './index.js';

const info = (chatTemplate: string | null): GgufInfo => ({
  architecture: 'llama',
  parameterCount: 1,
  quantisation: 'ALL_F32',
  contextLength: 2048,
  chatTemplate,
  fileSize: 1,
  sha256: 'x',
});
const gguf = (chatTemplate: string | null): RegisteredModel => ({
  kind: 'gguf',
  name: 'bloomz',
  path: '/m.gguf',
  sampling: { temperature: 1 },
  addedAt: '',
  info: info(chatTemplate),
});
const openai: RegisteredModel = {
  kind: 'openai',
  name: 'served',
  baseUrls: ['http://127.0.0.1:1/v1'],
  remoteModel: 'm',
  sampling: { temperature: 1 },
  addedAt: '',
};

describe('chat or plain prompt', () => {
  it('gives a GGUF without a chat template the plain prompt and says so, unless a chat wrapper is named', () => {
    expect(chatModeOf(gguf('{{ messages }}'), { chat: true, estimator: 'sampled' })).toEqual({ chat: true });
    const plain = chatModeOf(gguf(null), { chat: true, estimator: 'sampled' });
    expect(plain.chat).toBe(false);
    expect(plain.warning).toContain('"bloomz" has no chat template');
    expect(chatModeOf(gguf(null), { chat: true, estimator: 'sampled', chatWrapper: 'chatML' })).toEqual({
      chat: true,
      chatWrapper: 'chatML',
    });
    expect(chatModeOf(gguf(null), { chat: false, estimator: 'sampled' })).toEqual({ chat: false });
  });

  it('lets the server decide for exact on an OpenAI-compatible server: chat where it gives chat log-probabilities, else the plain prompt and a warning', () => {
    expect(needsServerAnswer(openai, { chat: true, estimator: 'sampled' })).toBe(false);
    expect(chatModeOf(openai, { chat: true, estimator: 'sampled' })).toEqual({ chat: true });
    expect(needsServerAnswer(openai, { chat: true, estimator: 'exact' })).toBe(true);
    expect(needsServerAnswer(openai, { chat: false, estimator: 'exact' })).toBe(false);
    expect(chatModeOf(openai, { chat: true, estimator: 'exact' }, { available: true })).toEqual({ chat: true });
    const plain = chatModeOf(
      openai,
      { chat: true, estimator: 'exact' },
      { available: false, reason: 'HTTP 400: Unrecognized request argument supplied: continue_final_message' },
    );
    expect(plain.chat).toBe(false);
    expect(plain.warning).toContain('"served"');
    expect(plain.warning).toContain('continue_final_message');
    expect(plain.warning).toContain('plain prompt through the completions endpoint');
    expect(() => chatModeOf(openai, { chat: true, estimator: 'exact' })).toThrow(/needs its server's answer/);
  });
});
