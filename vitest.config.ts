import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'e2e/**/*.test.ts'],
    // better-sqlite3 is a native module: separate processes keep each test file's handles apart.
    pool: 'forks',
    testTimeout: 30_000,
  },
});
