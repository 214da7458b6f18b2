// The report layer: the paper's tables and figures as data (results-tables.ts) and as CSV files (csv-report.ts).
// Pure functions over the per-probe records of finished runs; the only I/O is writing the CSV files.
export * from './csv-report.js';
export * from './results-tables.js';
export * from './run-headline.js';
export * from './unreadable-answers.js';
export * from './readings.js';
export * from './codebook.js';
export * from './control-comparisons.js';
