// The models of Choenni & Shutova (2024) with the sampling settings the paper measured them at: its temperature,
// and the top-k / top-p of each model's own generation config. Where a Hugging Face generation_config.json sets
// no top_k, transformers' GenerationConfig default of 50 applies (and top_p 1.0), so that is what these use. The
// workbench's test models (SmolLM2, Gemma 3 270M) come with their authors' published settings, cited in `note`.
// Every setting can be overridden when a model is added.

import { UserError } from '../errors.js';
import type { ModelKind, SamplingSettings } from './model-types.js';

export interface ModelPreset {
  name: string;
  description: string;
  kinds: readonly ModelKind[];
  sampling: SamplingSettings;
  note: string;
}

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    name: 'llama-3-8b-instruct',
    description: 'Meta Llama-3-8B-Instruct',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 0.6, topP: 0.9, topK: 50 },
    note: 'generation_config.json: temperature 0.6, top_p 0.9; top_k unset (transformers default 50)',
  },
  {
    name: 'mistral-7b-instruct-v0.2',
    description: 'Mistral-7B-Instruct-v0.2',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 1.0, topP: 1.0, topK: 50 },
    note: 'paper: temperature 1.0; generation_config.json sets no sampling values (transformers defaults top_k 50, top_p 1.0)',
  },
  {
    name: 'command-r-v01',
    description: 'Cohere Command-R v01 (35B)',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 0.3, topP: 1.0, topK: 50 },
    note: 'paper: temperature 0.3; generation_config.json sets no sampling values (transformers defaults top_k 50, top_p 1.0)',
  },
  {
    name: 'bloomz-7b1',
    description: 'BigScience BLOOMZ-7b1',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 1.0, topP: 1.0, topK: 50 },
    note: 'paper: temperature 1.0; generation_config.json sets no sampling values (transformers defaults top_k 50, top_p 1.0)',
  },
  {
    name: 'smollm2-135m-instruct',
    description: 'Hugging Face SmolLM2-135M-Instruct (a test model of the workbench)',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 0.2, topP: 0.9, topK: 50 },
    note: 'model card (huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct, "How to use"): temperature 0.2, top_p 0.9; generation_config.json sets no sampling values, so top_k is transformers\' default 50',
  },
  {
    name: 'gemma-3-270m',
    description: 'Google Gemma 3 270M, pretrained or -it (a test model of the workbench)',
    kinds: ['gguf', 'openai'],
    sampling: { temperature: 1.0, topP: 0.95, topK: 64 },
    note: 'generation_config.json of google/gemma-3-270m and gemma-3-270m-it: do_sample, top_k 64, top_p 0.95; temperature unset (transformers default 1.0)',
  },
  {
    name: 'gemini-1.5-pro',
    description: 'Google Gemini 1.5 Pro',
    kinds: ['gemini'],
    sampling: { temperature: 1.0, topP: 0.95, topK: 40 },
    note: 'paper: temperature 1.0; the API defaults of gemini-1.5-pro-001: top_p 0.95, top_k 40',
  },
];

export function findPreset(name: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((p) => p.name === name.toLowerCase());
}

/** llama.cpp's own defaults, for a GGUF model added without a preset. */
const LLAMA_CPP_DEFAULTS: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 };
/** The APIs' defaults (OpenAI, Gemini), for an API model added without a preset. */
const API_DEFAULTS: SamplingSettings = { temperature: 1.0, topP: 1.0 };

/** The sampling settings of a new model: the kind's defaults, or a preset's, with any setting overridden. */
export function samplingOf(
  kind: ModelKind,
  choice: {
    preset?: string | undefined;
    sampling?: { [K in keyof SamplingSettings]?: SamplingSettings[K] | undefined } | undefined;
  },
): { sampling: SamplingSettings; preset?: string } {
  let sampling = kind === 'gguf' ? LLAMA_CPP_DEFAULTS : API_DEFAULTS;
  let preset: string | undefined;
  if (choice.preset) {
    const found = findPreset(choice.preset);
    if (!found)
      throw new UserError(
        'unknown-preset',
        `there is no preset "${choice.preset}" (known: ${MODEL_PRESETS.map((p) => p.name).join(', ')})`,
      );
    if (!found.kinds.includes(kind))
      throw new UserError(
        'bad-preset',
        `the preset "${found.name}" is for ${found.kinds.join(' or ')} models, not ${kind}`,
      );
    sampling = found.sampling;
    preset = found.name;
  }
  const overrides = Object.fromEntries(Object.entries(choice.sampling ?? {}).filter(([, v]) => v !== undefined));
  return { sampling: { ...sampling, ...overrides }, ...(preset ? { preset } : {}) };
}
