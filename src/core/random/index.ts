// Seeded randomness for every choice the method makes.
export * from './multinomial.js';
export * from './seeded-random.js';
