// The store layer: the one SQLite file that holds everything the workbench imports and computes.
export { schemaVersion, type Db } from './database.js';
export { openDatabase } from './open-database.js';
export * from './location.js';
export * from './model-store.js';
export * from './probe-store.js';
export * from './survey-store.js';
export * from './run-store.js';
