// How the study runs the real test models: each at its authors' sampling settings (a preset), SmolLM2 through the
// chat template in its GGUF file, Gemma 3 270M with the plain prompt: the file holds the pretrained model and no
// chat template, and a pretrained model is not trained on a chat format (the workbench would warn and send the
// plain prompt anyway). The languages: English (the built-in probes) and Arora et al.'s 13.

import type { TestModelName } from '../src/testing/test-models.js';

export const STUDY_LANGUAGES = [
  'en',
  'ro',
  'el',
  'ur',
  'fa',
  'tl',
  'id',
  'de',
  'ms',
  'bn',
  'sr',
  'tr',
  'vi',
  'ko',
] as const;

export interface StudyModelSetup {
  preset: string;
  /** Chat messages through the file's template, or the plain prompt. */
  chat: boolean;
  chatWrapper?: string;
}

export function studyModelSetup(name: TestModelName): StudyModelSetup {
  return name === 'smollm2-135m-instruct'
    ? { preset: 'smollm2-135m-instruct', chat: true }
    : { preset: 'gemma-3-270m', chat: false };
}
