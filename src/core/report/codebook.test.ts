// The codebook describes every column of every file, and the portable names are ones SPSS, Stata and R take.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { COMPARISONS } from '../demos/index.js';
import { useTempDir } from '../../testing/temp-dir.js';

import {
  CSV_FILE_NAMES,
  EXPLANATION_COLUMNS,
  PER_PROBE_COLUMNS,
  STRATEGY_COLUMNS,
  strategyColumn,
  TABLE_COLUMNS,
  writeCsvReport,
} from './csv-report.js';
import { describeColumn, MAX_PORTABLE_NAME_LENGTH, portableColumnName } from './codebook.js';
import { resultsTables } from './results-tables.js';
import { perProbeRows } from './csv-report.js';
import { SAMPLE_RECORDS } from './sample-records.js';

const tempDir = useTempDir();

/** Every file's columns, the per-probe ones of every condition included. */
function everyFile(): { file: string; columns: string[] }[] {
  // The fixed conditions and the controls the screens offer, with the longest control id the grammar allows.
  const conditions = [
    ...COMPARISONS,
    'persona',
    'chrf-all+persona',
    'chrf-all/random-labels',
    'chrf-all/flipped-labels',
    'chrf-all/share-labels',
    'chrf-all/country=DEU',
    'chrf-all/k=3',
    'chrf-all/system',
    'random-category+persona/country=DEU/k=10/system',
  ];
  const conditionColumns = conditions.flatMap((c) => STRATEGY_COLUMNS.map((column) => strategyColumn(c, column)));
  return [
    ...Object.entries(TABLE_COLUMNS).map(([table, columns]) => ({
      file: CSV_FILE_NAMES[table as keyof typeof CSV_FILE_NAMES],
      columns: [...columns],
    })),
    { file: CSV_FILE_NAMES.probes, columns: [...PER_PROBE_COLUMNS, ...conditionColumns] },
    { file: CSV_FILE_NAMES.explanations, columns: [...EXPLANATION_COLUMNS] },
  ];
}

describe('the codebook and portable column names', () => {
  it('describes every column of every file', () => {
    for (const { file, columns } of everyFile())
      for (const column of columns)
        expect(describeColumn(file, column).length, `${file} ${column}`).toBeGreaterThan(10);
    expect(() => describeColumn('probes.csv', 'colour')).toThrow('the codebook has no description of column "colour"');
  });

  it('names every column as SPSS, Stata and R take it: a letter first, letters, digits, _, at most 32, no clashes', () => {
    for (const { file, columns } of everyFile()) {
      const names = columns.map(portableColumnName);
      for (const name of names) {
        expect(name, `${file}: ${name}`).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(name.length, `${file}: ${name}`).toBeLessThanOrEqual(MAX_PORTABLE_NAME_LENGTH);
      }
      expect(new Set(names).size, file).toBe(names.length);
    }
    expect(portableColumnName('zero-shot-retest.alignment')).toBe('zero_shot_retest_alignment');
    expect(portableColumnName('gatedImprovedShareLower')).toBe('gated_improved_share_lower');
    expect(portableColumnName('targetShare1')).toBe('target_share_1');
    // A control's columns in short words (codebook.csv spells each out).
    expect(portableColumnName('chrf-all/flipped-labels.gatedOutcome')).toBe('chrf_fl_gated_outcome');
    expect(portableColumnName('persona.alignment')).toBe('persona_alignment');
    expect(portableColumnName('chrf-all+persona/country=DEU/k=3/system.alignment')).toBe('chrf_p_deu_k3_sys_alignment');
  });

  it('writes the report with portable names, and a codebook under the names written', async () => {
    const dir = tempDir();
    const tables = resultsTables(SAMPLE_RECORDS, { seed: 1, draws: 10, resamples: 200 });
    const files = await writeCsvReport(
      dir,
      { ...tables, probes: perProbeRows(SAMPLE_RECORDS) },
      { columnNames: 'spss' },
    );
    expect(files.map((f) => path.basename(f))).toContain('codebook.csv');
    const header = (file: string) => readFileSync(path.join(dir, file), 'utf8').split('\r\n')[0]!.split(',');
    expect(header('probes.csv')).toContain('chrf_all_alignment');
    expect(header('table1-outcomes.csv').slice(0, 6)).toEqual([
      'model',
      'language',
      'country',
      'condition',
      'misaligned',
      'n',
    ]);
    const codebook = parse(readFileSync(path.join(dir, 'codebook.csv'), 'utf8'), { columns: true }) as {
      file: string;
      column: string;
      description: string;
    }[];
    // One row per column of every file written, under the name it was written with.
    for (const file of files.map((f) => path.basename(f)).filter((f) => f !== 'codebook.csv'))
      expect(
        codebook.filter((r) => r.file === file).map((r) => r.column),
        file,
      ).toEqual(header(file));
    expect(codebook.find((r) => r.column === 'mostly_unreadable')?.description).toMatch(/unreadable threshold/);
  });
});
