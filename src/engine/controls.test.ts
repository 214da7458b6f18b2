// The reviewer's controls on real runs of the tiny model in llama.cpp, with the real built-in probes and survey
// shares. The tiny model answers with the words its prompt holds (src/core/models/tiny-model.ts), so completing the
// same demonstrations with the minority answer must pull it away from the country's, and random answers less so:
// a test of the direction, not only of the plumbing. Its first layer averages over the whole prompt, so a persona
// sentence it cannot read dilutes the options' words and its answers turn unreadable: the report must say so rather
// than read it as misalignment. And: where the persona sentence goes, another country's labels with the probes they
// leave out counted, refusals in words, and a resumed run with controls equal to an uninterrupted one.

import path from 'node:path';
import { expect, it } from 'vitest';
import { probeRecords, storedPrompts } from '../core/experiment/index.js';
import { controlComparisonTable } from '../core/report/index.js';
import { getRun, loadMeasurements, type Db } from '../core/store/index.js';
import { withoutCosts, type ResponseDistribution } from '../core/sampling/index.js';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyRunDatabase } from '../testing/tiny-run.js';
import { getTestLlama, tinyModelPath } from '../testing/tiny-model.js';
import { createEngine } from './index.js';
import { createRun, executeRun, inspectRunInputs, reopenRun, type ExecuteOptions } from './run-service.js';
import { parseRunConfig } from '../core/experiment/index.js';

const tempDir = useTempDir();

const database = (): Promise<Db> => tinyRunDatabase(path.join(tempDir(), 'w.sqlite'));

async function run(db: Db, config: unknown, options: ExecuteOptions & { onStarted?: (id: string) => void } = {}) {
  const prepared = await createRun(db, config);
  options.onStarted?.(prepared.runId);
  await executeRun(db, prepared, { open: { llama: await getTestLlama() }, ...options });
  return prepared.runId;
}

const BASE = { models: ['tiny'], survey: 'shares', languages: ['en'], strategies: ['chrf-all'], seed: 1 };

