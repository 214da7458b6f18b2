// A registered model, opened for use: the record says what kind it is and where it lives; this resolves the
// API key (never stored) and starts the right client. Every kind answers through ResponseModel.

import type { GgufInfo } from './gguf-info.js';
import { resolveApiKey } from './api-keys.js';
import { GeminiModel } from './gemini-model.js';
import { LocalModel, type LocalModelOptions } from './local-model.js';
import type { ResponseModel, SamplingSettings } from './model-types.js';
import { OpenAIModel } from './openai-model.js';

interface RegisteredModelBase {
  name: string;
  sampling: SamplingSettings;
  preset?: string;
  addedAt: string;
}

/** A local GGUF file, with what its header says and the file's hash. */
export interface RegisteredGgufModel extends RegisteredModelBase {
  kind: 'gguf';
  path: string;
  info?: GgufInfo;
}

interface ApiModelFields extends RegisteredModelBase {
  /** The server's model id. */
  remoteModel: string;
  /** Where the API key is, never the key itself. */
  apiKeyEnv?: string;
  keychainAccount?: string;
  /** Requests at once per server (default 4): what the server handles in parallel, e.g. llama.cpp's --parallel. */
  concurrencyPerServer?: number;
}

/** A model behind one or more OpenAI-compatible servers. */
export interface RegisteredOpenAIModel extends ApiModelFields {
  kind: 'openai';
  baseUrls: string[];
}

/** A Gemini model, at Google's endpoint unless one is given. */
export interface RegisteredGeminiModel extends ApiModelFields {
  kind: 'gemini';
  baseUrls?: string[];
}

export type RegisteredApiModel = RegisteredOpenAIModel | RegisteredGeminiModel;

/** A model as the registry holds it, by kind. */
export type RegisteredModel = RegisteredGgufModel | RegisteredOpenAIModel | RegisteredGeminiModel;

/** What makes results of a model comparable: a GGUF file's sha256, an API model's id and servers. */
export function identityOf(record: RegisteredModel): string {
  return record.kind === 'gguf'
    ? `gguf:${record.info?.sha256 ?? record.path}`
    : `${record.kind}:${record.remoteModel}@${(record.baseUrls ?? []).join(',')}`;
}

/** How a local model runs (ignored for API models), and where an API key is looked up. */
export interface OpenOptions extends Pick<
  LocalModelOptions,
  'gpu' | 'gpuLayers' | 'contextSize' | 'sequences' | 'threads' | 'llama'
> {
  env?: Record<string, string | undefined>;
}

export async function openModel(record: RegisteredModel, options: OpenOptions = {}): Promise<ResponseModel> {
  if (record.kind === 'gguf') {
    return LocalModel.open({
      name: record.name,
      path: record.path,
      sampling: record.sampling,
      ...(options.gpu ? { gpu: options.gpu } : {}),
      ...(options.gpuLayers !== undefined ? { gpuLayers: options.gpuLayers } : {}),
      ...(options.contextSize ? { contextSize: options.contextSize } : {}),
      ...(options.sequences ? { sequences: options.sequences } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.llama ? { llama: options.llama } : {}),
    });
  }
  const apiKey = await resolveApiKey(
    {
      modelName: record.name,
      ...(record.apiKeyEnv ? { apiKeyEnv: record.apiKeyEnv } : {}),
      ...(record.keychainAccount ? { keychainAccount: record.keychainAccount } : {}),
    },
    // A local OpenAI-compatible server (vLLM, llama.cpp, Ollama) usually needs no key.
    { optional: record.kind === 'openai', ...(options.env ? { env: options.env } : {}) },
  );
  if (record.kind === 'openai') {
    return new OpenAIModel({
      name: record.name,
      model: record.remoteModel,
      baseUrls: record.baseUrls,
      apiKey,
      ...(record.concurrencyPerServer ? { concurrencyPerServer: record.concurrencyPerServer } : {}),
    });
  }
  return new GeminiModel({
    name: record.name,
    model: record.remoteModel,
    apiKey,
    ...(record.baseUrls?.[0] ? { baseUrl: record.baseUrls[0] } : {}),
    ...(record.concurrencyPerServer ? { concurrencyPerServer: record.concurrencyPerServer } : {}),
  });
}
