// A run as users run it, killed the hard way: `selfalign run` in a child process, SIGKILL part-way, then
// `selfalign run --resume` continues it, and every stored measurement equals an uninterrupted run's.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import {
  addGgufModel,
  importAroraProbes,
  importShares,
  ON_CPU,
  selfalign,
  startSelfalign,
} from '../testing/selfalign-cli.js';
import { describeWithSharedData } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyModelPath } from '../testing/tiny-model.js';
import { withoutCosts, type ResponseDistribution } from '../core/sampling/index.js';

const tempDir = useTempDir();

// The published probes of two languages beside the built-in English set, a random and a chrF++ strategy (two
// keep the test short; run-service.test.ts runs all four).
const RUN = [
  'run',
  '--model',
  'tiny',
  '--survey',
  'shares',
  '--lang',
  'de:DEU:arora',
  '--lang',
  'tr:TUR:arora',
  '--lang',
  'en',
  '--categories',
  '1,2',
  '--strategy',
  'random',
  '--strategy',
  'chrf-all',
  '--n',
  '10',
  '--fixed-per-probe',
  'random-demonstrations',
  '--estimator',
  'sampled',
  '--seed',
  '3',
  ...ON_CPU,
];

async function prepared(): Promise<string> {
  const db = path.join(tempDir(), 'w.sqlite');
  expect(importShares(db).code).toBe(0);
  expect(addGgufModel(db, await tinyModelPath(), 'tiny', 'llama-3-8b-instruct').code).toBe(0);
  expect(importAroraProbes(db).code).toBe(0);
  return db;
}

/** Measurements as comparable rows: everything but the wall time of each estimate. */
function rows(db: string, runId: string) {
  const connection = new Database(db, { readonly: true });
  try {
    return (
      connection
        .prepare('SELECT * FROM measurements WHERE run_id = ? ORDER BY model, language, country, probe_id, condition')
        .all(runId) as Record<string, unknown>[]
    ).map(({ run_id: _r, completed_at: _c, distribution_json, ...rest }) => {
      const distribution = withoutCosts(JSON.parse(distribution_json as string) as ResponseDistribution);
      return { ...rest, distribution };
    });
  } finally {
    connection.close();
  }
}

function count(db: string): number {
  const connection = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (connection.prepare('SELECT COUNT(*) AS n FROM measurements').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    connection.close();
  }
}

