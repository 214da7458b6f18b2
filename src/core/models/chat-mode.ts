// Whether a model of a run gets chat messages or the plain prompt, and what to tell the user about it before the
// run starts. A GGUF file without a chat template gets the plain prompt rather than a format invented for it,
// unless the user names a chat wrapper; the exact estimator on an OpenAI-compatible server reads log-probabilities
// from the completions endpoint, which takes the plain prompt.

import { specializedChatWrapperTypeNames } from 'node-llama-cpp';
import type { ModelRecord } from './open-model.js';

/** The chat wrappers a user can name for a local model (node-llama-cpp's). */
export const CHAT_WRAPPER_NAMES: readonly string[] = specializedChatWrapperTypeNames;

export interface ChatMode {
  chat: boolean;
  /** node-llama-cpp's chat wrapper to use instead of the GGUF's template, when the user named one. */
  chatWrapper?: string;
  warning?: string;
}

export function chatModeOf(record: ModelRecord, options: { chat: boolean; estimator: string; chatWrapper?: string | undefined }): ChatMode {
  if (!options.chat) return { chat: false };
  if (record.kind === 'gguf') {
    if (options.chatWrapper) return { chat: true, chatWrapper: options.chatWrapper };
    if (record.info && record.info.chatTemplate === null) {
      return {
        chat: false,
        warning: `model "${record.name}" has no chat template in its GGUF file, so it gets the plain prompt; name a chat wrapper for it (chatWrappers in the run configuration) to send chat messages`,
      };
    }
    return { chat: true };
  }
  if (record.kind === 'openai' && options.estimator === 'exact') {
    return {
      chat: false,
      warning: `the exact estimator reads log-probabilities from the completions endpoint, so model "${record.name}" gets the plain prompt, not chat messages`,
    };
  }
  return { chat: true };
}