describeWithSharedData("the reviewer's controls", () => {
  it('pull a model that follows its prompt away from the country with flipped answers, less with random ones', async () => {
    const engine = createEngine({ databasePath: path.join(tempDir(), 'w.sqlite') });
    try {
      const c = engine.client;
      await c.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
      await c.models.addGguf({ path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
      const config = { ...BASE, controls: ['persona', 'chrf-all/random-labels', 'chrf-all/flipped-labels'] };
      const validated = await c.runs.validate({ config });
      expect(validated.problems).toEqual([]);
      // Each control is measured on every misaligned probe, like a strategy.
      expect(validated.work!.selfAlignedAtMost).toBe(validated.work!.zeroShot * 5);
      const ended = new Promise<void>((resolve) =>
        c.subscribe((event) => {
          if (event.type === 'job-ended') resolve();
        }),
      );
      const { runId } = await c.runs.start({ config, gpu: 'cpu', threads: 1 });
      await ended;
      const tables = await c.results.tables({ runId });
      const row = (condition: string) => tables.controls.find((r) => r.condition === condition)!;
      const flipped = row('chrf-all/flipped-labels');
      const random = row('chrf-all/random-labels');
      expect(flipped.reference).toBe('chrf-all');
      expect(flipped.n).toBeGreaterThan(100);
      // Flipped answers worsen where the country's improve: fewer improved, lower alignment, both beyond chance.
      expect(flipped.improvedDifferenceUpper!).toBeLessThan(0);
      expect(flipped.alignmentDifferenceUpper!).toBeLessThan(0);
      const outcomes = (condition: string) => tables.outcomes.find((r) => r.condition === condition)!;
      expect(outcomes('chrf-all/flipped-labels').worsenedCount).toBeGreaterThan(outcomes('chrf-all').worsenedCount);
      // Random answers lie between: the mean alignment below the country's answers' and above the flipped ones'.
      expect(random.meanAlignment!).toBeLessThan(random.referenceMeanAlignment!);
      expect(random.meanAlignment!).toBeGreaterThan(flipped.meanAlignment!);
      expect(flipped.reading).toMatch(
        /^chrF\+\+ \(all\), flipped labels: improved \d+% vs \d+% with chrF\+\+ \(all\), difference −\d+ points \[−\d+, −\d+\]; mean alignment/,
      );
      // The persona sentence names a country the tiny model cannot read; what it does is dilute the options' words,
      // and its answers turn unreadable: the comparison says it compares formats, and no reading counts it.
      const persona = row('persona');
      expect(persona.mostlyUnreadable).toBe(true);
      expect(persona.meanInvalidShare!).toBeGreaterThan(0.9);
      expect(persona.reading).toContain('so this compares answer formats, not values');
      expect(outcomes('persona').mostlyUnreadable).toBe(true);
      const summary = await c.results.summary({ runId });
      expect(summary.readings[0]!.strategy).toBe('chrf-all');
      // The report holds them: controls.csv, the conditions' prompt layouts in the manifest.
      const out = path.join(tempDir(), 'report');
      const report = await c.reports.export({ runId, dir: out });
      expect(report.files.map((f) => path.basename(f))).toContain('controls.csv');
      const manifest = JSON.parse(
        await import('node:fs/promises').then((fs) => fs.readFile(path.join(out, 'manifest.json'), 'utf8')),
      ) as { promptLayouts: { conditions: { condition: string; messages: { role: string; content: string }[] }[] }[] };
      const layouts = manifest.promptLayouts[0]!.conditions;
      expect(layouts.map((l) => l.condition)).toEqual([
        'zero-shot',
        'zero-shot-retest',
        'chrf-all',
        'persona',
        'chrf-all/random-labels',
        'chrf-all/flipped-labels',
      ]);
      expect(layouts[3]!.messages[0]).toEqual({
        role: 'system',
        content:
          'You are an average human being born in United States and living in United States responding to the following survey question.',
      });
      expect(layouts[5]!.messages[0]!.content).toContain("a statement completed with the country's minority answer");
    } finally {
      await engine.close();
    }
  }, 240_000);

  it('puts the persona sentence in the system message where the chat template takes one, else opens the user message with it', async () => {
    const db = await database();
    const config = { ...BASE, categories: [1], controls: ['persona'] };
    const personaPrompts = (runId: string) =>
      loadMeasurements(db, runId)
        .filter((m) => m.condition === 'persona')
        .flatMap((m) => storedPrompts(m.promptJson, m.demonstrationIds));
    const sentence =
      'You are an average human being born in United States and living in United States responding to the following survey question.';
    // The tiny model's own template (ChatML) takes a system message.
    const own = personaPrompts(await run(db, config));
    expect(own.length).toBeGreaterThan(0);
    for (const prompt of own) {
      expect(prompt.systemContentIn).toBe('system message');
      expect(prompt.messages[0]).toEqual({ role: 'system', content: sentence });
      expect(prompt.messages[1]!.content.startsWith('Fill in the blank')).toBe(true);
    }
    // node-llama-cpp's Gemma wrapper takes none (as Gemma's own template): the sentence opens the user message.
    const gemma = personaPrompts(await run(db, { ...config, chatWrappers: { tiny: 'gemma' } }));
    for (const prompt of gemma) {
      expect(prompt.systemContentIn).toBe('user message');
      expect(prompt.messages).toHaveLength(1);
      expect(prompt.messages[0]!.content.startsWith(`${sentence}\nFill in the blank`)).toBe(true);
    }
  }, 120_000);

  it("completes the demonstrations with another country's answers, leaving out and counting the probes it has none for", async () => {
    const db = await database();
    const config = { ...BASE, categories: [1, 2], controls: ['chrf-all/country=DEU', 'chrf-all/random-labels'] };
    const whole = await run(db, config);
    const measurements = loadMeasurements(db, whole);
    const misaligned = measurements.filter((m) => m.condition === 'chrf-all').length;
    const withGermany = measurements.filter((m) => m.condition === 'chrf-all/country=DEU');
    expect(withGermany.length).toBeGreaterThan(0);
    expect(withGermany.length).toBeLessThanOrEqual(misaligned);
    // DEU has no majority on some demonstrations' questions: those probes are left out, and controls.csv counts them.
    const row = controlComparisonTable(probeRecords(measurements, parseRunConfig(config).misalignmentThreshold), {
      seed: 0,
      draws: 10,
    }).find((r) => r.condition === 'chrf-all/country=DEU')!;
    expect(row).toMatchObject({ misaligned, n: withGermany.length, leftOut: misaligned - withGermany.length });
    expect(row.leftOut).toBeGreaterThan(0);
    expect(row.reading).toContain(`; ${row.leftOut} of ${misaligned} misaligned probes left out`);
    // The same demonstrations as chrF++ (all), in the same order.
    for (const m of withGermany)
      expect(m.demonstrationIds).toEqual(
        measurements.find((o) => o.condition === 'chrf-all' && o.probeId === m.probeId)!.demonstrationIds,
      );

    // A run cancelled among its controls and resumed equals the uninterrupted one.
    const broken = await database();
    const controller = new AbortController();
    let brokenId = '';
    await expect(
      run(broken, config, {
        signal: controller.signal,
        onStarted: (id) => (brokenId = id),
        onProgress: (p) => {
          if (p.phase === 'self-aligned' && p.done >= p.total / 2) controller.abort(new Error('stopped by the test'));
        },
      }),
    ).rejects.toThrow();
    expect(getRun(broken, brokenId).status).toBe('cancelled');
    await executeRun(broken, await reopenRun(broken, brokenId), { open: { llama: await getTestLlama() } });
    const comparable = (d: Db, id: string) =>
      loadMeasurements(d, id).map(({ cacheKey: _c, ...m }) => ({
        ...m,
        distributionJson: JSON.stringify(withoutCosts(JSON.parse(m.distributionJson) as ResponseDistribution)),
      }));
    expect(comparable(broken, brokenId)).toEqual(comparable(db, whole));
  }, 180_000);

  it('refuses a control whose country the survey lacks, in words', async () => {
    const db = await database();
    const { problems } = await inspectRunInputs(db, parseRunConfig({ ...BASE, controls: ['chrf-all/country=ZZZ'] }));
    expect(problems.map((p) => p.path)).toEqual(['controls.0']);
    expect(problems[0]!.error.message).toMatch(
      /^the control "chrf-all\/country=ZZZ", for English: survey import "shares" has no answers for ZZZ \(it has BGD, DEU, /,
    );
  });
});
