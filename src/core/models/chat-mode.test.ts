import { describe, expect, it } from 'vitest';
import { chatModeOf } from './chat-mode.js';
import type { GgufInfo, ModelRecord } from './index.js';

const info = (chatTemplate: string | null): GgufInfo => ({ architecture: 'llama', parameterCount: 1, quantisation: 'ALL_F32', contextLength: 2048, chatTemplate, fileSize: 1, sha256: 'x' });
const gguf = (chatTemplate: string | null): ModelRecord => ({ kind: 'gguf', name: 'bloomz', path: '/m.gguf', sampling: { temperature: 1 }, addedAt: '', info: info(chatTemplate) });
const openai: ModelRecord = { kind: 'openai', name: 'served', baseUrls: ['http://127.0.0.1:1/v1'], remoteModel: 'm', sampling: { temperature: 1 }, addedAt: '' };

describe('chat or plain prompt', () => {
  it('gives a GGUF without a chat template the plain prompt and says so, unless a chat wrapper is named', () => {
    expect(chatModeOf(gguf('{{ messages }}'), { chat: true, estimator: 'sampled' })).toEqual({ chat: true });
    const plain = chatModeOf(gguf(null), { chat: true, estimator: 'sampled' });
    expect(plain.chat).toBe(false);
    expect(plain.warning).toContain('"bloomz" has no chat template');
    expect(chatModeOf(gguf(null), { chat: true, estimator: 'sampled', chatWrapper: 'chatML' })).toEqual({ chat: true, chatWrapper: 'chatML' });
    expect(chatModeOf(gguf(null), { chat: false, estimator: 'sampled' })).toEqual({ chat: false });
  });

  it('says before the run that exact estimates on an OpenAI-compatible server send the plain prompt', () => {
    expect(chatModeOf(openai, { chat: true, estimator: 'sampled' })).toEqual({ chat: true });
    const exact = chatModeOf(openai, { chat: true, estimator: 'exact' });
    expect(exact.chat).toBe(false);
    expect(exact.warning).toContain('completions endpoint');
  });
});
