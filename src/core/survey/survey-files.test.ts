import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../cancellation.js';
import { UserError } from '../errors.js';
import { openDatabase, saveSurvey, listSurveys, loadSurveyCells } from '../store/index.js';
import { describeWithSharedData, sharedDataDir, SHARES_COUNTRIES } from '../../testing/shared-data.js';
import { rejection } from '../../testing/rejection.js';
import { useTempDir } from '../../testing/temp-dir.js';
import {
  AnswerKey,
  builtinAnswerKey,
  countryTargets,
  readSurveyFile,
  targetFromCells,
  type SurveyCell,
} from './index.js';

const tempDir = useTempDir();

function write(name: string, content: string): string {
  const file = path.join(tempDir(), name);
  writeFileSync(file, content);
  return file;
}

const failure = (promise: Promise<unknown>): Promise<UserError> => rejection(promise, UserError);

const MICRO_HEADER = '\uFEFF"B_COUNTRY_ALPHA";"W_WEIGHT";"PWGHT";"Q1";"Q2"\n';

describe('WVS microdata', () => {
  it('counts weighted answers per country, question and code; negative codes are missing', async () => {
    const file = write('micro.csv', `${MICRO_HEADER}"DEU";2;1;1;-1\n"DEU";1;1;3;2\n"TUR";0.5;3;1;-4\n"DEU";1;1;;1\n`);
    const { cells, summary } = await readSurveyFile(file);
    expect(summary).toMatchObject({ format: 'microdata', weightColumn: 'W_WEIGHT', rows: 4 });
    expect(summary.countries).toEqual([
      { iso3: 'DEU', name: 'Germany', respondents: 3, variables: 2 },
      { iso3: 'TUR', name: 'Türkiye', respondents: 1, variables: 1 },
    ]);
    expect(cells).toEqual([
      { country: 'DEU', variable: 'Q1', code: '1', weight: 2, respondents: 1, source: null },
      { country: 'DEU', variable: 'Q1', code: '3', weight: 1, respondents: 1, source: null },
      { country: 'DEU', variable: 'Q2', code: '1', weight: 1, respondents: 1, source: null },
      { country: 'DEU', variable: 'Q2', code: '2', weight: 1, respondents: 1, source: null },
      { country: 'TUR', variable: 'Q1', code: '1', weight: 0.5, respondents: 1, source: null },
    ]);
  });

  it('counts unweighted, or with another weight column, and reads comma-separated files', async () => {
    const file = write('micro.csv', 'B_COUNTRY_ALPHA,W_WEIGHT,PWGHT,Q1\nDEU,2,10,1\nDEU,1,30,2\n');
    const unweighted = await readSurveyFile(file, { weight: 'none' });
    expect(unweighted.cells.map((c) => c.weight)).toEqual([1, 1]);
    expect(unweighted.summary.weightColumn).toBeNull();
    const other = await readSurveyFile(file, { weight: 'PWGHT' });
    expect(other.cells.map((c) => c.weight)).toEqual([10, 30]);
    const missing = await failure(readSurveyFile(file, { weight: 'S018' }));
    expect(missing.message).toContain('S018 is not in the file');
  });

  it('names the line and column of a negative or missing weight', async () => {
    const negative = await failure(readSurveyFile(write('m.csv', `${MICRO_HEADER}"DEU";1;1;1;1\n"DEU";-0.5;1;1;1\n`)));
    expect(negative.code).toBe('bad-weight');
    expect(negative.where).toMatchObject({ line: 3, column: 2 });
    const empty = await failure(readSurveyFile(write('m.csv', `${MICRO_HEADER}"DEU";;1;1;1\n`)));
    expect(empty.describe()).toMatch(/m\.csv, line 2, column 2: the weight W_WEIGHT is missing or not a number/);
  });

  it('counts non-numeric answers as missing, with a warning naming the first lines', async () => {
    const { cells, summary } = await readSurveyFile(
      write('m.csv', `${MICRO_HEADER}"DEU";1;1;x;1\n"DEU";1;1;2;1.5\n"DEU";1;1;1;1\n`),
    );
    expect(cells.filter((c) => c.variable === 'Q1').map((c) => c.code)).toEqual(['1', '2']);
    expect(summary.warnings).toEqual([
      {
        code: 'non-numeric-answer',
        message: 'answers that are not whole-number codes, counted as missing',
        count: 2,
        examples: [
          { line: 2, column: 'Q1', detail: '"x"' },
          { line: 3, column: 'Q2', detail: '"1.5"' },
        ],
      },
    ]);
  });

  it('refuses a file that is neither layout, listing what is missing', async () => {
    const error = await failure(readSurveyFile(write('x.csv', 'country,question,value\nDEU,Q1,3\n')));
    expect(error.code).toBe('unknown-survey-layout');
    expect(error.message).toContain('B_COUNTRY_ALPHA');
    expect(error.message).toContain('country_iso3, question_id, answer_code, share');
    const forced = await failure(
      readSurveyFile(write('x.csv', 'country_iso3,question_id,answer_code,share\nDEU,Q1,1,1\n'), {
        format: 'microdata',
      }),
    );
    expect(forced.message).toContain('lacks the column B_COUNTRY_ALPHA');
  });

  it('can be cancelled, storing nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      readSurveyFile(write('m.csv', `${MICRO_HEADER}"DEU";1;1;1;1\n`), { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.code).toBe('cancelled');
    expect(error.where.file).toContain('m.csv');
  });
});

