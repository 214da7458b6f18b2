// Whether a model of a run gets chat messages or the plain prompt, and what to tell the user about it before the
// run starts. A GGUF file without a chat template gets the plain prompt rather than a format invented for it,
// unless the user names a chat wrapper. The exact estimator on an OpenAI-compatible server needs chat
// log-probabilities after a begun answer, which only the server can say it has (vLLM and llama.cpp server do,
// OpenAI does not): it is asked once when the run is created, and where it has none the model gets the plain
// prompt through the completions endpoint, and the user hears so before the run starts.

import { specializedChatWrapperTypeNames } from 'node-llama-cpp';
import type { RegisteredModel } from './open-model.js';
import type { ResponseModel } from './model-types.js';
import { TOP_LOGPROBS } from './api-token-session.js';
import { OpenAIModel } from './openai-model.js';

/** The chat wrappers a user can name for a local model (node-llama-cpp's). */
export const CHAT_WRAPPER_NAMES: readonly string[] = specializedChatWrapperTypeNames;

export interface ChatMode {
  chat: boolean;
  /** node-llama-cpp's chat wrapper to use instead of the GGUF's template, when the user named one. */
  chatWrapper?: string;
  warning?: string;
}

export interface ChatModeOptions {
  chat: boolean;
  estimator: string;
  chatWrapper?: string | undefined;
}

/** What a server answered when asked whether it gives chat log-probabilities after a begun answer. */
export type ChatLogprobsSupport = { available: true } | { available: false; reason: string };

/** Whether the chat mode of this model depends on its server (exact on an OpenAI-compatible server). */
export function needsServerAnswer(record: RegisteredModel, options: ChatModeOptions): boolean {
  return options.chat && record.kind === 'openai' && options.estimator === 'exact';
}

/**
 * The chat mode of a model; `chatLogprobs` is the server's answer where `needsServerAnswer` says it decides.
 */
export function chatModeOf(
  record: RegisteredModel,
  options: ChatModeOptions,
  chatLogprobs?: ChatLogprobsSupport,
): ChatMode {
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
  if (needsServerAnswer(record, options)) {
    if (chatLogprobs === undefined) throw new Error(`the chat mode of "${record.name}" needs its server's answer`);
    if (chatLogprobs.available) return { chat: true };
    return {
      chat: false,
      warning: `the exact estimator needs log-probabilities after a begun answer, which the server of model "${record.name}" does not give for chat messages (${chatLogprobs.reason}); it gets the plain prompt through the completions endpoint`,
    };
  }
  return { chat: true };
}

/** The chat mode of an opened model, asking its server once where the server decides. */
export async function resolveChatMode(
  record: RegisteredModel,
  options: ChatModeOptions,
  model: ResponseModel,
): Promise<ChatMode> {
  if (!needsServerAnswer(record, options)) return chatModeOf(record, options);
  if (!(model instanceof OpenAIModel)) throw new Error(`model "${record.name}" is not an OpenAI-compatible model`);
  return chatModeOf(record, options, await model.chatLogprobs({ topLogprobs: TOP_LOGPROBS }));
}
