// Each report row is defined in core (its interface) and its columns are checked against it by the compiler
// (csv-report.ts's columnsOf); the contract describes the same rows in zod for the screens. This test fails when the
// zod copy and core's columns differ, so a column added in core cannot be silently dropped when the engine parses
// its result, nor the contract promise one core never writes.

import { expect, it } from 'vitest';
import { z } from 'zod';
import { resultsTables, TABLE_COLUMNS } from '../core/report/index.js';
import { ResultsTables } from '../shared/schemas.js';

const CORE_COLUMNS: Record<string, readonly string[]> = TABLE_COLUMNS;

it('has a zod row for every table core builds, and nothing core does not build', () => {
  const contractTables = Object.keys(ResultsTables.shape).filter(
    (key) => ResultsTables.shape[key as keyof typeof ResultsTables.shape] instanceof z.ZodArray,
  );
  const coreTables = Object.keys(resultsTables([], { seed: 0, draws: 10 }));
  expect(contractTables.sort()).toEqual(coreTables.sort());
  expect(Object.keys(CORE_COLUMNS).sort()).toEqual(coreTables.sort());
});

it.each(Object.entries(CORE_COLUMNS))('describes the columns of %s exactly as core writes them', (table, columns) => {
  const row = (ResultsTables.shape[table as keyof typeof ResultsTables.shape] as z.ZodArray<z.ZodObject>).element;
  expect(Object.keys(row.shape).sort()).toEqual([...columns].sort());
});
