// The shared test helpers fail where they must: a check that quietly passes would hide what it is meant to find.

import { describe, expect, it } from 'vitest';
import { closedAfterEach } from './closed-after-each.js';
import { rejection } from './rejection.js';

class NamedError extends Error {}

describe('rejection', () => {
  it('returns the reason of a promise rejected with the expected class', async () => {
    const reason = new NamedError('told');
    expect(await rejection(Promise.reject(reason), NamedError)).toBe(reason);
  });

  it('fails on a promise that resolves, and on a rejection of another class', async () => {
    await expect(rejection(Promise.resolve('fine'), NamedError)).rejects.toThrow(/a rejection with NamedError/);
    await expect(rejection(Promise.reject(new Error('other')), NamedError)).rejects.toThrow(
      /a rejection with NamedError/,
    );
  });
});

describe('closedAfterEach', () => {
  const closed: string[] = [];
  const start = closedAfterEach(async (name: string) => ({ name, close: async () => void closed.push(name) }));

  it('hands out what it starts, open', async () => {
    expect((await start('a')).name).toBe('a');
    await start('b');
    expect(closed).toEqual([]);
  });

  it('closed all of it after that test', () => {
    expect(closed.sort()).toEqual(['a', 'b']);
  });
});
