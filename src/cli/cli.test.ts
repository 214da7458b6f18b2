// The `selfalign` command as users run it: the real bin, a real database file, the real probe files.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importAroraProbes, importShares, importSharedFile, selfalign } from '../testing/selfalign-cli.js';
import { describeWithSharedData, sharedDataDir, SHARES_COUNTRIES } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';

const tempDir = useTempDir();

describe('selfalign', () => {
  it('prints help naming its commands', () => {
    const { code, stdout } = selfalign(['--help']);
    expect(code).toBe(0);
    for (const command of ['probes', 'chrf', 'similar']) expect(stdout).toContain(command);
  });

  it('uses SELFALIGN_DB when --db is not given', () => {
    const db = path.join(tempDir(), 'from-env.sqlite');
    const { code, stdout } = selfalign(['probes', 'list', '--json'], { env: { SELFALIGN_DB: db } });
    expect(code).toBe(0);
    // A new database holds the built-in English probes and nothing else.
    expect(JSON.parse(stdout).map((s: { name: string; probes: number }) => [s.name, s.probes])).toEqual([
      ['builtin', 272],
    ]);
    expect(readFileSync(db).subarray(0, 15).toString()).toBe('SQLite format 3');
  });

  it('rejects an unknown option with exit code 2', () => {
    expect(selfalign(['probes', 'list', '--nonsense']).code).toBe(2);
  });
});

