// The survey layer: WVS data as users download it, the answer key, and each country's target answers.
export * from './answer-key.js';
export * from './countries.js';
export * from './survey-files.js';
export * from './target-answer.js';
export * from './targets.js';
