import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProbeSource } from '../data/index.js';
import { UserError } from '../errors.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { getProbeSet, listProbeSets, loadProbes, openDatabase, saveProbeSet, schemaVersion, type Db } from './index.js';

const tempDir = useTempDir();

function tableCounts(db: Db): Record<string, number> {
  const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { probe_sets: count('probe_sets'), probes: count('probes') };
}

const HEADER = '\t0\t1\t2\t3\n';

describe('the database file', () => {
  it('is created with WAL and the latest schema, and reopens without migrating again', () => {
    const file = path.join(tempDir(), 'nested', 'workbench.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(1);
    const version = schemaVersion(db);
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(version);
    again.close();
  });

  it('refuses a database written by a newer workbench', () => {
    const file = path.join(tempDir(), 'newer.sqlite');
    const db = openDatabase(file);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer workbench/);
  });

  it('refuses a file that is not a database, naming it', () => {
    const file = path.join(tempDir(), 'not.sqlite');
    writeFileSync(file, 'this is not a database at all, just text that is long enough to have a header');
    expect(() => openDatabase(file)).toThrow(UserError);
  });
});

describe('probe sets in the database', () => {
  it('stores a set and reads it back by language in questionnaire order', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'de.csv');
    writeFileSync(file, `${HEADER}0\t10\tB [MASK]\tx\ty\n1\t2\tA [MASK]\tx\ty\n2\t152a\tC [MASK]\tx\t\n`);
    const db = openDatabase(path.join(dir, 'w.sqlite'));
    const info = saveProbeSet(db, 'mine', file, await readProbeSource(file));
    expect(info).toMatchObject({ name: 'mine', format: 'arora', languages: ['de'], probes: 3, usable: 2 });
    expect(loadProbes(db, 'mine', 'de').map((p) => [p.id, p.flag])).toEqual([
      ['Q2', null],
      ['Q10', null],
      ['Q152a', 'missing-option'],
    ]);
    expect(() => loadProbes(db, 'mine', 'fr')).toThrow(/no language "fr"/);
    expect(() => getProbeSet(db, 'other')).toThrow(/no probe set named "other" \(known: builtin, mine\)/);
    db.close();
  });

  it('leaves the database as it was when an import fails, in parsing or in writing', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'de.csv');
    writeFileSync(good, `${HEADER}0\t1\tA [MASK]\tx\ty\n`);
    const db = openDatabase(path.join(dir, 'w.sqlite'));
    saveProbeSet(db, 'first', good, await readProbeSource(good));
    const before = tableCounts(db);

    // A name that is taken: the transaction is rolled back, nothing of the second import remains.
    await expect(async () => saveProbeSet(db, 'first', good, await readProbeSource(good))).rejects.toThrow(
      /already exists/,
    );
    expect(tableCounts(db)).toEqual(before);

    // A probe that violates the schema half-way through the insert: the rows before it are rolled back too.
    const source = await readProbeSource(good);
    const broken = {
      ...source,
      probes: [...source.probes, { ...source.probes[0]!, id: 'Q2' }, { ...source.probes[0]!, id: 'Q2' }],
    };
    expect(() => saveProbeSet(db, 'second', good, broken)).toThrow();
    expect(tableCounts(db)).toEqual(before);
    expect(listProbeSets(db).map((s) => s.name)).toEqual(['builtin', 'first']);
    db.close();
  });
});

describeWithSharedData('importing the published probes into a database file', () => {
  it('stores 13 languages × 272 probes with the flagged ones counted', async () => {
    const zip = path.join(sharedDataDir, 'arora-probes/probes.zip');
    const db = openDatabase(path.join(tempDir(), 'w.sqlite'));
    const info = saveProbeSet(db, 'arora', zip, await readProbeSource(zip));
    expect(info.languages).toHaveLength(13);
    expect(info.probes).toBe(13 * 272);
    expect(info.usable).toBe(13 * 272 - 237);
    expect(info.summary.flagged['missing-option'] + info.summary.flagged['no-blank']).toBe(237);
    db.close();
  });
});

describe('the built-in English probe set', () => {
  it('is in every new database, cannot be shadowed, and is refreshed when the shipped file changes', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'w.sqlite');
    const db = openDatabase(file);
    expect(getProbeSet(db, 'builtin')).toMatchObject({
      format: 'builtin',
      languages: ['en'],
      probes: 272,
      usable: 272,
    });
    expect(loadProbes(db, 'builtin', 'en')[0]).toMatchObject({ id: 'Q1', template: 'Family is _ in my life.' });
    const english = path.join(dir, 'en.csv');
    writeFileSync(english, 'id,language,template,option_a,option_b\nQ1,en,Family is _.,dear,not dear\n');
    await expect(async () => saveProbeSet(db, 'builtin', english, await readProbeSource(english))).rejects.toThrow(
      /workbench's own English probes/,
    );
    db.close();

    // A workbench update ships a changed file: the next open replaces the set.
    const shipped = path.join(dir, 'data');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(shipped, 'probes'), { recursive: true });
    writeFileSync(
      path.join(shipped, 'probes', 'en.csv'),
      'id,language,template,option_a,option_b\nQ1,en,Family is _.,dear,not dear\n',
    );
    process.env.SELFALIGN_DATA_DIR = shipped;
    try {
      const reopened = openDatabase(file);
      expect(loadProbes(reopened, 'builtin', 'en').map((p) => p.options)).toEqual([['dear', 'not dear']]);
      reopened.close();
    } finally {
      delete process.env.SELFALIGN_DATA_DIR;
    }
  });
});
