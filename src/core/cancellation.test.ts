import { describe, expect, it } from 'vitest';
import { CancelledError, cancellationError, throwIfCancelled } from './cancellation.js';
import { UserError } from './errors.js';

describe('cancellation', () => {
  it('is a UserError with the code "cancelled"', () => {
    const error = new CancelledError();
    expect(error).toBeInstanceOf(UserError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('cancelled');
    expect(error.name).toBe('CancelledError');
    expect(error.message).toBe('cancelled');
  });

  it('turns any reason of an aborted signal into a CancelledError', () => {
    // abort() without a reason: a DOMException AbortError, which says nothing the user needs.
    const plain = cancellationError(AbortSignal.abort());
    expect(plain).toBeInstanceOf(CancelledError);
    expect(plain.message).toBe('cancelled');
    // The caller's own Error keeps its message (the CLI says what was kept and how to resume).
    const told = cancellationError(
      AbortSignal.abort(new UserError('cancelled', 'the run was cancelled; what was measured is kept')),
    );
    expect(told).toBeInstanceOf(CancelledError);
    expect(told.message).toBe('the run was cancelled; what was measured is kept');
    // A CancelledError is passed on as it is; a reason that is no Error says just "cancelled".
    const own = new CancelledError('stopped');
    expect(cancellationError(AbortSignal.abort(own))).toBe(own);
    expect(cancellationError(AbortSignal.abort('why')).message).toBe('cancelled');
  });

  it('throws only for an aborted signal', () => {
    expect(() => throwIfCancelled(undefined)).not.toThrow();
    expect(() => throwIfCancelled(new AbortController().signal)).not.toThrow();
    expect(() => throwIfCancelled(AbortSignal.abort())).toThrow(CancelledError);
  });
});
