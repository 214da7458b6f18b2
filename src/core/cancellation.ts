// The one error a cancelled operation rejects with, wherever it was cancelled: a run, an import, a download, a
// request to a model. It is a UserError with the code 'cancelled', so every front end reports it as the user's
// own doing and not as a fault; `cancellationError` turns any AbortSignal's reason into one.

import { UserError, type ErrorLocation } from './errors.js';

export class CancelledError extends UserError {
  override readonly name = 'CancelledError';
  constructor(message = 'cancelled', where: ErrorLocation = {}) {
    super('cancelled', message, where);
  }
}

/**
 * The error for an aborted signal: its reason when that already is a CancelledError; else a new CancelledError
 * that keeps the message of a reason the caller gave (an Error other than the DOMException AbortError that
 * `abort()` without a reason leaves), or says just 'cancelled'.
 */
export function cancellationError(signal: AbortSignal): CancelledError {
  const reason: unknown = signal.reason;
  if (reason instanceof CancelledError) return reason;
  const isAbortError =
    typeof DOMException !== 'undefined' && reason instanceof DOMException && reason.name === 'AbortError';
  if (reason instanceof Error && !isAbortError) return new CancelledError(reason.message);
  return new CancelledError();
}

/** Throws the signal's CancelledError when it has been aborted. */
export function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw cancellationError(signal);
}
