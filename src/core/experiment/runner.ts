// The self-alignment procedure of Choenni & Shutova (2024, §4.5) for every model, language and strategy of a
// run: the zero-shot distribution of every probe with a known target; the misaligned probes; for each of them and
// each strategy, the self-aligned distribution; then explanations for the improved and the worsened. Every random
// choice is seeded from the run's seed and the measurement's identity, so a resumed run repeats exactly, and each
// measurement goes to the journal as soon as it is known.

import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { Probe } from '../data/index.js';
import { DemonstrationPool, ZERO_SHOT, ZERO_SHOT_RETEST, type Condition } from '../demos/index.js';
import { throwIfCancelled } from '../cancellation.js';
import { UserError } from '../errors.js';
import type { ResponseModel, SamplingSettings } from '../models/index.js';
import { AnswerMatcher } from '../prompt/index.js';
import { comparisonsOf } from './stored-run-config.js';
import { PROCEDURE_VERSION } from '../version.js';
import { deriveSeed } from '../random/index.js';
import { estimatePromptMixture, readStoredDistribution, type ResponseDistribution } from '../sampling/index.js';
import type { TargetAnswer, TargetAnswers } from '../survey/index.js';
import { drawPrompts, layoutOf, storedPromptJson, type DrawContext } from './draw-prompts.js';
import { isLeftOutAsInvalid, isTestItem } from './test-items.js';
import { alignment, outcome } from './outcomes.js';
import type { RunConfig } from './run-config.js';
import type { MeasurementKey, MeasurementRow, RunJournal } from './run-journal.js';

export interface RunModel {
  name: string;
  model: ResponseModel;
  sampling: SamplingSettings;
  /** What makes results of this model comparable: a GGUF file's sha256, an API model's id and servers. */
  identity: string;
  /** Whether this model gets chat messages; the run's `chat` unless the model cannot take them (chatModeOf). */
  chat?: boolean;
  /**
   * Whether its chat template takes a system message (true unless the model says otherwise): where it does not, a
   * control's system content opens the user message instead.
   */
  systemMessages?: boolean;
}

export interface RunInputs {
  config: RunConfig;
  models: readonly RunModel[];
  probes: (language: string) => Probe[];
  /**
   * The targets of a language of the run: its country's answers in the language's survey import; also another
   * country's answers there, for a control with that country's labels.
   */
  targets: (language: string, country: string) => TargetAnswers;
}

export interface RunProgress {
  phase: 'zero-shot' | 'self-aligned' | 'explanations';
  done: number;
  total: number;
  /** Measurements per second over this phase so far. */
  rate: number;
  /** Seconds left in this phase at that rate. */
  etaSeconds: number;
}

export interface RunOptions {
  onProgress?: (progress: RunProgress) => void;
  signal?: AbortSignal;
}

type Majority = Extract<TargetAnswer, { kind: 'majority' }>;

interface Item {
  run: RunModel;
  language: string;
  country: string;
  probe: Probe;
  target: Majority;
  pool: DemonstrationPool;
  targets: TargetAnswers;
}