const AGGREGATE_HEADER = 'country_iso3,question_id,answer_code,share,source\n';

describe('aggregated answer shares', () => {
  it('reads codes and ranges with their sources', async () => {
    const { cells, summary } = await readSurveyFile(
      write(
        'a.csv',
        `${AGGREGATE_HEADER}DEU,Q1,1,0.6,tables\nDEU,Q1,2,0.4,tables\nDEU,Q106,1-5,0.45,halves\nDEU,Q106,6-10,0.55,halves\n`,
      ),
    );
    expect(summary).toMatchObject({ format: 'aggregate', rows: 4, warnings: [] });
    expect(cells[2]).toEqual({
      country: 'DEU',
      variable: 'Q106',
      code: '1-5',
      weight: 0.45,
      respondents: null,
      source: 'halves',
    });
  });

  it('names the line of a share outside 0..1, a bad code and an unknown country', async () => {
    const share = await failure(readSurveyFile(write('a.csv', `${AGGREGATE_HEADER}DEU,Q1,1,0.6,x\nDEU,Q1,2,1.4,x\n`)));
    expect(share.describe()).toMatch(/a\.csv, line 3, column 4: the share "1\.4" is not a number between 0 and 1/);
    const code = await failure(readSurveyFile(write('a.csv', `${AGGREGATE_HEADER}DEU,Q1,5-1,0.6,x\n`)));
    expect(code.code).toBe('bad-answer-code');
    const country = await failure(readSurveyFile(write('a.csv', `${AGGREGATE_HEADER}XYZ,Q1,1,0.6,x\n`)));
    expect(country.where).toMatchObject({ line: 2, column: 1 });
  });

  it('warns, naming the line, where the shares of a question do not sum to about 1', async () => {
    const { summary } = await readSurveyFile(
      write('a.csv', `${AGGREGATE_HEADER}DEU,Q1,1,0.6,x\nDEU,Q1,2,0.2,x\nDEU,Q2,1,0.5,x\nDEU,Q2,2,0.501,x\n`),
    );
    expect(summary.warnings).toHaveLength(1);
    expect(summary.warnings[0]).toMatchObject({
      code: 'shares-do-not-sum-to-one',
      count: 1,
      examples: [{ line: 2, detail: 'DEU Q1: 0.8000' }],
    });
  });
});

describe('target answers from cells', () => {
  const entry = { probeId: 'Q106b', variable: 'Q106', option1: [1, 2, 3, 4, 5], option2: [6, 7, 8, 9, 10], note: '' };
  const cell = (code: string, weight: number): SurveyCell => ({
    country: 'DEU',
    variable: 'Q106',
    code,
    weight,
    respondents: null,
    source: null,
  });

  it('normalises the shares over the two options and gives majority and margin', () => {
    const { target } = targetFromCells({ ...entry, option1: [1, 2], option2: [4, 5] }, [
      cell('1', 30),
      cell('2', 10),
      cell('3', 50),
      cell('5', 10),
    ]);
    expect(target).toEqual({ kind: 'majority', option: 1, shares: [0.8, 0.2], margin: 0.6000000000000001 });
  });

  it('takes a range inside one option, and leaves the target unknown, with a warning, for a range across both', () => {
    expect(targetFromCells(entry, [cell('1-5', 0.3), cell('6-10', 0.7)]).target).toMatchObject({
      kind: 'majority',
      option: 2,
      shares: [0.3, 0.7],
    });
    const across = targetFromCells({ ...entry, option1: [1, 2], option2: [3, 4] }, [
      cell('1-2', 0.5),
      cell('3-5', 0.5),
    ]);
    expect(across.target.kind).toBe('unknown');
    expect(across.warning).toMatch(/code range 3-5 falls across the codes of the options/);
  });

  it('gives a tie for equal shares and unknown where the country lacks the question', () => {
    expect(targetFromCells(entry, [cell('2', 5), cell('7', 5)]).target.kind).toBe('tie');
    expect(targetFromCells(entry, []).target).toEqual({
      kind: 'unknown',
      reason: 'the survey has no answers to Q106 for this country',
    });
    const targets = countryTargets('DEU', new AnswerKey([entry]), [cell('2', 5)]);
    expect(targets.get('Q1')).toMatchObject({ kind: 'unknown' });
  });
});

