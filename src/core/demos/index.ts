// The demonstrations layer: chrF++ similarity and the four selection strategies of self-alignment.
export * from './chrf.js';
export * from './conditions.js';
export * from './demonstrations.js';
export * from './control-ids.js';
export * from './relabel.js';