describeWithSharedData('selfalign run, killed and resumed', () => {
  it('resumes a run killed with SIGKILL to results identical to an uninterrupted run', async () => {
    const whole = await prepared();
    const finished = selfalign([...RUN, '--json', '--db', whole]);
    expect(finished.stderr).toBe('');
    const wholeId = (JSON.parse(finished.stdout) as { runId: string }).runId;
    const total = rows(whole, wholeId).length;
    expect(total).toBeGreaterThan(100);

    const broken = await prepared();
    const child = startSelfalign([...RUN, '--db', broken]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? -9 : _code)),
    );
    // Kill it once some measurements are stored, and long before it is done.
    const deadline = Date.now() + 60_000;
    while (count(broken) < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    const kept = count(broken);
    expect(kept).toBeGreaterThanOrEqual(40);
    expect(kept).toBeLessThan(total);
    const brokenId = /Run (run-[0-9a-f]+)/.exec(stderr)?.[1] ?? '';
    expect(brokenId).not.toBe('');

    const listed = JSON.parse(selfalign(['runs', 'list', '--json', '--db', broken]).stdout) as {
      id: string;
      status: string;
    }[];
    expect(listed).toMatchObject([{ id: brokenId, status: 'running' }]);
    const resumed = selfalign(['run', '--resume', brokenId, ...ON_CPU, '--json', '--db', broken]);
    expect(resumed.stderr).toBe('');
    expect(rows(broken, brokenId)).toEqual(rows(whole, wholeId));

    const shown = JSON.parse(selfalign(['runs', 'show', brokenId, '--json', '--db', broken]).stdout) as {
      status: string;
      outcomes: { condition: string; misaligned: number }[];
    };
    expect(shown.status).toBe('finished');
    expect(new Set(shown.outcomes.map((s) => s.condition))).toEqual(
      new Set(['zero-shot-retest', 'random', 'chrf-all']),
    );
    // The table a person reads gives each row's unreadable share.
    const table = selfalign(['runs', 'show', brokenId, '--db', broken]).stdout;
    expect(table).toMatch(/worsened +unreadable/);
    expect(table).toMatch(/\d+%( \(no readable answer\))?\s*$/m);

    // The report: a CSV per table, the probes, the explanations and a manifest; the same for both runs.
    const reports = [tempDir(), tempDir()];
    expect(selfalign(['report', wholeId, '--out', reports[0]!, '--bom', '--charts', '--db', whole]).code).toBe(0);
    expect(selfalign(['report', brokenId, '--out', reports[1]!, '--bom', '--charts', '--db', broken]).code).toBe(0);
    // The window's charts as SVG files, from the same chart code: the whole-run figures once, the others per
    // model × language; the same for both runs but for the run id in the captions.
    const charts = readdirSync(path.join(reports[0]!, 'charts')).sort();
    expect(charts).toEqual(
      expect.arrayContaining([
        'table1.svg',
        'misaligned.svg',
        'strategies-tiny-en.svg',
        'error-reduction-tiny-de.svg',
        'soft-alignment-tiny-tr.svg',
      ]),
    );
    expect(charts).toHaveLength(2 + 5 * 3);
    for (const file of charts) {
      const svg = readFileSync(path.join(reports[0]!, 'charts', file), 'utf8');
      expect(svg, file).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect(svg.replaceAll(wholeId, 'RUN')).toBe(
        readFileSync(path.join(reports[1]!, 'charts', file), 'utf8').replaceAll(brokenId, 'RUN'),
      );
    }
    const table1 = readFileSync(path.join(reports[0]!, 'table1-outcomes.csv'), 'utf8');
    expect(table1.startsWith('\uFEFFmodel,language,country,condition,misaligned,n,improvedCount')).toBe(true);
    // A header and one row per language × (the re-test control and two strategies).
    expect(table1.split('\r\n').filter(Boolean)).toHaveLength(1 + 3 * 3);
    for (const file of [
      'table1-outcomes.csv',
      'table1-expected.csv',
      'fig7-misaligned.csv',
      'fig8-10-categories.csv',
      'probes.csv',
      'explanations.csv',
    ]) {
      expect(readFileSync(path.join(reports[1]!, file), 'utf8')).toBe(
        readFileSync(path.join(reports[0]!, file), 'utf8'),
      );
    }
    const manifest = JSON.parse(readFileSync(path.join(reports[1]!, 'manifest.json'), 'utf8')) as {
      run: string;
      models: { identity: string }[];
      configuration: { seed: number };
    };
    expect(manifest).toMatchObject({ run: brokenId, configuration: { seed: 3 } });
    expect(manifest.models[0]!.identity).toMatch(/^gguf:[0-9a-f]{64}$/);
  }, 300_000);
});

describeWithSharedData('selfalign run --control', () => {
  it("takes the reviewer's controls, repeated, and refuses a malformed one before any work, in words", async () => {
    const db = await prepared();
    const few = ['run', '--model', 'tiny', '--survey', 'shares', '--lang', 'en', '--strategy', 'chrf-all'];
    const bad = selfalign([...few, '--control', 'chrf-all/k=1', '--control', 'chrf-all/flipped', '--db', db]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'the command line is not valid: the control "chrf-all/flipped" has "/flipped", which changes nothing the workbench knows',
    );
    expect(count(db)).toBe(0);
    const ran = selfalign([
      ...few,
      '--categories',
      '1',
      '--control',
      'persona',
      '--control',
      'chrf-all/k=1',
      '--seed',
      '1',
      ...ON_CPU,
      '--json',
      '--db',
      db,
    ]);
    expect(ran.stderr).toBe('');
    const runId = (JSON.parse(ran.stdout) as { runId: string }).runId;
    const shown = JSON.parse(selfalign(['runs', 'show', runId, '--json', '--db', db]).stdout) as {
      config: { controls: string[] };
    };
    expect(shown.config.controls).toEqual(['persona', 'chrf-all/k=1']);
    const conditions = new Set(rows(db, runId).map((r) => (r as { condition?: unknown }).condition));
    expect(conditions).toEqual(new Set(['zero-shot', 'zero-shot-retest', 'chrf-all', 'persona', 'chrf-all/k=1']));
  }, 120_000);
});
