// A run on a real model, as a user makes one: SmolLM2-135M-Instruct registered with its preset, a small English
// run in the paper's protocol (categories 2 and 9, chrF++ across categories beside the re-test control, with
// explanations), its CSV report, and its tables and one probe's detail read back through the engine API. The
// real model must answer readably: at most half its zero-shot responses unreadable (the gold set's sample of
// SmolLM2's English answers, read by the parser as by a person on ≥ 98%, had 31% unreadable).

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { WORKBENCH_VERSION } from '../core/version.js';
import { createEngine } from '../engine/index.js';
import { describeWithRealModels } from '../testing/real-models.js';
import { addGgufModel, importShares, ON_CPU, selfalign } from '../testing/selfalign-cli.js';
import { useTempDir } from '../testing/temp-dir.js';
import { testModelPath } from '../testing/test-models.js';

const tempDir = useTempDir();

/** Above this mean share of unreadable zero-shot answers, the parser or the prompt broke on SmolLM2. */
const MOST_UNREADABLE = 0.5;

describeWithRealModels('a run on SmolLM2-135M-Instruct', ['smollm2-135m-instruct'], () => {
  it('runs the paper protocol in English, reports it, and reads back its tables and a probe', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    expect(importShares(db).code).toBe(0);
    const added = addGgufModel(db, testModelPath('smollm2-135m-instruct'), 'smollm2', 'smollm2-135m-instruct');
    expect(added.stdout).toContain('sampling: temperature 0.2, top-k 50, top-p 0.9 (preset smollm2-135m-instruct)');
    expect(added.stdout).toContain('chat template in the file');

    const run = selfalign([
      'run',
      '--model',
      'smollm2',
      '--survey',
      'shares',
      '--lang',
      'en',
      '--categories',
      '2,9',
      '--strategy',
      'chrf-all',
      '--explanations',
      '--seed',
      '5',
      ...ON_CPU,
      '--json',
      '--db',
      db,
    ]);
    expect(run.stderr).not.toMatch(/warning|error/i);
    expect(run.code).toBe(0);
    const { runId, probes, misaligned } = JSON.parse(run.stdout) as {
      runId: string;
      probes: number;
      misaligned: number;
    };
    expect(probes).toBeGreaterThanOrEqual(8);
    expect(misaligned).toBeGreaterThan(0);

    const out = path.join(dir, 'report');
    expect(selfalign(['report', runId, '--out', out, '--db', db]).code).toBe(0);
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining([
        'table1-outcomes.csv',
        'table1-expected.csv',
        'probes.csv',
        'explanations.csv',
        'manifest.json',
      ]),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      models: { name: string; identity: string }[];
      workbenchVersion: string;
      procedureChanges: { since: string; change: string }[];
    };
    expect(JSON.stringify(manifest.models)).toContain(
      'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
    );
    // The run says which procedure made it: the chat template in the file, the parser's rules 6 to 8.
    expect(manifest.workbenchVersion).toBe(WORKBENCH_VERSION);
    expect(manifest.procedureChanges.map((c) => c.change).join(' ')).toMatch(
      /chat template in its own GGUF file.*rules 6 to 8/s,
    );

    const engine = createEngine({ databasePath: db });
    try {
      const tables = await engine.client.results.tables({ runId });
      expect(tables.outcomes.map((r) => r.condition).sort()).toEqual(['chrf-all', 'zero-shot-retest']);
      for (const row of tables.outcomes) expect(row.n).toBe(misaligned);
      const zeroShot = await engine.client.results.probes({ runId, filter: { condition: 'zero-shot' }, limit: 1000 });
      expect(zeroShot.total).toBe(probes);
      const unreadable = zeroShot.rows.reduce((sum, r) => sum + r.invalidShare, 0) / zeroShot.rows.length;
      expect(unreadable).toBeLessThanOrEqual(MOST_UNREADABLE);

      const first = zeroShot.rows.find((r) => r.misaligned)!;
      const detail = await engine.client.results.probe({
        runId,
        model: 'smollm2',
        language: 'en',
        probeId: first.probeId,
      });
      expect(detail.conditions.map((c) => c.condition).sort()).toEqual(['chrf-all', 'zero-shot', 'zero-shot-retest']);
      // What SmolLM2 was sent went through its own chat template, and what it said is kept.
      const zero = detail.conditions.find((c) => c.condition === 'zero-shot')!;
      expect(zero.prompts.length).toBeGreaterThan(0);
      expect(zero.distribution.responses.length).toBeGreaterThan(0);
      expect(zero.distribution.responses.every((r) => r.text.trim().length > 0)).toBe(true);
      const explanations = await engine.client.results.explanations({ runId });
      expect(explanations.total).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  }, 240_000);
});
