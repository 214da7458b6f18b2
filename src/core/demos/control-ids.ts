// The reviewer's controls of issue 24 as ids. Their grammar is the method's vocabulary (shared/method.ts
// readControlId), shared with the contract and the screens; here a malformed id becomes the workbench's error.

import { UserError } from '../errors.js';
import {
  controlId,
  MAX_CONTROL_K,
  readControlId,
  SUGGESTED_CONTROLS,
  type ControlSpec,
  type LabelSource,
} from '../../shared/method.js';

export { controlId, MAX_CONTROL_K, SUGGESTED_CONTROLS, type ControlSpec, type LabelSource };

/** A control id read, or refused with the id and what is allowed. */
export function parseControlId(id: string): ControlSpec {
  const read = readControlId(id);
  if ('problem' in read) throw new UserError('bad-control', read.problem);
  return read.spec;
}