export async function runExperiment(inputs: RunInputs, journal: RunJournal, options: RunOptions = {}): Promise<void> {
  const { config } = inputs;
  const limit = pLimit(config.concurrency);
  const items: Item[] = [];
  for (const run of inputs.models) {
    for (const { language, country } of config.languages) {
      // Probes known to be invalid as published serve neither as test items nor as demonstrations.
      const probes = inputs.probes(language).filter((p) => !isLeftOutAsInvalid(p, config));
      const targets = inputs.targets(language, country);
      const pool = new DemonstrationPool(probes, targets);
      for (const probe of probes) {
        const target = targets.get(probe.id);
        if (!isTestItem(probe, target, config)) continue;
        items.push({ run, language, country, probe, target, pool, targets });
      }
    }
  }
  if (items.length === 0)
    throw new UserError(
      'nothing-to-run',
      'no probe of these languages has a known target answer in the chosen categories: check the survey import and the countries',
    );

  // Zero-shot for every probe with a known target.
  const zeroShot = (await phase('zero-shot', items, limit, options, (item) =>
    measure(inputs, journal, item, ZERO_SHOT, options.signal),
  )) as ResponseDistribution[]; // zero-shot leaves no probe out
  // Self-alignment for the misaligned ones, with every strategy and control.
  const misaligned = items.filter((item, i) => alignment(zeroShot[i]!, item.target) < config.misalignmentThreshold);
  // The re-test control measures the same prompts again with an independent seed, beside the strategies; the
  // reviewer's controls change the strategies' prompts in one respect. A control may leave a probe out (another
  // country without a majority on a demonstration's question): nothing is measured, and the reports count it.
  const comparisons = comparisonsOf(config);
  const candidates = misaligned.flatMap((item) => comparisons.map((strategy) => ({ item, strategy })));
  const measured = await phase('self-aligned', candidates, limit, options, ({ item, strategy }) =>
    measure(inputs, journal, item, strategy, options.signal),
  );
  const pairs = candidates.filter((_, i) => measured[i] !== null);
  const aligned = measured.filter((d): d is ResponseDistribution => d !== null);
  // Explanations for the improved and the worsened, as in the paper's qualitative analysis.
  if (config.explanations.enabled) {
    const changed = pairs.filter(({ item, strategy }, i) => {
      if (strategy === ZERO_SHOT_RETEST) return false;
      const before = zeroShot[items.indexOf(item)]!;
      return outcome(before, aligned[i]!, item.target) !== 'unchanged';
    });
    await phase('explanations', changed, limit, options, ({ item, strategy }) =>
      explain(inputs, journal, item, strategy, options.signal),
    );
  }
}

async function phase<T, R>(
  name: RunProgress['phase'],
  work: readonly T[],
  limit: ReturnType<typeof pLimit>,
  options: RunOptions,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const started = performance.now();
  let done = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    options.onProgress?.({
      phase: name,
      done,
      total: work.length,
      rate,
      etaSeconds: rate > 0 ? (work.length - done) / rate : Number.POSITIVE_INFINITY,
    });
  };
  report();
  // The first failure (or a cancel) stops the phase: tasks still queued then never start, and the phase waits for
  // those in flight to settle before it rethrows, so nobody closes a model under a running measurement.
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    work.map((item) =>
      limit(async () => {
        if (failure) return undefined;
        try {
          throwIfCancelled(options.signal);
          const result = await task(item);
          done++;
          report();
          return result;
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      }),
    ),
  );
  if (failure) throw failure.error;
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<R>).value);
}

function chatOf(config: RunConfig, item: Item): boolean {
  return config.chat && item.run.chat !== false;
}

function drawContext(inputs: RunInputs, item: Item, condition: Condition, explain = false): DrawContext {
  const labels = layoutOf(condition, inputs.config).labels;
  return {
    country: item.country,
    own: item.targets,
    ...(labels.kind === 'other-country' ? { other: inputs.targets(item.language, labels.country) } : {}),
    systemMessages: item.run.systemMessages ?? true,
    explain,
  };
}

function keyOf(item: Item, condition: Condition): MeasurementKey {
  return { model: item.run.name, language: item.language, country: item.country, probeId: item.probe.id, condition };
}

/**
 * One distribution: from the journal when this run has it, from the cache when any run computed it, else fresh;
 * null where the condition leaves the probe out (drawPrompts).
 */
