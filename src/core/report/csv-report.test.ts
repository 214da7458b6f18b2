import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/temp-dir.js';
import {
  CSV_FILE_NAMES,
  csvCell,
  formatCsv,
  OUTCOME_COLUMNS,
  PER_PROBE_COLUMNS,
  perProbeRows,
  resultsTables,
  TABLE_COLUMNS,
  writeCsvReport,
  type ResultsTables,
} from './index.js';
import { probeRecord, SAMPLE_RECORDS, SAMPLE_RECORDS_WITH_CONTROLS } from './sample-records.js';

const tempDir = useTempDir('selfalign-report-');
const OPTIONS = { seed: 11, resamples: 200, draws: 10 };
const BOM = [0xef, 0xbb, 0xbf];

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
}

function header(file: string): string[] {
  const rows = parse(readFileSync(file, 'utf8'), { bom: true, to_line: 1 }) as string[][];
  return rows[0]!;
}

describe('writeCsvReport', () => {
  it('writes one file per table under the documented names and returns their paths in order', async () => {
    const dir = path.join(tempDir(), 'new', 'folder');
    const tables = resultsTables(SAMPLE_RECORDS, OPTIONS);
    const files = await writeCsvReport(dir, { ...tables, probes: perProbeRows(SAMPLE_RECORDS) });
    expect(files.map((f) => path.relative(dir, f))).toEqual([
      'table1-outcomes.csv',
      'table1-expected.csv',
      'table1-uncontested.csv',
      'fig7-misaligned.csv',
      'fig2-4-improvement-by-model.csv',
      'fig2-4-improvement-by-language.csv',
      'fig3-6-error-reduction-bins.csv',
      'fig5-9-zero-shot-error-bins.csv',
      'fig8-10-categories.csv',
      'soft-alignment.csv',
      'controls.csv',
      'k-curve.csv',
      'probes.csv',
      'codebook.csv',
    ]);
    expect(Object.values(CSV_FILE_NAMES).filter((name) => name !== 'explanations.csv')).toEqual(
      files.map((f) => path.basename(f)).filter((name) => name !== 'codebook.csv'),
    );
    // Without per-probe rows there is no probes.csv; the codebook is always there.
    expect(await writeCsvReport(tempDir(), tables)).toHaveLength(13);
  });

  it('writes every column of every row, headed by the property names, with the numbers unrounded', async () => {
    const dir = tempDir();
    // With the controls, so that controls.csv and k-curve.csv have rows too.
    const tables = resultsTables(SAMPLE_RECORDS_WITH_CONTROLS, { ...OPTIONS, k: 5 });
    await writeCsvReport(dir, tables);
    for (const key of Object.keys(TABLE_COLUMNS) as (keyof ResultsTables)[]) {
      const file = path.join(dir, CSV_FILE_NAMES[key]);
      const rows: readonly object[] = tables[key];
      // The column list names exactly the row's properties: none left out, none made up.
      expect([...TABLE_COLUMNS[key]].sort(), key).toEqual(Object.keys(rows[0]!).sort());
      expect(header(file), key).toEqual(TABLE_COLUMNS[key]);
      const read = readCsv(file);
      expect(read, key).toHaveLength(rows.length);
      // Every cell reads back to the value it came from: numbers to the same double, null to an empty cell.
      rows.forEach((row, i) => {
        for (const [column, value] of Object.entries(row)) {
          const cell = read[i]![column];
          if (value === null) expect(cell, `${key}.${column}`).toBe('');
          else if (typeof value === 'number') expect(Number(cell), `${key}.${column}`).toBe(value);
          else expect(cell, `${key}.${column}`).toBe(String(value));
        }
      });
    }
    // A value that is not a short decimal keeps all its digits.
    const outcomes = readCsv(path.join(dir, CSV_FILE_NAMES.outcomes));
    expect(outcomes[0]).toMatchObject({
      model: 'alpha',
      condition: 'random',
      improvedShare: '0.75',
      improvedShareLower: String(tables.outcomes[0]!.improvedShareLower),
    });
    expect(outcomes[0]!.improvedShareLower).toMatch(/^0\.3006418425824\d+$/);
    // An empty group: empty share, interval 0 and 1.
    expect(outcomes.find((row) => row.model === 'alpha' && row.language === 'fa')).toMatchObject({
      language: 'fa',
      n: '0',
      improvedShare: '',
      improvedShareLower: '0',
      improvedShareUpper: '1',
    });
  });

  it('ends lines in CRLF and adds a BOM only when asked', async () => {
    const plain = tempDir();
    const excel = tempDir();
    const tables = resultsTables(SAMPLE_RECORDS, OPTIONS);
    await writeCsvReport(plain, tables);
    await writeCsvReport(excel, tables, { bom: true });
    for (const name of [
      ...Object.values(CSV_FILE_NAMES).filter((n) => n !== 'probes.csv' && n !== 'explanations.csv'),
      'codebook.csv',
    ]) {
      const without = readFileSync(path.join(plain, name));
      const withBom = readFileSync(path.join(excel, name));
      expect([...without.subarray(0, 3)], name).not.toEqual(BOM);
      expect([...withBom.subarray(0, 3)], name).toEqual(BOM);
      expect(withBom.subarray(3).equals(without), name).toBe(true);
      const text = without.toString('utf8');
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    }
  });

  it('writes empty tables as a header row alone', async () => {
    const dir = tempDir();
    const files = await writeCsvReport(dir, { ...resultsTables([], OPTIONS), probes: perProbeRows([]) });
    for (const file of files.filter((f) => path.basename(f) !== 'codebook.csv')) {
      const text = readFileSync(file, 'utf8');
      expect(text.split('\r\n'), file).toHaveLength(2);
      expect(readCsv(file)).toEqual([]);
    }
    expect(header(files[0]!)).toEqual(OUTCOME_COLUMNS);
    expect(header(files[12]!)).toEqual(PER_PROBE_COLUMNS);
  });
});

