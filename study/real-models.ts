// `npm run study:real-models`: the first evidence from real language models. The workbench's own engine runs the
// study's runs on the two real test models (SmolLM2-135M-Instruct, Gemma 3 270M), exactly as a user's runs go:
// probes and the answer shares imported from ../shared/data, the models registered with their presets, runs
// started, resumed and read back through the engine API. A stopped study continues where it stopped (the state
// file keeps each run's id; a run that did not finish is resumed). The tables it writes
// (docs/real-models-tables.md, with the numbers as JSON beside it) are what docs/real-models.md quotes.
//
//   npm run study:real-models -- [--dir DIR] [--threads 2] [--only CELL,...] [--report-only]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ZERO_SHOT, ZERO_SHOT_RETEST } from '../src/core/demos/index.js';
import {
  parseRunConfig,
  probeRecords,
  type MeasuredResult,
  type ProbeRecord,
  type RunConfigInput,
} from '../src/core/experiment/index.js';
import { readStoredDistribution, type ResponseDistribution } from '../src/core/sampling/index.js';
import { binomialPmf } from '../src/core/statistics/index.js';
import { loadMeasuredResults, openDatabase, type Db } from '../src/core/store/index.js';
import { createEngine } from '../src/engine/index.js';
import { progressLine } from '../src/cli/output.js';
import type { JobEndedEvent, WorkbenchClient } from '../src/shared/contract.js';
import { sharedDataDir } from '../src/testing/shared-data-dir.js';
import { fetchTestModels, type TestModelName } from '../src/testing/test-models.js';
import { studyModelSetup } from './study-models.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(os.homedir(), '.cache', 'selfalign', 'study-real-models') },
    threads: { type: 'string', default: '2' },
    only: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs/real-models-tables.md' },
  },
});

const SMOLLM2: TestModelName = 'smollm2-135m-instruct';
const GEMMA: TestModelName = 'gemma3-270m';
const SEED = 2026;

/** One run of the study: its configuration and why it is in the study. */
interface StudyCell {
  id: string;
  purpose: string;
  config: RunConfigInput;
}

/**
 * The scope, sized to about two hours on 2 cores (measured: a paper-protocol measurement takes SmolLM2 about 2 s
 * and Gemma about 4 s in English, twice that in scripts their tokenizers split finely; an exact estimate of a
 * model that rambles costs its whole evaluation budget). Categories 1, 2, 9 and 10 in English (social values,
 * happiness, science, religion); 2, 9 and 10 elsewhere. KOR and VNM are not in the answer shares, so Korean and
 * Vietnamese have no targets and no runs.
 */
const CELLS: StudyCell[] = [
  {
    id: 'en-paper',
    purpose:
      "English, both models, the paper's protocol: all four strategies beside the re-test control, with explanations",
    config: {
      models: [SMOLLM2, GEMMA],
      survey: 'wvs-shares',
      languages: ['en'],
      protocol: 'paper',
      categories: [1, 2, 9, 10],
      explanations: { enabled: true, perProbe: 1, maxTokens: 48 },
      seed: SEED,
    },
  },
  {
    id: 'en-precise-smollm2',
    purpose:
      'English, SmolLM2, exact probabilities: the expected Table 1 without sampling noise (the deterministic strategies)',
    config: {
      models: [SMOLLM2],
      survey: 'wvs-shares',
      languages: ['en'],
      protocol: 'precise',
      strategies: ['chrf-category', 'chrf-all'],
      categories: [2, 9, 10],
      errorBound: 0.01,
      maxEvaluations: 1500,
      seed: SEED,
    },
  },
  {
    id: 'en-precise-gemma',
    purpose:
      'English, Gemma, exact probabilities on the smallest category: what the exact estimator resolves on a model that rambles',
    config: {
      models: [GEMMA],
      survey: 'wvs-shares',
      languages: ['en'],
      protocol: 'precise',
      strategies: ['chrf-all'],
      categories: [2],
      errorBound: 0.01,
      maxEvaluations: 1500,
      seed: SEED,
    },
  },
  {
    id: 'gemma-languages',
    purpose:
      "Gemma in Arora et al.'s languages with answer shares, the paper's protocol: chrF++ (all) beside the re-test control",
    config: {
      models: [GEMMA],
      survey: 'wvs-shares',
      probeSet: 'arora',
      languages: ['ro', 'el', 'ur', 'fa', 'tl', 'id', 'de', 'ms', 'bn', 'sr', 'tr'],
      protocol: 'paper',
      strategies: ['chrf-all'],
      categories: [2, 9, 10],
      seed: SEED,
    },
  },
  {
    id: 'en-controls',
    purpose:
      "English, both models, the paper's protocol, the reviewer's controls (issue 24) beside chrF++ (all): does either model follow the country's answers more than random or flipped ones; does naming the country (persona) do as well; one demonstration instead of five; the demonstrations in the system message",
    config: {
      models: [SMOLLM2, GEMMA],
      survey: 'wvs-shares',
      languages: ['en'],
      protocol: 'paper',
      strategies: ['chrf-all'],
      controls: ['persona', 'chrf-all/random-labels', 'chrf-all/flipped-labels', 'chrf-all/k=1', 'chrf-all/system'],
      categories: [1, 2, 9, 10],
      seed: SEED,
    },
  },
];

