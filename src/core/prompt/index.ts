// The prompt layer: how a probe and its demonstrations are put to a model, and how its answer is read back.
export * from './answer-parser.js';
export * from './build-prompt.js';
export * from './prompt-template.js';
export * from './persona.js';
