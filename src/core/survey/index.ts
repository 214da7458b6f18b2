// The survey layer: what each country answered, reduced to the two options of every probe.
export * from './target-answer.js';