async function measure(
  inputs: RunInputs,
  journal: RunJournal,
  item: Item,
  condition: Condition,
  signal?: AbortSignal,
): Promise<ResponseDistribution | null> {
  const key = keyOf(item, condition);
  const stored = journal.measurement(key);
  if (stored) return readStoredDistribution(stored.distributionJson);
  const { config } = inputs;
  const drawn = drawPrompts(item.probe, condition, item.pool, config, drawContext(inputs, item, condition));
  if (drawn === null) return null;
  const { prompts, demonstrationIds } = drawn;
  const seed =
    deriveSeed(config.seed, 'estimate', item.run.name, item.language, item.country, item.probe.id, condition) >>> 0;
  const settings = {
    estimator: config.estimator,
    n: config.n,
    maxTokens: config.maxTokens,
    errorBound: config.errorBound,
    // Absent unless set, so the keys of estimates cached before it existed still match.
    ...(config.maxEvaluations !== undefined ? { maxEvaluations: config.maxEvaluations } : {}),
    chat: chatOf(config, item),
    sampling: item.run.sampling,
  };
  // A single prompt keeps the key it had before each draw had its own prompt, so earlier estimates are reused.
  const chat = chatOf(config, item);
  const promptKey =
    prompts.length === 1
      ? chat
        ? prompts[0]!.prompt.messages
        : prompts[0]!.prompt.text
      : prompts.map((p) => [chat ? p.prompt.messages : p.prompt.text, p.weight]);
  const cacheKey = createHash('sha256')
    // What the model is sent and how its answers are read change with the procedure: an estimate made by another
    // procedure (another chat rendering, other parser rules) is not reused.
    .update(
      JSON.stringify({ model: item.run.identity, prompt: promptKey, settings, seed, procedure: PROCEDURE_VERSION }),
    )
    .digest('hex');
  let distribution = journal.cachedEstimate(cacheKey);
  if (!distribution) {
    try {
      distribution = await estimatePromptMixture(item.run.model, item.run.sampling, {
        probe: item.probe,
        prompts,
        chat,
        estimator: config.estimator,
        n: config.n,
        maxTokens: config.maxTokens,
        errorBound: config.errorBound,
        ...(config.maxEvaluations !== undefined ? { maxEvaluations: config.maxEvaluations } : {}),
        seed,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (error instanceof UserError) throw error;
      throw new UserError(
        'model-failed',
        `model "${item.run.name}" failed on ${item.language} ${item.probe.id} (${condition}): ${(error as Error).message}. What was measured before is kept; resume the run to continue.`,
      );
    }
    journal.cacheEstimate(cacheKey, distribution);
  }
  const row: MeasurementRow = {
    ...key,
    category: item.probe.category,
    targetOption: item.target.option,
    targetShares: [item.target.shares[0], item.target.shares[1]],
    promptJson: storedPromptJson(prompts),
    demonstrationIds,
    distributionJson: JSON.stringify(distribution),
    cacheKey,
  };
  journal.saveMeasurement(row);
  return distribution;
}

async function explain(
  inputs: RunInputs,
  journal: RunJournal,
  item: Item,
  condition: Condition,
  signal?: AbortSignal,
): Promise<void> {
  const { config } = inputs;
  const key = keyOf(item, condition);
  // Explanations are asked with the first draw's prompt, in its explanation variant.
  const drawn = drawPrompts(item.probe, condition, item.pool, config, drawContext(inputs, item, condition, true));
  if (drawn === null) return; // never asked: the probe was not measured under this condition either
  const { prompt } = drawn.prompts[0]!;
  const matcher = new AnswerMatcher(item.probe, { otherStatements: prompt.demonstrationStatements });
  for (let ordinal = 0; ordinal < config.explanations.perProbe; ordinal++) {
    if (journal.hasExplanation(key, ordinal)) continue;
    const result = await item.run.model.generate({
      text: prompt.text,
      messages: prompt.messages,
      chat: chatOf(config, item),
      n: 1,
      maxTokens: config.explanations.maxTokens,
      sampling: item.run.sampling,
      seed:
        deriveSeed(
          config.seed,
          'explanation',
          item.run.name,
          item.language,
          item.country,
          item.probe.id,
          condition,
          ordinal,
        ) >>> 0,
      ...(signal ? { signal } : {}),
    });
    const response = result.texts[0] ?? '';
    journal.saveExplanation({
      ...key,
      ordinal,
      promptJson: JSON.stringify({ text: prompt.text, messages: prompt.messages }),
      response,
      answer: String(matcher.parse(response).answer),
    });
  }
}