interface StudyState {
  runs: Record<string, { runId: string; seconds: number }>;
}

const stateFile = path.join(args.dir, 'state.json');

function readState(): StudyState {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as StudyState) : { runs: {} };
}

function writeState(state: StudyState): void {
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

async function setUp(client: WorkbenchClient): Promise<void> {
  if (!(await client.probes.listSets()).some((s) => s.name === 'arora')) {
    await client.probes.import({ path: path.join(sharedDataDir, 'arora-probes', 'probes.zip'), name: 'arora' });
  }
  if (!(await client.surveys.list()).some((s) => s.name === 'wvs-shares')) {
    await client.surveys.import({
      path: path.join(sharedDataDir, 'wvs', 'country_distributions.csv'),
      name: 'wvs-shares',
      format: 'aggregate',
    });
  }
  const registered = new Set((await client.models.list()).map((m) => m.name));
  for (const model of await fetchTestModels()) {
    if (!registered.has(model.name))
      await client.models.addGguf({ path: model.path, name: model.name, preset: studyModelSetup(model.name).preset });
  }
}

/** Runs a cell to its end: started the first time, resumed after a stop, left alone once finished. */
async function runCell(client: WorkbenchClient, cell: StudyCell, state: StudyState, place: string): Promise<void> {
  const known = state.runs[cell.id];
  if (known && (await client.runs.get({ runId: known.runId })).status === 'finished') return;
  const local = { threads: Number(args.threads) };
  const ended = new Map<string, JobEndedEvent>();
  const waiting = new Map<string, (event: JobEndedEvent) => void>();
  const stop = client.subscribe((event) => {
    if (event.type === 'progress' && event.kind === 'run')
      process.stderr.write(`\r${place} ${cell.id.padEnd(20)} ${progressLine(event)}`);
    if (event.type === 'job-ended') {
      ended.set(event.jobId, event);
      waiting.get(event.jobId)?.(event);
    }
  });
  const started = performance.now();
  try {
    const { runId, jobId, warnings } = known
      ? await client.runs.resume({ runId: known.runId, ...local })
      : await client.runs.start({ config: cell.config as Record<string, unknown>, ...local });
    state.runs[cell.id] = { runId, seconds: known?.seconds ?? 0 };
    writeState(state);
    for (const warning of warnings) process.stderr.write(`\n${cell.id}: ${warning}\n`);
    const cancel = () => void client.runs.cancel({ runId });
    process.once('SIGINT', cancel);
    const end = await new Promise<JobEndedEvent>((resolve) =>
      ended.has(jobId) ? resolve(ended.get(jobId)!) : waiting.set(jobId, resolve),
    );
    process.off('SIGINT', cancel);
    state.runs[cell.id]!.seconds += (performance.now() - started) / 1000;
    writeState(state);
    process.stderr.write('\n');
    if (end.state !== 'finished')
      throw new Error(
        `${cell.id} (run ${runId}) stopped: ${end.error?.message ?? end.state}; run the study again to continue it`,
      );
  } finally {
    stop();
  }
}

// ---- The report ----

const pct = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined ? '–' : `${(100 * x).toFixed(digits)}%`;
const interval = (share: number | null, lower: number, upper: number) =>
  share === null ? '–' : `${pct(share)} [${pct(lower)}, ${pct(upper)}]`;

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * McNemar's exact test on the probes both conditions measured: does the strategy improve probes that measuring
 * again does not, more often than the other way round? Two-sided, from the discordant pairs.
 */
/**
 * The paper's rule counts an unreadable answer as not the target's, so a condition that only makes answers readable
 * "improves" a probe whose zero-shot answers were mostly unreadable. Two counts over the misaligned probes keep the
 * two apart: on how many the readable share (option 1 + option 2; an exact estimate's unresolved mass is neither)
 * rose / fell, and, where both conditions have readable answers, on how many the target's share among the readable
 * answers rose / fell.
 */
function readableCounts(
  records: readonly ProbeRecord[],
  rows: readonly MeasuredResult[],
  strategy: string,
): { readable: string; amongReadable: string } {
  let more = 0;
  let fewer = 0;
  let up = 0;
  let down = 0;
  let compared = 0;
  for (const record of records) {
    const of = (condition: string) => {
      const row = rows.find((r) => r.probeId === record.probeId && r.condition === condition);
      return row && readStoredDistribution(row.distributionJson);
    };
    const before = of(ZERO_SHOT);
    const after = of(strategy);
    if (!before || !after) continue;
    const readableBefore = before.option1 + before.option2;
    const readableAfter = after.option1 + after.option2;
    if (readableAfter > readableBefore + 1e-9) more++;
    if (readableAfter < readableBefore - 1e-9) fewer++;
    if (readableBefore === 0 || readableAfter === 0) continue;
    compared++;
    const target = (d: ResponseDistribution) => (record.targetOption === 1 ? d.option1 : d.option2);
    const shareBefore = target(before) / readableBefore;
    const shareAfter = target(after) / readableAfter;
    if (shareAfter > shareBefore + 1e-9) up++;
    if (shareAfter < shareBefore - 1e-9) down++;
  }
  return { readable: `${more} / ${fewer}`, amongReadable: `${up} / ${down} of ${compared}` };
}

function mcnemar(
  records: readonly ProbeRecord[],
  strategy: string,
): { onlyStrategy: number; onlyRetest: number; pValue: number | null } {
  let onlyStrategy = 0;
  let onlyRetest = 0;
  for (const record of records) {
    const a = record.strategies.find((s) => s.condition === strategy);
    const b = record.strategies.find((s) => s.condition === ZERO_SHOT_RETEST);
    if (!a || !b) continue;
    if (a.outcome === 'improved' && b.outcome !== 'improved') onlyStrategy++;
    if (b.outcome === 'improved' && a.outcome !== 'improved') onlyRetest++;
  }
  return { onlyStrategy, onlyRetest, pValue: mcnemarPValue(onlyStrategy, onlyRetest) };
}

/** Two-sided exact p-value of McNemar's test from its discordant counts; null without discordant pairs. */
function mcnemarPValue(onlyStrategy: number, onlyRetest: number): number | null {
  const discordant = onlyStrategy + onlyRetest;
  if (discordant === 0) return null;
  const pmf = binomialPmf(discordant, 0.5);
  const observed = pmf[onlyStrategy]!;
  return Math.min(
    1,
    pmf.filter((p) => p <= observed * (1 + 1e-9)).reduce((sum, p) => sum + p, 0),
  );
}

/**
 * Over the languages of a cell, per model and strategy: the discordant probes summed and McNemar's test on the sum.
 * The languages ask the same survey questions, so their probes are not independent: a pooled p-value overstates
 * the evidence and is a summary for reading, not a test to report.
 */
function pooledLines(groups: readonly GroupSummary[]): string[] {
  const lines: string[] = [];
  for (const model of [...new Set(groups.map((g) => g.model))]) {
    const ofModel = groups.filter((g) => g.model === model);
    if (ofModel.length < 2) continue;
    for (const strategy of [...new Set(ofModel.flatMap((g) => g.strategies.map((s) => s.strategy)))]) {
      const counts = ofModel.flatMap((g) =>
        g.strategies.filter((s) => s.strategy === strategy && s.discordant).map((s) => s.discordant!),
      );
      if (counts.length === 0) continue;
      const onlyStrategy = counts.reduce((sum, c) => sum + c.onlyStrategy, 0);
      const onlyRetest = counts.reduce((sum, c) => sum + c.onlyRetest, 0);
      const improvedLanguages = ofModel.filter((g) =>
        g.strategies.some(
          (s) => s.strategy === strategy && s.discordant && s.discordant.onlyStrategy > s.discordant.onlyRetest,
        ),
      ).length;
      const pValue = mcnemarPValue(onlyStrategy, onlyRetest);
      lines.push(
        `- ${model}, ${strategy} over ${ofModel.length} languages: ahead of the re-test in ${improvedLanguages}; ${onlyStrategy} probes improved only by it, ${onlyRetest} only by the re-test (pooled McNemar p = ${pValue === null ? '–' : pValue.toExponential(1)}; the languages share their questions, so this overstates the evidence).`,
      );
    }
  }
  return lines;
}

interface GroupSummary {
  cell: string;
  model: string;
  language: string;
  country: string;
  protocol: string;
  probes: number;
  misaligned: number;
  misalignedShare: string;
  zeroShotInvalid: number;
  seconds: number;
  measurements: number;
  meanErrorBound: number | null;
  strategies: {
    strategy: string;
    n: number;
    paperRule: string;
    improved: string;
    gatedImproved: string;
    expected: string;
    meanInvalid: number | null;
    medianErrorReduction: number | null;
    vsRetest: string;
    readable: string;
    amongReadable: string;
    /** McNemar's discordant probes against the re-test (null for the control itself). */
    discordant: { onlyStrategy: number; onlyRetest: number } | null;
  }[];
  /** The reviewer's controls against the condition each is read against (absent for a cell without controls). */
  controls?: ControlSummary[];
}

/**
 * A control beside its reference (its strategy with the country's own answers; chrF++ (all) for persona), on the
 * misaligned probes measured under both: the engine's paired comparison (results.tables' `controls`: improved
 * shares, mean alignments and unreadable shares of each, the differences with their paired bootstrap intervals) and
 * McNemar's exact test on the probes that only one of the two improved.
 */
interface ControlSummary {
  control: string;
  reference: string;
  n: number;
  leftOut: number;
  improved: { control: number | null; reference: number | null };
  improvedDifference: { mean: number | null; lower: number | null; upper: number | null };
  alignment: { control: number | null; reference: number | null };
  alignmentDifference: { mean: number | null; lower: number | null; upper: number | null };
  invalid: { control: number | null; reference: number | null };
  mostlyUnreadable: boolean;
  onlyControl: number;
  onlyReference: number;
  pValue: number | null;
}

type ResultsTables = Awaited<ReturnType<WorkbenchClient['results']['tables']>>;

function controlSummaries(records: readonly ProbeRecord[], rows: ResultsTables['controls']): ControlSummary[] {
  return rows.map((row) => {
    let onlyControl = 0;
    let onlyReference = 0;
    for (const record of records) {
      const a = record.strategies.find((s) => s.condition === row.condition);
      const b = record.strategies.find((s) => s.condition === row.reference);
      if (!record.misaligned || !a || !b) continue;
      if (a.outcome === 'improved' && b.outcome !== 'improved') onlyControl++;
      if (b.outcome === 'improved' && a.outcome !== 'improved') onlyReference++;
    }
    return {
      control: row.condition,
      reference: row.reference,
      n: row.n,
      leftOut: row.leftOut,
      improved: { control: row.improvedShare, reference: row.referenceImprovedShare },
      improvedDifference: {
        mean: row.improvedDifference,
        lower: row.improvedDifferenceLower,
        upper: row.improvedDifferenceUpper,
      },
      alignment: { control: row.meanAlignment, reference: row.referenceMeanAlignment },
      alignmentDifference: {
        mean: row.alignmentDifference,
        lower: row.alignmentDifferenceLower,
        upper: row.alignmentDifferenceUpper,
      },
      invalid: { control: row.meanInvalidShare, reference: row.referenceMeanInvalidShare },
      mostlyUnreadable: row.mostlyUnreadable,
      onlyControl,
      onlyReference,
      pValue: mcnemarPValue(onlyControl, onlyReference),
    };
  });
}

async function summarise(client: WorkbenchClient, db: Db, cell: StudyCell, runId: string): Promise<GroupSummary[]> {
  const tables = await client.results.tables({ runId });
  const config = parseRunConfig(cell.config);
  const measured = loadMeasuredResults(db, runId);
  const records = probeRecords(measured, config.misalignmentThreshold, config.contestedMargin);
  const summaries: GroupSummary[] = [];
  for (const m of tables.misalignment) {
    const inGroup = <T extends { model: string; language: string; country: string }>(r: T) =>
      r.model === m.model && r.language === m.language && r.country === m.country;
    const group = records.filter(inGroup);
    const rows = measured
      .filter(inGroup)
      .map((r) => ({ condition: r.condition, distribution: readStoredDistribution(r.distributionJson) }));
    const zeroShot = rows.filter((r) => r.condition === ZERO_SHOT);
    const exact = rows.filter((r) => r.distribution.estimator === 'exact');
    const share = (values: number[]) => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0);
    summaries.push({
      cell: cell.id,
      model: m.model,
      language: m.language,
      country: m.country,
      protocol: config.protocol,
      probes: m.probes,
      misaligned: m.misalignedCount,
      misalignedShare: interval(m.misalignedShare, m.misalignedShareLower, m.misalignedShareUpper),
      zeroShotInvalid: share(zeroShot.map((r) => r.distribution.invalid)),
      // Wall time inside the estimates of this model and language (the run's own time is in the state file).
      seconds: rows.reduce((sum, r) => sum + r.distribution.wallMs, 0) / 1000,
      measurements: rows.length,
      meanErrorBound: exact.length > 0 ? share(exact.map((r) => r.distribution.errorBound)) : null,
      strategies: tables.outcomes.filter(inGroup).map((o) => {
        const expected = tables.expectedOutcomes.find((e) => inGroup(e) && e.condition === o.condition);
        const test = o.condition === ZERO_SHOT_RETEST ? null : mcnemar(group, o.condition);
        return {
          strategy: o.condition,
          n: o.n,
          paperRule: `${pct(o.improvedShare)} / ${pct(o.unchangedShare)} / ${pct(o.worsenedShare)}`,
          improved: interval(o.improvedShare, o.improvedShareLower, o.improvedShareUpper),
          gatedImproved: interval(o.gatedImprovedShare, o.gatedImprovedShareLower, o.gatedImprovedShareUpper),
          expected: expected
            ? `${pct(expected.expectedImprovedShare)} / ${pct(expected.expectedUnchangedShare)} / ${pct(expected.expectedWorsenedShare)}`
            : '–',
          meanInvalid: o.meanInvalidShare,
          medianErrorReduction: median(
            group.flatMap((r) =>
              r.strategies
                .filter((s) => s.condition === o.condition && s.errorReduction !== undefined)
                .map((s) => s.errorReduction!),
            ),
          ),
          ...readableCounts(
            group.filter((r) => r.misaligned),
            measured.filter(inGroup),
            o.condition,
          ),
          discordant: test && { onlyStrategy: test.onlyStrategy, onlyRetest: test.onlyRetest },
          vsRetest:
            test === null
              ? 'control'
              : `${o.improvedBeyondRetest === null ? '–' : `${o.improvedBeyondRetest >= 0 ? '+' : ''}${(100 * o.improvedBeyondRetest).toFixed(0)} pts`}; ${test.onlyStrategy} vs ${test.onlyRetest} probes, p = ${test.pValue === null ? '–' : test.pValue.toFixed(3)}`,
        };
      }),
      // Only where the run has controls, so that the other cells' numbers (and JSON) stay as they were.
      ...(config.controls.length > 0 ? { controls: controlSummaries(group, tables.controls.filter(inGroup)) } : {}),
    });
  }
  return summaries;
}

