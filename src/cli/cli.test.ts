// The `selfalign` command as users run it: the real bin, a real database file, the real probe files.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';

const BIN = fileURLToPath(new URL('../../bin/selfalign.mjs', import.meta.url));
const tempDir = useTempDir();

function selfalign(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

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
    const imported = selfalign([
      'probes',
      'import',
      path.join(sharedDataDir, 'arora-probes/probes.zip'),
      '--name',
      'arora',
      '--db',
      db,
    ]);
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

    const similar = JSON.parse(
      selfalign(['similar', '--set', 'arora', '--lang', 'de', '--probe', 'Q1', '--top', '3', '--json', '--db', db])
        .stdout,
    );
    expect(similar.ranked.map((r: { id: string }) => r.id)).toEqual(['Q5', 'Q4', 'Q6']);
    const within = JSON.parse(
      selfalign([
        'similar',
        '--set',
        'arora',
        '--lang',
        'de',
        '--probe',
        '46',
        '--within-category',
        '--top',
        '50',
        '--json',
        '--db',
        db,
      ]).stdout,
    );
    expect(within.ranked.every((r: { category: number }) => r.category === 2)).toBe(true);
    expect(within.ranked).toHaveLength(10);

    const table = selfalign([
      'similar',
      '--set',
      'arora',
      '--lang',
      'de',
      '--probe',
      'Q1',
      '--top',
      '2',
      '--db',
      db,
    ]).stdout;
    expect(table).toMatch(/Q5\s+1\s+74\.\d\d/);
  });

  it('reports a malformed file with its file and line, exits 1 and leaves the database as it was', () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    selfalign(['probes', 'import', path.join(sharedDataDir, 'arora-probes/wvs/de.csv'), '--db', db]);
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
    const micro = selfalign([
      'survey',
      'import',
      path.join(sharedDataDir, 'wvs/microdata/WVS_Wave_7_Turkey_Csv_v5.0.csv'),
      '--name',
      'tur',
      '--db',
      db,
    ]);
    expect(micro.stderr).toBe('');
    expect(micro.stdout).toContain('Imported survey "tur" (microdata, weighted by W_WEIGHT): 2415 rows, 1 countries');
    const shares = selfalign([
      'survey',
      'import',
      path.join(sharedDataDir, 'wvs/country_distributions.csv'),
      '--name',
      'shares',
      '--json',
      '--db',
      db,
    ]);
    const sharesSummary = JSON.parse(shares.stdout) as {
      name: string;
      format: string;
      preview: boolean;
      countries: { iso3: string }[];
    };
    expect(sharesSummary).toMatchObject({ name: 'shares', format: 'aggregate', preview: false });
    expect(sharesSummary.countries.map((c) => c.iso3)).toEqual([
      'BGD',
      'DEU',
      'GRC',
      'IDN',
      'IRN',
      'MYS',
      'PAK',
      'PHL',
      'ROU',
      'SRB',
      'TUR',
      'USA',
    ]);
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
    selfalign(['probes', 'import', path.join(sharedDataDir, 'arora-probes/probes.zip'), '--name', 'arora', '--db', db]);
    selfalign([
      'survey',
      'import',
      path.join(sharedDataDir, 'wvs/country_distributions.csv'),
      '--name',
      'shares',
      '--db',
      db,
    ]);

    const german = JSON.parse(
      selfalign([
        'demos',
        '--set',
        'arora',
        '--lang',
        'de',
        '--survey',
        'shares',
        '--country',
        'DEU',
        '--probe',
        'Q1',
        '--strategy',
        'chrf-all',
        '--json',
        '--db',
        db,
      ]).stdout,
    );
    expect(german.demonstrations).toHaveLength(5);
    expect(german.demonstrations[0]).toMatchObject({
      id: 'Q5',
      sentence: expect.stringMatching(/^Arbeit ist (un)?wichtig in meinem Leben$/),
    });
    for (const d of german.demonstrations) expect(d.chrfpp).toBeGreaterThan(50);

    // English defaults to the built-in set and, by the paper's mapping, to the USA.
    const english = JSON.parse(
      selfalign([
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
      ]).stdout,
    );
    expect(english.demonstrations).toHaveLength(5);
    expect(english.demonstrations.every((d: { category: number }) => d.category === 1)).toBe(true);
    const again = JSON.parse(
      selfalign([
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
      ]).stdout,
    );
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
      selfalign([
        'prompt',
        '--set',
        'arora',
        '--lang',
        'de',
        '--survey',
        'shares',
        '--probe',
        'Q1',
        '--strategy',
        'chrf-all',
        '--chat',
        '--explain',
        '--db',
        db,
      ]).stdout,
    );
    expect(chat).toHaveLength(1);
    expect(chat[0].role).toBe('user');
    expect(chat[0].content).toContain('Familie ist _ in meinem Leben');
    expect(chat[0].content).toContain('explain why');

    const zeroShot = selfalign([
      'prompt',
      '--set',
      'arora',
      '--lang',
      'de',
      '--survey',
      'shares',
      '--probe',
      'Q1',
      '--db',
      db,
    ])
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