describeWithSharedData('selfalign with the published probes', () => {
  it('imports probes.zip, lists the set, shows a language and ranks similar probes', () => {
    const db = path.join(tempDir(), 'w.sqlite');
    const imported = importAroraProbes(db);
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toContain('3536 probes in 13 languages');
    expect(imported.stdout).toContain('232 × missing-option');
    expect(imported.stdout).toContain('5 × no-blank');

    const list = JSON.parse(selfalign(['probes', 'list', '--json', '--db', db]).stdout);
    expect(list).toMatchObject([
      { name: 'arora', probes: 3536, usable: 3299 },
      { name: 'builtin', format: 'builtin', languages: ['en'], probes: 272, usable: 272 },
    ]);

    const german = JSON.parse(
      selfalign(['probes', 'show', '--set', 'arora', '--lang', 'de', '--json', '--db', db]).stdout,
    );
    expect(german).toHaveLength(272);
    expect(german[0]).toMatchObject({ id: 'Q1', template: 'Familie ist _ in meinem Leben' });

    const similarInGerman = ['similar', '--set', 'arora', '--lang', 'de'];
    const similar = JSON.parse(
      selfalign([...similarInGerman, '--probe', 'Q1', '--top', '3', '--json', '--db', db]).stdout,
    );
    expect(similar.ranked.map((r: { id: string }) => r.id)).toEqual(['Q5', 'Q4', 'Q6']);
    const within = JSON.parse(
      selfalign([...similarInGerman, '--probe', '46', '--within-category', '--top', '50', '--json', '--db', db]).stdout,
    );
    expect(within.ranked.every((r: { category: number }) => r.category === 2)).toBe(true);
    expect(within.ranked).toHaveLength(10);

    const table = selfalign([...similarInGerman, '--probe', 'Q1', '--top', '2', '--db', db]).stdout;
    expect(table).toMatch(/Q5\s+1\s+74\.\d\d/);
  });

  it('reports a malformed file with its file and line, exits 1 and leaves the database as it was', () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    importSharedFile(db, 'probes', 'arora-probes/wvs/de.csv');
    const before = selfalign(['probes', 'list', '--json', '--db', db]).stdout;
    const broken = path.join(dir, 'tr.csv');
    writeFileSync(broken, '\t0\t1\t2\t3\n0\t1\tAile hayatımda [MASK]\tönemli\tönemsiz\n1\t2\n');
    const failed = selfalign(['probes', 'import', broken, '--db', db]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe(
      `error: ${broken}, line 3: expected 5 tab-separated columns (row, question id, template, option 1, option 2), found 2\n`,
    );
    expect(selfalign(['probes', 'list', '--json', '--db', db]).stdout).toBe(before);
  });

  it('scores JSON lines from stdin exactly as sacrebleu does', () => {
    const reference = readFileSync(path.join(sharedDataDir, 'chrf/chrf_reference.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 60);
    const input = reference.map((line) => {
      const { hyp, ref, lang } = JSON.parse(line) as { hyp: string; ref: string; lang: string };
      return JSON.stringify({ lang, hyp, ref });
    });
    const { code, stdout } = selfalign(['chrf'], { input: `${input.join('\n')}\n` });
    expect(code).toBe(0);
    const out = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { chrfpp: number; chrf: number; lang: string });
    expect(out).toHaveLength(reference.length);
    out.forEach((row, i) => {
      const expected = JSON.parse(reference[i]!) as { chrfpp: number; chrf: number; lang: string };
      expect(row.lang).toBe(expected.lang);
      expect(Math.abs(row.chrfpp - expected.chrfpp)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(row.chrf - expected.chrf)).toBeLessThanOrEqual(1e-9);
    });
    const bad = selfalign(['chrf'], { input: '{"hyp": "a", "ref": "b"}\nnot json\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('stdin, line 2');
  });
});

describeWithSharedData('selfalign with the WVS data', () => {
  it('imports the Turkey microdata and the aggregated shares, and their Turkish targets agree', () => {
    const db = path.join(tempDir(), 'w.sqlite');
    const micro = importSharedFile(db, 'survey', 'wvs/microdata/WVS_Wave_7_Turkey_Csv_v5.0.csv', 'tur');
    expect(micro.stderr).toBe('');
    expect(micro.stdout).toContain('Imported survey "tur" (microdata, weighted by W_WEIGHT): 2415 rows, 1 countries');
    const shares = importShares(db, ['--json']);
    const sharesSummary = JSON.parse(shares.stdout) as {
      name: string;
      format: string;
      preview: boolean;
      countries: { iso3: string }[];
    };
    expect(sharesSummary).toMatchObject({ name: 'shares', format: 'aggregate', preview: false });
    expect(sharesSummary.countries.map((c) => c.iso3)).toEqual(SHARES_COUNTRIES);
    const list = JSON.parse(selfalign(['survey', 'list', '--json', '--db', db]).stdout);
    expect(list.map((s: { name: string }) => s.name)).toEqual(['shares', 'tur']);

    type Row = { id: string; kind: string; option?: number; shares?: [number, number]; majorityText?: string };
    const fromMicro = JSON.parse(
      selfalign(['targets', '--survey', 'tur', '--country', 'tur', '--json', '--db', db]).stdout,
    ) as Row[];
    const fromShares = JSON.parse(
      selfalign(['targets', '--survey', 'shares', '--country', 'TUR', '--json', '--db', db]).stdout,
    ) as Row[];
    expect(fromMicro).toHaveLength(272);
    expect(fromShares.map((r) => [r.id, r.kind, r.option])).toEqual(fromMicro.map((r) => [r.id, r.kind, r.option]));
    expect(fromMicro.find((r) => r.id === 'Q1')).toMatchObject({
      kind: 'majority',
      option: 1,
      majorityText: 'important',
    });

    const table = selfalign(['targets', '--survey', 'tur', '--country', 'TUR', '--set', 'builtin', '--db', db]).stdout;
    expect(table).toMatch(/^Q1\s+1\s+important\s+0\.99\d\s+unimportant\s+0\.0\d\d\s+important\s+0\.98\d/m);
  });

  it('shows real demonstrations and prompts for German/Germany and English/USA', () => {
    const db = path.join(tempDir(), 'w.sqlite');
    importAroraProbes(db);
    importShares(db);
    // Probe Q1 of the German published probes, against the shares.
    const germanQ1 = ['--set', 'arora', '--lang', 'de', '--survey', 'shares', '--probe', 'Q1'];

    const german = JSON.parse(
      selfalign(['demos', ...germanQ1, '--country', 'DEU', '--strategy', 'chrf-all', '--json', '--db', db]).stdout,
    );
    expect(german.demonstrations).toHaveLength(5);
    expect(german.demonstrations[0]).toMatchObject({
      id: 'Q5',
      sentence: expect.stringMatching(/^Arbeit ist (un)?wichtig in meinem Leben$/),
    });
    for (const d of german.demonstrations) expect(d.chrfpp).toBeGreaterThan(50);

    // English defaults to the built-in set and, by the paper's mapping, to the USA.
    const englishDemos = [
      'demos',
      '--survey',
      'shares',
      '--probe',
      'Q28',
      '--strategy',
      'random-category',
      '--seed',
      '3',
      '--json',
      '--db',
      db,
    ];
    const english = JSON.parse(selfalign(englishDemos).stdout);
    expect(english.demonstrations).toHaveLength(5);
    expect(english.demonstrations.every((d: { category: number }) => d.category === 1)).toBe(true);
    // The same seed draws the same demonstrations.
    const again = JSON.parse(selfalign(englishDemos).stdout);
    expect(again).toEqual(english);

    const prompt = selfalign(['prompt', '--survey', 'shares', '--probe', 'Q28', '--strategy', 'chrf-all', '--db', db])
      .stdout.trimEnd()
      .split('\n');
    expect(prompt).toHaveLength(8);
    expect(prompt[0]).toMatch(
      /^Fill in the blank \(_\) in the last statement with one of the two options: "(agree|disagree)" or "(agree|disagree)"\./,
    );
    expect(prompt[6]).toBe('I _ that when a mother works for pay, the children suffer.');
    expect(prompt[7]).toBe('Answer:');
    for (const line of prompt.slice(1, 6)) expect(line).not.toContain('_');

    const chat = JSON.parse(
      selfalign(['prompt', ...germanQ1, '--strategy', 'chrf-all', '--chat', '--explain', '--db', db]).stdout,
    );
    expect(chat).toHaveLength(1);
    expect(chat[0].role).toBe('user');
    expect(chat[0].content).toContain('Familie ist _ in meinem Leben');
    expect(chat[0].content).toContain('explain why');

    const zeroShot = selfalign(['prompt', ...germanQ1, '--db', db])
      .stdout.trimEnd()
      .split('\n');
    expect(zeroShot).toHaveLength(3);
  });

  it('explains what is wrong with bad survey input and arguments', () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    const neither = path.join(dir, 'x.csv');
    writeFileSync(neither, 'a,b\n1,2\n');
    const layout = selfalign(['survey', 'import', neither, '--db', db]);
    expect(layout.code).toBe(1);
    expect(layout.stderr).toContain('line 1: the file is neither WVS microdata');
    expect(JSON.parse(selfalign(['survey', 'list', '--json', '--db', db]).stdout)).toEqual([]);
    expect(selfalign(['targets', '--survey', 'nothing', '--country', 'TUR', '--db', db]).stderr).toContain(
      'there is no survey import named "nothing"',
    );
    expect(selfalign(['targets', '--survey', 'x', '--country', 'XX', '--db', db]).stderr).toContain(
      '"XX" is not an ISO 3166 alpha-3 country code',
    );
  });
});
