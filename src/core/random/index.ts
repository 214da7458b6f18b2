// Seeded randomness for every choice the method makes.
export * from './seeded-random.js';
