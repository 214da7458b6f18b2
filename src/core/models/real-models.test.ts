// The real test models' headers and chat formats, as node-llama-cpp gives them to llama.cpp. SmolLM2's prompt
// must be what its own chat template renders (transformers' apply_chat_template): node-llama-cpp's ChatML wrapper,
// which it picks on its own, sent "<|im_start|><|im_start|>user…" without the template's system message. Gemma 3
// 270M as published here is the pretrained model without a chat template: it gets the plain prompt after its BOS
// token, and the Gemma format (no system role) only when the user names the wrapper.

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Llama } from 'node-llama-cpp';
import { describeWithRealModels } from '../../testing/real-models.js';
import { testModelPath, type TestModelName } from '../../testing/test-models.js';
import { getTestLlama, openTestModel } from '../../testing/tiny-model.js';
import type { ChatMessage } from '../prompt/index.js';
import { inspectGguf } from './gguf-info.js';
import type { LocalModel } from './local-model.js';

const QUESTION = 'Fill in the blank (_) with "important" or "unimportant".\nFamily is _ in my life.\nAnswer:';
const USER: ChatMessage[] = [{ role: 'user', content: QUESTION }];

describeWithRealModels(
  'the real test models, as llama.cpp receives them',
  ['smollm2-135m-instruct', 'gemma3-270m'],
  () => {
    let llama: Llama;
    let smol: LocalModel;
    let gemma: LocalModel;
    /** A real test model opened under this name, at this temperature, with a context of 512 tokens. */
    const open = (name: string, model: TestModelName, temperature: number) =>
      openTestModel({ name, path: testModelPath(model), sampling: { temperature }, llama, contextSize: 512 });

    beforeAll(async () => {
      llama = await getTestLlama();
      smol = await open('smollm2', 'smollm2-135m-instruct', 0.2);
      gemma = await open('gemma', 'gemma3-270m', 1);
    }, 60_000);

    afterAll(async () => {
      await smol?.close();
      await gemma?.close();
    });

    it('reads the headers: architecture, size, quantisation, context, whether a chat template is in the file', async () => {
      const smolInfo = await inspectGguf(testModelPath('smollm2-135m-instruct'));
      expect([smolInfo.architecture, smolInfo.quantisation, smolInfo.contextLength]).toEqual([
        'llama',
        'MOSTLY_Q4_1',
        8192,
      ]);
      expect(smolInfo.parameterCount / 1e6).toBeCloseTo(134.5, 1);
      expect(smolInfo.chatTemplate).toContain('<|im_start|>');
      const gemmaInfo = await inspectGguf(testModelPath('gemma3-270m'));
      expect([gemmaInfo.architecture, gemmaInfo.quantisation, gemmaInfo.contextLength, gemmaInfo.chatTemplate]).toEqual(
        ['gemma3', 'MOSTLY_Q4_K_M', 32768, null],
      );
      expect(gemmaInfo.parameterCount / 1e6).toBeCloseTo(268.1, 1);
    });

    it("SmolLM2: its own ChatML template, with the template's default system message and one <|im_start|> to begin", () => {
      const rendered = smol.renderPrompt({ text: QUESTION, messages: USER, chat: true });
      expect(rendered.text).toBe(
        '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' +
          `<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`,
      );
      const tokens = smol.promptTokens({ text: QUESTION, messages: USER, chat: true });
      // <|im_start|> is one special token (id 1, also the file's BOS), not its letters, and it is not doubled.
      expect(tokens.filter((t) => t === 1)).toHaveLength(3);
      expect(tokens[1]).not.toBe(1);
      // Its template takes a system message: a persona control's sentence goes there.
      expect(smol.takesSystemMessages()).toBe(true);
      // A system message of our own replaces the default one, as in the template.
      expect(
        smol.renderPrompt({ text: QUESTION, messages: [{ role: 'system', content: 'Be brief.' }, ...USER], chat: true })
          .text,
      ).toBe(
        `<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n${QUESTION}<|im_end|>\n<|im_start|>assistant\n`,
      );
    });

    it('Gemma 3 270M: the plain prompt after <bos>; the Gemma format only under the named wrapper, a system message folded into the user turn', async () => {
      expect(gemma.renderPrompt({ text: QUESTION, messages: USER, chat: false }).text).toBe(`<bos>${QUESTION}`);
      const wrapped = await open('gemma-chat', 'gemma3-270m', 1);
      try {
        wrapped.chatWrapperType = 'gemma';
        expect(wrapped.renderPrompt({ text: QUESTION, messages: USER, chat: true }).text).toBe(
          `<bos><start_of_turn>user\n${QUESTION}<end_of_turn>\n<start_of_turn>model\n`,
        );
        const withSystem = wrapped.renderPrompt({
          text: QUESTION,
          messages: [{ role: 'system', content: 'Be brief.' }, ...USER],
          chat: true,
        }).text;
        expect(withSystem.startsWith('<bos><start_of_turn>user\nBe brief.')).toBe(true);
        // So a persona control's sentence opens the user message, as the run records.
        expect(wrapped.takesSystemMessages()).toBe(false);
        expect(withSystem).not.toMatch(/<start_of_turn>system/);
        // The turn markers are single special tokens of Gemma's vocabulary.
        const tokens = wrapped.promptTokens({ text: QUESTION, messages: USER, chat: true });
        expect(tokens.slice(0, 2)).toEqual([2, 105]);
      } finally {
        await wrapped.close();
      }
    }, 60_000);
  },
);
