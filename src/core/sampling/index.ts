// The sampling layer: a model's distribution of answers to one prompt, estimated three ways.
export * from './estimate.js';
export * from './estimators.js';
export * from './response-distribution.js';
export * from './token-session.js';
