// Every failure as it leaves the engine: the user's mistakes (UserError) with their code and place as fields, a
// cancellation as such, and anything else as a bug whose stack goes to the engine's log.

import { CancelledError } from '../core/cancellation.js';
import { UserError } from '../core/errors.js';
import { CONTRACT_BREAKS, type ContractBreak, type WorkbenchError } from '../shared/contract.js';

/** A request or result that breaks the contract: a bug on one side or the other, reported with what broke. */
export class ContractError extends Error {
  constructor(
    readonly code: ContractBreak,
    message: string,
  ) {
    super(message);
  }
}

export function toWorkbenchError(error: unknown): WorkbenchError {
  if (error instanceof CancelledError) return { kind: 'cancelled', code: error.code, message: error.message };
  if (error instanceof UserError) return { kind: 'user', code: error.code, message: error.message, ...error.where };
  if (error instanceof ContractError)
    return { kind: CONTRACT_BREAKS[error.code], code: error.code, message: error.message };
  console.error('[engine]', error);
  return { kind: 'bug', code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