function markdown(summaries: readonly GroupSummary[], state: StudyState): string {
  const lines: string[] = [
    "# Real models: the study's tables",
    '',
    'Written by `npm run study:real-models` (study/real-models.ts); docs/real-models.md reads them. Shares of',
    'misaligned probes with Wilson 95% intervals. "Paper\'s rule" is improved / unchanged / worsened; "gated" counts',
    'a change only where its q-value (Benjamini–Hochberg within the cell) is below 0.05 (exact runs: beyond 0.01 and',
    'the error bounds); "expected" is the paper\'s rule at n = 10 in expectation (exact in `precise`, plug-in in',
    '`paper`). "Against the re-test" is the improved share minus the re-test control\'s, then McNemar\'s exact test',
    'on the probes that only the strategy or only the re-test improved. An unreadable answer counts as not the',
    'target\'s, so "readable more / fewer" gives on how many misaligned probes the condition raised / lowered the',
    'share of readable answers, and "target among readable" on how many the target\'s share among the readable',
    'answers rose / fell (of the probes where both conditions had some).',
    '',
  ];
  for (const cell of CELLS) {
    const groups = summaries.filter((s) => s.cell === cell.id);
    if (groups.length === 0) continue;
    const run = state.runs[cell.id];
    lines.push(
      `## ${cell.id}`,
      '',
      `${cell.purpose}. Run ${run?.runId ?? '?'}, ${((run?.seconds ?? 0) / 60).toFixed(1)} min.`,
      '',
    );
    lines.push(
      '| model | language | probes | misaligned | zero-shot invalid | estimates | seconds in estimates | mean error bound |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const g of groups) {
      lines.push(
        `| ${g.model} | ${g.language}/${g.country} | ${g.probes} | ${g.misaligned} (${g.misalignedShare}) | ${pct(g.zeroShotInvalid)} | ${g.measurements} | ${g.seconds.toFixed(0)} | ${g.meanErrorBound === null ? '–' : g.meanErrorBound.toFixed(3)} |`,
      );
    }
    lines.push(
      '',
      "| model | language | condition | n | paper's rule +/=/− | improved [95% CI] | gated improved | expected +/=/− | invalid | median Δ | readable more / fewer | target among readable +/− | against the re-test |",
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const g of groups) {
      for (const s of g.strategies) {
        lines.push(
          `| ${g.model} | ${g.language} | ${s.strategy} | ${s.n} | ${s.paperRule} | ${s.improved} | ${s.gatedImproved} | ${s.expected} | ${pct(s.meanInvalid)} | ${s.medianErrorReduction === null ? '–' : s.medianErrorReduction.toFixed(2)} | ${s.readable} | ${s.amongReadable} | ${s.vsRetest} |`,
        );
      }
    }
    if (groups.some((g) => g.controls && g.controls.length > 0)) {
      lines.push(
        '',
        "The reviewer's controls against the condition each is read against (its strategy with the country's own answers; chrF++ (all) for persona), on the misaligned probes measured under both (n): control vs reference, improved share by the paper's rule, mean alignment (share of target answers) and mean unreadable share; the differences (control − reference) with paired 95% bootstrap intervals (the engine's `controls` table: 2,000 resamples of probes); McNemar's exact test on the probes only one of the two improved.",
        '',
        '| model | language | control | reference | n | improved | Δ improved [95% CI] | mean alignment | Δ alignment [95% CI] | unreadable | only control / only reference improved |',
        '|---|---|---|---|---|---|---|---|---|---|---|',
      );
      const points = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`);
      const difference = (d: ControlSummary['improvedDifference']) =>
        `${points(d.mean)} [${points(d.lower)}, ${points(d.upper)}] pts`;
      const pValue = (p: number | null) => (p === null ? 'p –' : p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);
      for (const g of groups) {
        for (const c of g.controls ?? []) {
          lines.push(
            `| ${g.model} | ${g.language} | ${c.control} | ${c.reference} | ${c.n}${c.leftOut > 0 ? ` (${c.leftOut} left out)` : ''} | ${pct(c.improved.control)} vs ${pct(c.improved.reference)} | ${difference(c.improvedDifference)} | ${pct(c.alignment.control, 1)} vs ${pct(c.alignment.reference, 1)} | ${difference(c.alignmentDifference)} | ${pct(c.invalid.control)} vs ${pct(c.invalid.reference)}${c.mostlyUnreadable ? ' (mostly unreadable)' : ''} | ${c.onlyControl} / ${c.onlyReference}, ${pValue(c.pValue)} |`,
          );
        }
      }
    }
    const pooled = pooledLines(groups);
    if (pooled.length > 0) lines.push('', ...pooled);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

mkdirSync(args.dir, { recursive: true });
const databasePath = path.join(args.dir, 'study.sqlite');
const engine = createEngine({ databasePath });
try {
  const state = readState();
  const cells = args.only ? CELLS.filter((c) => args.only!.split(',').includes(c.id)) : CELLS;
  if (!args['report-only']) {
    await setUp(engine.client);
    for (const [i, cell] of cells.entries()) await runCell(engine.client, cell, state, `[${i + 1}/${cells.length}]`);
  }
  const summaries: GroupSummary[] = [];
  const db = openDatabase(databasePath);
  try {
    for (const cell of CELLS) {
      const run = state.runs[cell.id];
      if (run && (await engine.client.runs.get({ runId: run.runId })).status === 'finished')
        summaries.push(...(await summarise(engine.client, db, cell, run.runId)));
    }
  } finally {
    db.close();
  }
  writeFileSync(args.out, markdown(summaries, state));
  writeFileSync(
    args.out.replace(/\.md$/, '.json'),
    `${JSON.stringify({ cells: CELLS, runs: state.runs, summaries }, null, 2)}\n`,
  );
  process.stderr.write(`Wrote ${args.out}\n`);
} finally {
  await engine.close();
}
