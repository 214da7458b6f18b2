// Servers (and anything else with close()) that a test starts, closed after that test whether it passed or not.

import { afterEach } from 'vitest';

/**
 * `start`, wrapped so that what it starts is closed after each test: `const server = closedAfterEach(startFakeOpenAIServer)`.
 * Call it at the top of a test file or a describe block, where vitest's afterEach may be registered.
 */
export function closedAfterEach<Args extends unknown[], T extends { close(): Promise<void> }>(
  start: (...args: Args) => Promise<T>,
): (...args: Args) => Promise<T> {
  const started: T[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (...args) => {
    const made = await start(...args);
    started.push(made);
    return made;
  };
}
