// A run stored by an earlier workbench reads, through the engine, as the run it was: the conditions it measured,
// its protocol, its results. Before one reader, the screens assumed a re-test control every old run lacks.

import path from 'node:path';
import { expect, it } from 'vitest';
import { parseRunConfig } from '../../core/experiment/index.js';
import { insertRun, openDatabase } from '../../core/store/index.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';

const tempDir = useTempDir();

it('reads a run from before protocols and the re-test control with the conditions it measured, through every handler', async () => {
  const databasePath = path.join(tempDir(), 'w.sqlite');
  const db = openDatabase(databasePath);
  const today = JSON.parse(
    JSON.stringify(
      parseRunConfig({
        models: ['tiny'],
        survey: 'shares',
        languages: ['en'],
        categories: [1],
        strategies: ['chrf-all'],
      }),
    ),
  );
  for (const field of ['protocol', 'perDraw', 'retest', 'includeInvalidItems', 'contestedMargin']) delete today[field];
  insertRun(db, {
    id: 'r-old',
    configJson: JSON.stringify(today),
    configHash: 'h',
    workbenchVersion: '0.1.0',
    modelsJson: JSON.stringify([{ name: 'tiny', identity: 'sha256:x' }]),
  });
  db.close();

  const engine = createEngine({ databasePath });
  try {
    const run = await engine.client.runs.get({ runId: 'r-old' });
    expect(run.conditions).toEqual(['zero-shot', 'chrf-all']);
    expect(run.protocol).toBe('none');
    expect(run.config).toMatchObject({
      retest: false,
      includeInvalidItems: true,
      perDraw: { optionOrder: false, demonstrationOrder: false, randomDemonstrations: false },
    });
    expect((await engine.client.runs.list({})).map((r) => [r.id, r.protocol])).toEqual([['r-old', 'none']]);
    const tables = await engine.client.results.tables({ runId: 'r-old' });
    expect(tables.outcomes.map((row) => row.condition)).not.toContain('zero-shot-retest');
  } finally {
    await engine.close();
  }
});
