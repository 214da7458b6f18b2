// Statistics for the report's tables: chi-square tests, proportions (normal distribution, Wilson intervals,
// z-test), seeded bootstrap intervals and the Jensen–Shannon distance. Pure functions, no I/O.
export * from './bootstrap.js';
export * from './chi-square.js';
export * from './jensen-shannon.js';
export * from './proportions.js';
export * from './binomial.js';
export * from './multiple-testing.js';
