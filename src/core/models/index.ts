// The models layer: the kinds of model our users run (local GGUF files, OpenAI-compatible servers, Gemini), the
// registry and presets, downloads, and the tiny model the tests generate.
export * from './api-keys.js';
export * from './api-token-session.js';
export * from './gemini-model.js';
export * from './llama-runtime.js';
export * from './local-model.js';
export * from './model-types.js';
export * from './openai-model.js';
export * from './request-pool.js';
export * from './sample-response.js';
export * from './model-download.js';
export * from './sampling-transform.js';
export * from './tiny-model.js';
export * from './gguf-info.js';
export * from './presets.js';
export * from './model-fit.js';
export * from './open-model.js';
export * from './chat-mode.js';
export * from './shaped-model.js';
