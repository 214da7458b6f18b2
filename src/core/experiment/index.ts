// The experiment layer: a self-alignment run and how its results are judged.
export * from './draw-prompts.js';
export * from './outcomes.js';
export * from './probe-record.js';
export * from './run-config.js';
export * from './run-journal.js';
export * from './stored-run-config.js';
export * from './runner.js';
export * from './test-items.js';
export * from './results.js';
export * from './config-problems.js';
