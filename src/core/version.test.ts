// Which changes to the procedure a run made by an earlier version has not seen: a resumed run is told of them.

import { expect, it } from 'vitest';
import { PROCEDURE_CHANGES, PROCEDURE_VERSION, procedureChangesSince, WORKBENCH_VERSION } from './version.js';

it('lists the changes made after a version, by version number, not by text', () => {
  expect(procedureChangesSince('0.1.0')).toHaveLength(PROCEDURE_CHANGES.length);
  expect(procedureChangesSince('0.1.9')).toHaveLength(PROCEDURE_CHANGES.length);
  expect(procedureChangesSince('0.2.0')).toEqual(PROCEDURE_CHANGES.filter((c) => c.since === '0.3.0'));
  expect(procedureChangesSince('0.2.0')).toHaveLength(1);
  expect(procedureChangesSince('0.3.0')).toEqual([]);
  expect(procedureChangesSince('0.10.0')).toEqual([]);
  expect(procedureChangesSince(WORKBENCH_VERSION)).toEqual([]);
  expect(PROCEDURE_VERSION).toBe(PROCEDURE_CHANGES.length + 1);
});