describe('per-probe rows', () => {
  it('give one row per probe with the fixed columns, then each strategy’s columns', () => {
    const rows = perProbeRows(SAMPLE_RECORDS);
    expect(rows).toHaveLength(12);
    expect(Object.keys(rows[0]!)).toEqual([
      ...PER_PROBE_COLUMNS,
      'random.n',
      'random.alignment',
      'random.invalid',
      'random.outcome',
      'random.gatedOutcome',
      'random.pValue',
      'random.qValue',
      'random.errorReduction',
      'random.softAlignment',
      'random.demonstrationIds',
      'chrf-all.n',
      'chrf-all.alignment',
      'chrf-all.invalid',
      'chrf-all.outcome',
      'chrf-all.gatedOutcome',
      'chrf-all.pValue',
      'chrf-all.qValue',
      'chrf-all.errorReduction',
      'chrf-all.softAlignment',
      'chrf-all.demonstrationIds',
    ]);
    // Report order: model, language, then question number (Q2 before Q164).
    expect(rows.slice(0, 6).map((r) => r.probeId)).toEqual(['Q1', 'Q2', 'Q3', 'Q164', 'Q165', 'Q235']);
    expect(rows[0]).toMatchObject({
      probeId: 'Q1',
      language: 'bn',
      country: 'BGD',
      model: 'alpha',
      category: 1,
      categoryName: 'Social values, attitudes and stereotypes',
      targetOption: 1,
      zeroShotAlignment: 0.4,
      misaligned: true,
      'random.alignment': 0.7,
      'random.outcome': 'improved',
      'random.gatedOutcome': 'improved',
      'chrf-all.outcome': 'unchanged',
      'random.demonstrationIds': 'Q10 Q20 Q30 Q40 Q45',
    });
    // The validity of a probe included although invalid as published comes from the caller, who has the probes.
    expect(
      perProbeRows(SAMPLE_RECORDS, (r) => (r.probeId === 'Q164' ? 'asks the opposite' : null))
        .filter((r) => r.validity)
        .map((r) => `${r.model}/${r.language}/${r.probeId}`),
    ).toEqual(['alpha/bn/Q164', 'alpha/fa/Q164', 'beta/fa/Q164']);
    expect(rows[0]!.validity).toBeNull();
    // An aligned probe has no strategy results: empty cells.
    expect(rows[2]).toMatchObject({
      probeId: 'Q3',
      misaligned: false,
      'random.alignment': null,
      'random.demonstrationIds': null,
    });
  });

  it('survive a CSV round trip with quotes, commas, line breaks and Bengali and Persian text', async () => {
    const model = 'org/মডেল, "৪-বিট"';
    const record = probeRecord(model, 'fa', 'Q1', 1, 0.5, 0.2, {
      'chrf-all': [0.75, 'improved', 'unchanged', 0.5, 0.1],
    });
    record.country = 'ایران\nIRN';
    record.strategies[0]!.demonstrationIds = ['«نمونه»,1', 'Q2'];
    const aligned = probeRecord('plain', 'bn', 'Q2', 1, 1, undefined);
    const dir = tempDir();
    const tables = resultsTables([record, aligned], OPTIONS);
    const files = await writeCsvReport(dir, { ...tables, probes: perProbeRows([record, aligned]) }, { bom: true });

    const read = readCsv(files[12]!);
    expect(read).toHaveLength(2);
    expect(read[0]).toMatchObject({
      model,
      country: 'ایران\nIRN',
      misaligned: 'true',
      zeroShotAlignment: '0.5',
      'chrf-all.alignment': '0.75',
      'chrf-all.outcome': 'improved',
      'chrf-all.gatedOutcome': 'unchanged',
      'chrf-all.errorReduction': '0.5',
      'chrf-all.demonstrationIds': '«نمونه»,1 Q2',
    });
    expect(read[1]).toMatchObject({
      model: 'plain',
      misaligned: 'false',
      zeroShotSoftAlignment: '',
      'chrf-all.outcome': '',
    });
    // The same names survive in the aggregated tables.
    expect(readCsv(files[0]!)[0]).toMatchObject({
      model,
      country: 'ایران\nIRN',
      condition: 'chrf-all',
      improvedShare: '1',
    });
    // The raw text quotes the fields that need it, doubling the quotes inside.
    const raw = readFileSync(files[12]!, 'utf8');
    expect(raw).toContain('"org/মডেল, ""৪-বিট"""');
    expect(raw).toContain('"ایران\nIRN"');
  });
});

describe('cells', () => {
  it('write numbers in full without locale, booleans as words, null as empty, and refuse NaN', () => {
    expect(csvCell(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(csvCell(1234567.5)).toBe('1234567.5');
    expect(csvCell(1e-7)).toBe('1e-7');
    expect(csvCell(-0)).toBe('0');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
    expect(() => csvCell(Infinity)).toThrow(RangeError);
    expect(formatCsv(['a', 'b'], [{ a: 'x', b: 1.5 }], { bom: true })).toBe('\ufeffa,b\r\nx,1.5\r\n');
  });
});