describeWithSharedData('the real WVS data', () => {
  const turkeyFile = () => path.join(sharedDataDir, 'wvs/microdata/WVS_Wave_7_Turkey_Csv_v5.0.csv');
  const aggregateFile = () => path.join(sharedDataDir, 'wvs/country_distributions.csv');

  it('imports the official Turkey microdata file', async () => {
    const { summary, cells } = await readSurveyFile(turkeyFile());
    expect(summary).toMatchObject({ format: 'microdata', weightColumn: 'W_WEIGHT', rows: 2415, warnings: [] });
    expect(summary.countries).toEqual([
      { iso3: 'TUR', name: 'Türkiye', respondents: 2415, variables: expect.any(Number) },
    ]);
    const q1 = cells.filter((c) => c.variable === 'Q1');
    expect(q1.map((c) => c.code)).toEqual(['1', '2', '3', '4']);
    expect(q1.reduce((sum, c) => sum + c.respondents!, 0)).toBeLessThanOrEqual(2415);
  });

  it('imports the aggregated shares of 12 countries', async () => {
    const { summary } = await readSurveyFile(aggregateFile());
    expect(summary.countries.map((c) => c.iso3)).toEqual(SHARES_COUNTRIES);
    expect(summary.rows).toBe(10130);
  });

  it('gives the same Turkish targets from the microdata as from the aggregated rows computed from it', async () => {
    const key = await builtinAnswerKey();
    const fromMicro = countryTargets('TUR', key, (await readSurveyFile(turkeyFile())).cells);
    const aggregateCells = (await readSurveyFile(aggregateFile())).cells.filter((c) => c.country === 'TUR');
    expect(new Set(aggregateCells.map((c) => c.source))).toEqual(new Set(['wvs7_microdata_TUR_csv_v5.0']));
    const fromAggregate = countryTargets('TUR', key, aggregateCells);
    let majorities = 0;
    for (const { probeId } of key.entries) {
      const a = fromMicro.get(probeId);
      const b = fromAggregate.get(probeId);
      expect(b.kind, probeId).toBe(a.kind);
      if (a.kind === 'majority' && b.kind === 'majority') {
        majorities++;
        expect(b.option, probeId).toBe(a.option);
        // The aggregated file rounds shares to six decimals.
        expect(Math.abs(b.shares[0] - a.shares[0]), probeId).toBeLessThan(1e-4);
        expect(Math.abs(b.margin - a.margin), probeId).toBeLessThan(2e-4);
      }
    }
    expect(majorities).toBeGreaterThan(250);
  });

  it('stores an import in one transaction: a failed one leaves the database as it was', async () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir, 'w.sqlite'));
    saveSurvey(db, 'shares', aggregateFile(), await readSurveyFile(aggregateFile()));
    const before = listSurveys(db);
    const broken = write('broken.csv', `${AGGREGATE_HEADER}DEU,Q1,1,0.6,x\nDEU,Q1,2,abc,x\n`);
    await expect(readSurveyFile(broken).then((s) => saveSurvey(db, 'broken', broken, s))).rejects.toMatchObject({
      code: 'bad-share',
      where: { line: 3 },
    });
    const again = await readSurveyFile(aggregateFile());
    expect(() => saveSurvey(db, 'shares', aggregateFile(), again)).toThrow(/already exists/);
    const halfBad = { ...again, cells: [...again.cells, again.cells[0]!] }; // a duplicate cell fails the insert at the end
    expect(() => saveSurvey(db, 'second', aggregateFile(), halfBad)).toThrow();
    expect(listSurveys(db)).toEqual(before);
    expect(loadSurveyCells(db, 'shares', 'DEU').length).toBeGreaterThan(100);
    db.close();
  });
});
