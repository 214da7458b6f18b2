// What a promise that must fail rejected with, checked to be an error of the expected class: one expectation for
// the tests of what users are told (UserError's code, message and place) and of the errors that must not leak.

import { expect } from 'vitest';

/**
 * The reason `promise` rejects with, once it is checked to be an instance of `type`; a promise that resolves
 * fails the test.
 */
export async function rejection<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  const reason = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(reason, `a rejection with ${type.name}`).toBeInstanceOf(type);
  return reason as E;
}
