// A finished run's results through the engine's in-process client (the built-in probes, the survey shares from
// ../shared/data and the tiny model in llama.cpp): its tables; the summary read first (the tiny model's answers are
// mostly unreadable, and it says so); its probes × conditions filtered, sorted and paged; one probe in full with the
// demonstrations and prompts it was asked with; the CSV report with the paper's Table 2, and the same explanations
// for the window; and a run or probe it lacks is refused with what is wrong, writing nothing.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CommandResult, WorkbenchClient, WorkbenchEvent } from '../../shared/contract.js';
import { commandRecorder } from '../../testing/recording-client.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { tinyModelPath } from '../../testing/tiny-model.js';
import { TINY_ENGLISH_RUN } from '../../testing/tiny-run.js';
import { createEngine, type Engine } from '../engine.js';
import { resultHandlers } from './results.js';

const recorder = commandRecorder();

describeWithSharedData("a run's results through the engine", () => {
  let dir = '';
  let engine: Engine;
  let client: WorkbenchClient;
  let runId = '';
  let run: CommandResult<'runs.get'>;

  beforeAll(async () => {
    // One database for the whole file (useTempDir would remove it after the first test).
    dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-results-'));
    engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
    client = recorder.clientOf(engine);
    await client.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
    await client.models.addGguf({ path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
    const config = TINY_ENGLISH_RUN;
    const ended = new Promise<WorkbenchEvent>((resolve) => {
      const stop = client.subscribe((e) => {
        if (e.type === 'job-ended' && e.kind === 'run') {
          stop();
          resolve(e);
        }
      });
    });
    runId = (await client.runs.start({ config, gpu: 'cpu', threads: 1 })).runId;
    expect(await ended).toMatchObject({ subject: runId, state: 'finished' });
    run = await client.runs.get({ runId });
  }, 240_000);

  afterAll(async () => {
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives the run's tables as the run counts them", async () => {
    const tables = await client.results.tables({ runId });
    expect(tables).toMatchObject({ runId, status: 'finished' });
    expect(tables.outcomes.map((o) => o.misaligned)).toEqual(run.outcomes.map((o) => o.misaligned));
    expect(tables.misalignment[0]!.probes).toBe(run.probes);
  });

  it('says first which model × language answered mostly unreadably, and reads no result there', async () => {
    const summary = await client.results.summary({ runId });
    // The run's setting (the default, a half); most of the tiny model's answers give neither option.
    expect(summary).toMatchObject({ runId, unreadableThreshold: 0.5 });
    const flagged = run.outcomes.filter((o) => o.mostlyUnreadable);
    expect(flagged.length).toBeGreaterThan(0);
    expect(summary.warnings).toHaveLength(1);
    const [warning] = summary.warnings;
    expect(warning).toMatchObject({ model: 'tiny', language: 'en', country: 'USA' });
    expect(warning!.conditions.filter((c) => c !== 'zero-shot').sort()).toEqual(flagged.map((o) => o.condition).sort());
    // n = 10 responses behind each measurement of the flagged rows.
    expect(warning!.responses).toBe(10 * flagged.reduce((sum, o) => sum + o.misaligned, 0));
    expect(warning!.unreadableShare).toBeCloseTo(warning!.unreadableResponses / warning!.responses, 9);
    const quoted = warning!.commonResponses.map((r) => r.share);
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.length).toBeLessThanOrEqual(3);
    expect(quoted).toEqual([...quoted].sort((a, b) => b - a));
    expect(warning!.suggestions.length).toBeGreaterThan(0);

    // The reading leaves the mostly unreadable conditions out and names them; with no readable strategy, none.
    expect(summary.readings).toHaveLength(1);
    const [reading] = summary.readings;
    const words = reading!.segments.map((segment) => segment.text).join('');
    const percentOf = (o: (typeof flagged)[number]) => `${Math.round(o.invalidShare! * 100)}%`;
    const readableStrategies = run.outcomes.filter(
      (o) => o.condition !== 'zero-shot-retest' && o.misaligned > 0 && !o.mostlyUnreadable,
    );
    if (readableStrategies.length === 0) {
      expect(reading).toMatchObject({ strategy: null, verdict: 'unreadable' });
      const most = flagged.reduce((a, b) => (b.invalidShare! > a.invalidShare! ? b : a));
      expect(words).toContain(`No reading: ${percentOf(most)} of the answers gave neither option`);
    } else {
      expect(readableStrategies.map((o) => o.condition)).toContain(reading!.strategy);
      expect(words).toContain(' Left out as mostly unreadable: ');
      for (const o of flagged) expect(words).toContain(`(${percentOf(o)} of its answers gave neither option)`);
    }
  });

  it('filters, sorts and pages the probes × conditions', async () => {
    const page = await client.results.probes({ runId, filter: { condition: 'chrf-all' }, limit: 3 });
    expect(page.total).toBe(run.misaligned);
    expect(page.rows).toHaveLength(Math.min(3, run.misaligned));
    expect(page.rows.every((r) => r.condition === 'chrf-all' && r.outcome !== null && r.template !== null)).toBe(true);
    const family = await client.results.probes({ runId, filter: { text: 'family', condition: 'zero-shot' } });
    expect(family.rows.map((r) => r.probeId)).toContain('Q1');
    const sorted = await client.results.probes({
      runId,
      filter: { condition: 'random' },
      sort: { by: 'errorReduction', descending: true },
    });
    const reductions = sorted.rows.map((r) => r.errorReduction ?? Number.NEGATIVE_INFINITY);
    expect(reductions).toEqual([...reductions].sort((a, b) => b - a));
    const second = await client.results.probes({ runId, filter: { condition: 'chrf-all' }, offset: 1, limit: 2 });
    expect(second).toMatchObject({ total: page.total, offset: 1 });
    expect(second.rows.map((r) => r.probeId)).toEqual(page.rows.slice(1, 3).map((r) => r.probeId));
  });

  it('shows one probe in full: each condition with the demonstrations and the prompts of its draws', async () => {
    const [one] = (await client.results.probes({ runId, filter: { condition: 'chrf-all' }, limit: 1 })).rows;
    const detail = await client.results.probe({ runId, model: 'tiny', language: 'en', probeId: one!.probeId });
    expect(detail).toMatchObject({ runId, country: 'USA', misaligned: true, probe: { id: one!.probeId } });
    expect(detail.conditions.map((c) => c.condition).sort()).toEqual([
      'chrf-all',
      'random',
      'zero-shot',
      'zero-shot-retest',
    ]);
    const aligned = detail.conditions.find((c) => c.condition === 'chrf-all')!;
    expect(aligned.demonstrations.length).toBeGreaterThan(0);
    expect(
      aligned.demonstrations.every(
        (d) => d.sentence !== null && d.chrfpp !== null && aligned.prompts.some((p) => p.text.includes(d.sentence!)),
      ),
    ).toBe(true);
    // Each draw has its own prompt: the option order is drawn per draw, so a probe has more than one prompt, n draws in all.
    expect(aligned.prompts.length).toBeGreaterThan(1);
    expect(aligned.prompts.reduce((sum, p) => sum + p.weight, 0)).toBe(10);
  });

  it("exports the report with the paper's Table 2, and gives the window the same explanations, filtered and paged", async () => {
    const out = path.join(dir, 'report');
    const report = await client.reports.export({ runId, dir: out, bom: true });
    expect(report).toMatchObject({ runId, dir: out, status: 'finished' });
    expect(report.files.map((f) => path.basename(f))).toContain('manifest.json');
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining(['probes.csv', 'table1-expected.csv', 'table1-uncontested.csv']),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      run: string;
      configuration: { protocol: string };
      promptTemplates: Record<string, { instruction: string }>;
      itemsLeftOut: { probeId: string }[];
    };
    expect(manifest.run).toBe(runId);
    expect(manifest.configuration.protocol).toBe('paper');
    expect(manifest.promptTemplates.en!.instruction).toContain('{first_option}');
    expect(manifest.itemsLeftOut).toEqual([]); // Q82 is in category 3, outside this run
    // explanations.csv in the layout of the paper's Table 2.
    const table2 = parse(readFileSync(path.join(out, 'explanations.csv'), 'utf8').replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(table2.length).toBeGreaterThan(0);
    expect(table2.length).toBe(run.explanations);
    expect(Object.keys(table2[0]!)).toEqual([
      'model',
      'language',
      'country',
      'probeId',
      'condition',
      'outcome',
      'demonstrations',
      'question',
      'answer',
      'explanation',
      'ordinal',
    ]);
    for (const row of table2) {
      expect(['improved', 'worsened']).toContain(row.outcome);
      expect(row.demonstrations!.split('\n').length).toBeGreaterThan(0);
      expect(row.demonstrations).not.toContain('_');
      expect(row.question).toContain('_');
    }

    // The same entries for the window, filtered and paged on the engine's side.
    const browsed = await client.results.explanations({ runId, limit: 2 });
    expect(browsed.total).toBe(table2.length);
    expect(browsed.rows[0]).toMatchObject({
      probeId: table2[0]!.probeId,
      explanation: table2[0]!.explanation,
      demonstrations: table2[0]!.demonstrations!.split('\n'),
    });
    expect(browsed.rows[0]!.categoryName).toBeTruthy();
    const improvedOnly = await client.results.explanations({ runId, filter: { outcome: 'improved' } });
    expect(improvedOnly.total).toBe(table2.filter((r) => r.outcome === 'improved').length);
    expect(improvedOnly.rows.every((r) => r.outcome === 'improved')).toBe(true);
    // Each card carries the probe's shares, as its measurements hold them.
    const card = browsed.rows[0]!;
    const probe = await client.results.probes({
      runId,
      filter: { model: card.model, language: card.language, condition: card.condition as 'chrf-all' },
      limit: 1000,
    });
    const row = probe.rows.find((r) => r.probeId === card.probeId)!;
    expect(card.shares).toMatchObject({
      targetOption: row.targetOption,
      zeroShot: { alignment: row.zeroShotAlignment },
      condition: { alignment: row.alignment, invalidShare: row.invalidShare },
    });
  });

  it('writes the report with column names SPSS, Stata and R take, and a codebook of every column', async () => {
    const out = path.join(dir, 'report-spss');
    const report = await client.reports.export({ runId, dir: `"${out}"`, columnNames: 'spss' });
    expect(report.dir).toBe(out);
    const header = (file: string) => readFileSync(path.join(out, file), 'utf8').split('\r\n')[0]!.split(',');
    expect(header('probes.csv')).toEqual(expect.arrayContaining(['zero_shot_retest_alignment', 'chrf_all_outcome']));
    for (const file of readdirSync(out).filter((f) => f.endsWith('.csv')))
      for (const name of header(file)) expect(name, `${file}: ${name}`).toMatch(/^[a-z][a-z0-9_]{0,31}$/);
    const codebook = parse(readFileSync(path.join(out, 'codebook.csv'), 'utf8'), { columns: true }) as {
      file: string;
      column: string;
    }[];
    expect(codebook.filter((r) => r.file === 'explanations.csv').map((r) => r.column)).toEqual(
      header('explanations.csv'),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { columnNames: string };
    expect(manifest.columnNames).toBe('spss');
  });

  it('says in words why a report could not be written, and what a relative folder would have meant', async () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    await expect(client.reports.export({ runId, dir: path.join(blocker, 'report') })).rejects.toMatchObject({
      kind: 'user',
      code: 'report-not-written',
      message: `The report could not be written into ${path.join(blocker, 'report')}: a file stands where a folder of that path should be.`,
    });
    await expect(client.reports.export({ runId, dir: 'reports/x' })).rejects.toMatchObject({
      kind: 'user',
      code: 'relative-path',
      message: expect.stringMatching(/^the report folder: "reports\/x" is a relative path/),
    });
  });

  it('refuses a run or a probe it lacks, with what is missing, and writes no report for it', async () => {
    await expect(
      client.results.probe({ runId, model: 'tiny', language: 'en', probeId: 'Q9999' }),
    ).rejects.toMatchObject({
      kind: 'user',
      code: 'unknown-probe',
      message: expect.stringContaining(`run ${runId} has no measurement of tiny on en/USA Q9999`),
      where: { probe: 'Q9999' },
    });
    for (const refused of [
      () => client.results.tables({ runId: 'r-none' }),
      () => client.results.summary({ runId: 'r-none' }),
      () => client.results.probes({ runId: 'r-none' }),
      () => client.results.explanations({ runId: 'r-none' }),
    ])
      await expect(refused()).rejects.toMatchObject({
        kind: 'user',
        code: 'unknown-run',
        message: expect.stringContaining('there is no run "r-none"'),
      });
    const out = path.join(dir, 'no-report');
    await expect(client.reports.export({ runId: 'r-none', dir: out })).rejects.toMatchObject({ code: 'unknown-run' });
    expect(existsSync(out)).toBe(false);
  });

  it('has called every command of its group', () => {
    expect(recorder.uncalled(resultHandlers)).toEqual([]);
  });
});
