// The payloads of the contract: what each command takes and gives, as zod schemas. They mirror core's records
// but are written here on their own, so the contract depends on nothing but zod and a client can be generated
// from it (`selfalign contract`, `GET /api/contract`). Parsing a result with these schemas also narrows core's
// richer records to the fields a front end may rely on.

import { z } from 'zod';
import {
  ChrfDirection,
  COLUMN_NAME_STYLES,
  Condition,
  Estimator,
  Gpu,
  Outcome,
  PROTOCOLS,
  PromptTemplateSchema,
  ResolvedRunConfigSchema,
  RunProtocol,
  Strategy,
} from './method.js';

const count = z.number().int().nonnegative();
const share = z.number();
const nullableNumber = z.number().nullable();

// ---------------------------------------------------------------------------------------------------------
// The paper's vocabulary: defined once in ./method.ts, which core computes with too.

export { ChrfDirection, Condition, Estimator, Gpu, Outcome, RunPhase, RunProtocol, Strategy } from './method.js';
export const Answer = z.union([z.literal(1), z.literal(2), z.literal('invalid')]);

// ---------------------------------------------------------------------------------------------------------
// app

export const AppInfo = z.object({
  version: z.string(),
  databasePath: z.string(),
  node: z.string(),
  platform: z.string(),
  vocabulary: z.object({
    /** The WVS categories; runs leave out those excluded by default unless told otherwise (the paper's choice). */
    categories: z.array(z.object({ number: z.number().int(), name: z.string(), excludedByDefault: z.boolean() })),
    strategies: z.array(Strategy),
    /** Each protocol with the estimator and n it fills in. */
    protocols: z.array(z.object({ name: z.enum(PROTOCOLS), estimator: Estimator, n: z.number().int() })),
    /** The paper's country of each language (ISO 3166 alpha-3). */
    defaultCountries: z.record(z.string(), z.string()),
    /** The prompt a language gets unless the run gives it its own (in English): the start of a translation. */
    defaultPromptTemplate: PromptTemplateSchema,
  }),
});

// ---------------------------------------------------------------------------------------------------------
// probes

export const ProbeFlag = z.enum(['missing-option', 'no-blank', 'several-blanks']);

export const ProbeSetSummary = z.object({
  name: z.string(),
  format: z.string(),
  source: z.string(),
  languages: z.array(z.string()),
  probes: count,
  usable: count,
  importedAt: z.string(),
});

export const ProbeImportParams = z
  .object({
    path: z.string().min(1, 'give the path of a probe file, folder or archive'),
    name: z.string().min(1).optional(),
    /** Validate and count without storing anything. */
    preview: z.boolean().default(false),
  })
  .strict();

export const ProbeImportResult = z.object({
  preview: z.boolean(),
  name: z.string(),
  format: z.string(),
  languages: z.array(z.string()),
  probes: count,
  usable: count,
  files: z.array(z.object({ file: z.string(), language: z.string(), probes: count })),
  flagged: z.record(z.string(), count),
  flaggedProbes: z.array(z.object({ language: z.string(), id: z.string(), flag: ProbeFlag, reason: z.string() })),
  duplicateTemplates: z.array(z.object({ language: z.string(), template: z.string(), ids: z.array(z.string()) })),
  decodedEntities: z.array(z.object({ language: z.string(), id: z.string() })),
});

export const Probe = z.object({
  id: z.string(),
  language: z.string(),
  template: z.string(),
  options: z.tuple([z.string(), z.string()]),
  category: z.number().int(),
  flag: ProbeFlag.nullable(),
  /** Why the probe does not ask what its WVS question asks (runs leave it out unless told otherwise); null when nothing is known. */
  validity: z.string().nullable().optional(),
  source: z.object({ file: z.string(), line: z.number().int() }),
});

export const ProbesShowParams = z.object({ set: z.string().min(1), language: z.string().min(1).optional() }).strict();
export const ProbesShowResult = z.object({ set: z.string(), language: z.string(), probes: z.array(Probe) });
export const NameParams = z.object({ name: z.string().min(1) }).strict();
export const Deleted = z.object({ deleted: z.string() });

// ---------------------------------------------------------------------------------------------------------
// surveys and targets

export const SurveyWarning = z.object({
  code: z.string(),
  message: z.string(),
  count,
  examples: z.array(z.object({ line: z.number().int(), column: z.string().optional(), detail: z.string() })),
});

export const SurveyCountry = z.object({
  iso3: z.string(),
  name: z.string(),
  respondents: z.number().nullable(),
  variables: count,
});

export const SurveyImportParams = z
  .object({
    path: z.string().min(1, 'give the path of a survey file'),
    name: z.string().min(1).optional(),
    /** Decided from the header when not given. */
    format: z.enum(['microdata', 'aggregate']).optional(),
    /** Microdata: the weight column (W_WEIGHT by default) or "none". */
    weight: z.string().min(1).optional(),
    preview: z.boolean().default(false),
  })
  .strict();

export const SurveyImportResult = z.object({
  preview: z.boolean(),
  name: z.string(),
  format: z.string(),
  weightColumn: z.string().nullable(),
  rows: count,
  cells: count,
  countries: z.array(SurveyCountry),
  warnings: z.array(SurveyWarning),
});

export const SurveySummary = z.object({
  name: z.string(),
  format: z.string(),
  source: z.string(),
  weightColumn: z.string().nullable(),
  importedAt: z.string(),
  countries: z.array(z.string()),
  cells: count,
  rows: count,
  respondents: z.array(SurveyCountry),
  warnings: z.array(SurveyWarning),
});

/** Which probes: a probe set (builtin by default) and one of its languages (its only one by default). */
const probeScope = {
  set: z.string().min(1).optional(),
  language: z.string().min(1).optional(),
};

export const TargetsParams = z
  .object({
    survey: z.string().min(1),
    country: z.string().min(1),
    ...probeScope,
    answerKey: z.string().min(1).optional(),
  })
  .strict();

export const TargetRow = z.object({
  id: z.string(),
  category: z.number().int(),
  options: z.tuple([z.string(), z.string()]),
  flag: ProbeFlag.nullable(),
  /**
   * Why a run leaves the probe out, when it does: a flaw in its file (an empty option, no blank) or its being
   * invalid as published (data/item-validity.csv; runs include those only when told to). Null for a usable probe.
   */
  leftOut: z.string().nullable(),
  kind: z.enum(['majority', 'tie', 'unknown']),
  /** The majority option, 1 or 2. */
  option: z.union([z.literal(1), z.literal(2)]).optional(),
  majorityText: z.string().optional(),
  shares: z.tuple([share, share]).optional(),
  margin: z.number().optional(),
  reason: z.string().optional(),
});

export const TargetsResult = z.object({
  survey: z.string(),
  country: z.string(),
  countryName: z.string(),
  set: z.string(),
  language: z.string(),
  rows: z.array(TargetRow),
});

// ---------------------------------------------------------------------------------------------------------
// demonstrations and prompts

const selection = {
  ...probeScope,
  survey: z.string().min(1).optional(),
  country: z.string().min(1).optional(),
  probe: z.string().min(1),
  k: z.number().int().min(0).max(20).default(5),
  seed: z.number().int().min(0).default(0),
  draw: z.number().int().min(0).default(0),
  direction: ChrfDirection.default('probe-as-hypothesis'),
  answerKey: z.string().min(1).optional(),
  /** Let categories 4 and 8 serve as demonstrations too. */
  includeCategories: z.boolean().default(false),
};

export const DemosSelectParams = z.object({ ...selection, survey: z.string().min(1), strategy: Strategy }).strict();

export const DemonstrationView = z.object({
  id: z.string(),
  category: z.number().int(),
  answer: z.union([z.literal(1), z.literal(2)]),
  answerText: z.string(),
  sentence: z.string(),
  chrfpp: z.number(),
});

export const DemosSelectResult = z.object({
  probe: Probe,
  strategy: Strategy,
  candidates: count,
  demonstrations: z.array(DemonstrationView),
});

export const PromptsBuildParams = z
  .object({
    ...selection,
    strategy: Strategy.optional(),
    shuffle: z.boolean().default(false),
    explain: z.boolean().default(false),
    /** A prompt template of the user's own (a JSON file). */
    templatePath: z.string().min(1).optional(),
    /** A registered local model: the prompt is also rendered as that model receives it (chat template, tokens). */
    model: z.string().min(1).optional(),
    /** With `model`: node-llama-cpp's chat wrapper to render with instead of the file's own template (chatWrappers of a run). */
    chatWrapper: z.string().min(1).optional(),
  })
  .strict();

export const ChatMessage = z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() });

export const PromptResult = z.object({
  text: z.string(),
  messages: z.array(ChatMessage),
  optionOrder: z.tuple([z.union([z.literal(1), z.literal(2)]), z.union([z.literal(1), z.literal(2)])]),
  demonstrationIds: z.array(z.string()),
  /** The prompt as the named model receives it. */
  rendered: z
    .object({
      model: z.string(),
      /** Whether it gets chat messages (rendered by a chat template) or the plain prompt. */
      chat: z.boolean(),
      /** What rendered it: the GGUF file's own chat template, a chat wrapper the user named, or nothing. */
      renderedBy: z.string(),
      /** The tokens as text, special tokens written out. */
      text: z.string(),
      tokens: z.number().int(),
      warning: z.string().optional(),
    })
    .optional(),
});

// ---------------------------------------------------------------------------------------------------------
// models

export const Sampling = z.object({
  temperature: z.number().min(0).max(10),
  topK: z.number().int().min(0).optional(),
  topP: z.number().min(0).max(1).optional(),
  minP: z.number().min(0).max(1).optional(),
});

export const GgufInfo = z.object({
  architecture: z.string(),
  parameterCount: z.number(),
  quantisation: z.string(),
  contextLength: z.number().nullable(),
  chatTemplate: z.string().nullable(),
  fileSize: z.number(),
  sha256: z.string(),
});

const modelCommon = {
  name: z.string(),
  sampling: Sampling,
  preset: z.string().optional(),
  addedAt: z.string(),
};

/** A registered model, by kind. API keys are never part of it: only where the key is. */
export const RegisteredModel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gguf'), ...modelCommon, path: z.string(), info: GgufInfo.optional() }),
  z.object({
    kind: z.literal('openai'),
    ...modelCommon,
    baseUrls: z.array(z.string()),
    remoteModel: z.string(),
    apiKeyEnv: z.string().optional(),
    keychainAccount: z.string().optional(),
    concurrencyPerServer: z.number().int().optional(),
  }),
  z.object({
    kind: z.literal('gemini'),
    ...modelCommon,
    baseUrls: z.array(z.string()).optional(),
    remoteModel: z.string(),
    apiKeyEnv: z.string().optional(),
    keychainAccount: z.string().optional(),
    concurrencyPerServer: z.number().int().optional(),
  }),
]);

/** What one server of an API model takes at once; the run's concurrency is the total over its servers. */
const concurrencyPerServer = z.number().int().min(1, 'a server takes at least 1 request at once').max(1024).optional();

/** The paper's sampling settings by name, and any of them overridden. */
const samplingChoice = {
  preset: z.string().min(1).optional(),
  sampling: Sampling.partial().strict().optional(),
};

export const AddGgufParams = z
  .object({ path: z.string().min(1), name: z.string().min(1).optional(), ...samplingChoice })
  .strict();
export const AddOpenAIParams = z
  .object({
    model: z.string().min(1),
    baseUrls: z.array(z.string().min(1)).min(1, 'give at least one server URL, such as http://127.0.0.1:8000/v1'),
    apiKeyEnv: z.string().min(1).optional(),
    keychainAccount: z.string().min(1).optional(),
    concurrencyPerServer,
    name: z.string().min(1).optional(),
    ...samplingChoice,
  })
  .strict();
export const AddGeminiParams = z
  .object({
    model: z.string().min(1),
    apiKeyEnv: z.string().min(1).default('GEMINI_API_KEY'),
    keychainAccount: z.string().min(1).optional(),
    baseUrl: z.string().min(1).optional(),
    concurrencyPerServer,
    name: z.string().min(1).optional(),
    ...samplingChoice,
  })
  .strict();

export const ModelPreset = z.object({
  name: z.string(),
  description: z.string(),
  kinds: z.array(z.enum(['gguf', 'openai', 'gemini'])),
  sampling: Sampling,
  note: z.string(),
});

export const InspectParams = z
  .object({
    /** A GGUF file, or the name of a registered GGUF model. */
    path: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    gpu: Gpu.default('auto'),
    contextSize: z.number().int().min(64).optional(),
  })
  .strict()
  .refine((p) => (p.path === undefined) !== (p.model === undefined), 'give either a path or a model name');

export const InspectResult = z.object({
  path: z.string(),
  info: GgufInfo,
  layers: z.number().int().nullable(),
  machine: z.object({
    backend: z.string(),
    devices: z.array(z.string()),
    gpuMemoryBytes: z.number(),
    gpuFreeBytes: z.number(),
    ramBytes: z.number(),
    ramFreeBytes: z.number(),
  }),
  fit: z.object({
    /** Layers that would go to the GPU with this machine's free memory (0 without a GPU). */
    gpuLayers: z.number().int(),
    fullyOnGpu: z.boolean(),
    /** Whether the model can be loaded at all (GPU plus RAM). */
    fits: z.boolean(),
    contextSize: z.number().int().nullable(),
    estimatedGpuBytes: z.number(),
    estimatedRamBytes: z.number(),
    note: z.string(),
  }),
});

export const DownloadParams = z.object({ uri: z.string().min(1), dir: z.string().min(1).optional() }).strict();
export const DownloadResult = z.object({
  path: z.string(),
  bytes: z.number(),
  sha256: z.string(),
  resumed: z.boolean(),
});

export const DistinctResponse = z.object({ text: z.string(), weight: z.number(), answer: Answer });

export const Distribution = z.object({
  estimator: Estimator,
  n: count,
  option1: z.number(),
  option2: z.number(),
  invalid: z.number(),
  responses: z.array(DistinctResponse),
  tokenEvaluations: count,
  promptTokens: count,
  /** Of the prompt tokens, those still in the KV cache from the prompt before (local models). */
  cachedPromptTokens: count.optional(),
  wallMs: z.number(),
  /** Of the wall time, the time inside llama.cpp's evaluations (local models). */
  llamaMs: z.number().optional(),
  errorBound: z.number(),
});

export const Backend = z.object({
  backend: z.string(),
  devices: z.array(z.string()),
  gpuLayers: z.number(),
  totalLayers: z.number(),
  threads: z.number().int().min(1),
});

export const SampleParams = z
  .object({
    ...selection,
    model: z.string().min(1),
    strategy: Strategy.optional(),
    n: z.number().int().min(1).max(100_000).default(100),
    mode: Estimator.default('sampled'),
    maxTokens: z.number().int().min(1).max(4096).default(16),
    errorBound: z.number().gt(0).lt(1).default(0.001),
    chat: z.boolean().default(true),
    gpu: Gpu.default('auto'),
    gpuLayers: z.number().int().min(0).optional(),
    threads: z.number().int().min(1).optional(),
  })
  .strict();

export const SampleResult = z.object({
  model: z.string(),
  probe: z.string(),
  /** The probe's two options, in the source's order. */
  options: z.tuple([z.string(), z.string()]),
  strategy: z.string(),
  sampling: Sampling,
  backend: Backend.optional(),
  /** Whether the model was sent chat messages (a model or server that cannot take them gets the plain prompt). */
  chat: z.boolean(),
  /** Why it got the plain prompt although chat was asked for. */
  warnings: z.array(z.string()),
  distribution: Distribution,
});

// ---------------------------------------------------------------------------------------------------------
// runs

/**
 * A run configuration as the user writes it. Parsed as any object, so that runs.validate can name every problem
 * with its path; described in the contract's JSON Schema by RunConfigSchema (json-schema.ts), field by field.
 */
export const RunConfigInput = z.record(z.string(), z.unknown());

export const RunLocal = { gpu: Gpu.optional(), threads: z.number().int().min(1).optional() };

export const ValidateParams = z.object({ config: RunConfigInput }).strict();
export const ValidateResult = z.object({
  ok: z.boolean(),
  problems: z.array(z.object({ path: z.string(), message: z.string() })),
  /** The configuration with every default filled in, when it is valid. */
  config: ResolvedRunConfigSchema.nullable(),
  work: z
    .object({
      /** Probes with a known target per model × language, each measured zero-shot. */
      zeroShot: count,
      /** Self-aligned measurements if every probe turned out misaligned: the most the run can need. */
      selfAlignedAtMost: count,
      measurementsAtMost: count,
      /** From this database's earlier measurements with the same models and estimator; null when there are none. */
      secondsPerMeasurement: nullableNumber,
      estimatedSecondsAtMost: nullableNumber,
    })
    .nullable(),
});

/** The researcher's name for a run and notes on it: theirs to change, no part of what the run measures. */
const RunDescription = {
  name: z.string().max(200, 'a run name has at most 200 characters').optional(),
  notes: z.string().max(20_000, 'notes have at most 20,000 characters').optional(),
};

export const StartParams = z.object({ config: RunConfigInput, ...RunLocal, ...RunDescription }).strict();
export const DescribeRunParams = z.object({ runId: z.string().min(1), ...RunDescription }).strict();
export const StartResult = z.object({
  runId: z.string(),
  jobId: z.string(),
  /** What to know before it runs: models that get the plain prompt instead of chat messages, and why. */
  warnings: z.array(z.string()),
});
export const RunIdParams = z.object({ runId: z.string().min(1) }).strict();
export const ResumeParams = z.object({ runId: z.string().min(1), ...RunLocal }).strict();
export const CancelResult = z.object({ runId: z.string(), cancelled: z.boolean() });

export const RunStatus = z.enum(['running', 'finished', 'failed', 'cancelled']);

export const Progress = z.object({
  phase: z.string(),
  done: count,
  total: count,
  rate: z.number(),
  /** Null while the rate is unknown. */
  etaSeconds: nullableNumber,
});

export const OutcomeCounts = z.object({
  model: z.string(),
  language: z.string(),
  country: z.string(),
  condition: Condition,
  misaligned: count,
  improved: count,
  unchanged: count,
  worsened: count,
  /** The row's answers were mostly unreadable (before or after): its outcomes are not a reading of the model's values. */
  mostlyUnreadable: z.boolean(),
  /** The larger of the row's mean unreadable shares before and after; null when it has no probe. */
  invalidShare: share.nullable(),
});

export const RunSummary = z.object({
  id: z.string(),
  /** The researcher's name for the run and notes on it ('' when none). */
  name: z.string(),
  notes: z.string(),
  /** The run's seed: with its configuration, what makes it repeatable. */
  seed: z.number().int(),
  status: RunStatus,
  /** Whether a job of this engine is working on it now (a "running" run without one was killed: resume it). */
  active: z.boolean(),
  models: z.array(z.string()),
  languages: z.array(z.string()),
  strategies: z.array(z.string()),
  /** `paper` or `precise`; `none` for runs made before protocols existed. */
  protocol: RunProtocol,
  estimator: z.string(),
  /** Responses (draws) per distribution. */
  n: count,
  measurements: count,
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /**
   * The strategy that improved the largest share of misaligned probes, beside the re-test control, pooled over the
   * readable model × language rows; the rows left out as mostly unreadable are named. Null before any.
   */
  headline: z
    .object({
      strategy: Strategy.nullable(),
      improvedShare: share.nullable(),
      retestImprovedShare: share.nullable(),
      leftOut: z.array(
        z.object({
          model: z.string(),
          language: z.string(),
          country: z.string(),
          conditions: z.array(Condition),
          invalidShare: share,
        }),
      ),
    })
    .nullable(),
});

export const RunDetail = RunSummary.extend({
  /** As the run was made, with what was added since filled in as it ran (core's readStoredRunConfig). */
  config: ResolvedRunConfigSchema,
  /** Every condition the run measures: zero-shot, the re-test control when it has one, its strategies. */
  conditions: z.array(Condition),
  configHash: z.string(),
  workbenchVersion: z.string(),
  modelIdentities: z.array(z.object({ name: z.string(), identity: z.string() })),
  progress: Progress.nullable(),
  jobId: z.string().nullable(),
  probes: count,
  misaligned: count,
  explanations: count,
  /** Probes left out as invalid as published (data/item-validity.csv). */
  itemsLeftOut: count,
  /**
   * The misaligned probes' outcomes summed over every strategy (the re-test control left out), and the results
   * left out of the sums because their row's answers were mostly unreadable.
   */
  strategyTotals: z.object({ improved: count, unchanged: count, worsened: count, unreadable: count }),
  outcomes: z.array(OutcomeCounts),
});

// ---------------------------------------------------------------------------------------------------------
// results

/** A share with its count and 95% Wilson interval: `<name>Count`, `<name>Share`, `<name>ShareLower`, `<name>ShareUpper`. */
function wilson<N extends string>(name: N) {
  return {
    [`${name}Count`]: count,
    [`${name}Share`]: share.nullable(),
    [`${name}ShareLower`]: share,
    [`${name}ShareUpper`]: share,
  } as { [K in `${N}Count`]: typeof count } & { [K in `${N}Share`]: z.ZodNullable<typeof share> } & {
    [K in `${N}ShareLower` | `${N}ShareUpper`]: typeof share;
  };
}

const languageGroup = { model: z.string(), language: z.string(), country: z.string() };

/** How unreadable the zero-shot responses behind a row were, and whether that reaches the run's threshold. */
const zeroShotUnreadable = { zeroShotInvalidShare: share.nullable(), mostlyUnreadable: z.boolean() };
/** The same before and after a condition (core's UnreadableColumns). */
const unreadable = { ...zeroShotUnreadable, meanInvalidShare: share.nullable() };

export const OutcomeRow = z.object({
  ...languageGroup,
  condition: Condition,
  misaligned: count,
  n: count,
  ...wilson('improved'),
  ...wilson('unchanged'),
  ...wilson('worsened'),
  ...wilson('gatedImproved'),
  ...wilson('gatedUnchanged'),
  ...wilson('gatedWorsened'),
  /** The re-test control's improved share in the same model and language, and this row's improved share minus it. */
  retestImprovedShare: share.nullable(),
  improvedBeyondRetest: share.nullable(),
  /** Of the row's probes, those whose target is a thin majority (contested). */
  contestedCount: count,
  ...unreadable,
});

export const ExpectedOutcomeRow = z.object({
  ...languageGroup,
  condition: Condition,
  n: count,
  expectedMisaligned: z.number(),
  probes: count,
  expectedImprovedShare: share.nullable(),
  expectedUnchangedShare: share.nullable(),
  expectedWorsenedShare: share.nullable(),
  ...unreadable,
});

/** Fig. 7: the misaligned split into those answered against the target and those with no readable answer. */
export const MisalignmentRow = z.object({
  ...languageGroup,
  probes: count,
  ...wilson('misaligned'),
  ...wilson('answeredAgainst'),
  ...wilson('unreadable'),
  ...zeroShotUnreadable,
});

const improvement = {
  condition: Condition,
  n: count,
  ...wilson('improved'),
  ...wilson('unchanged'),
  ...wilson('worsened'),
  meanReduction: nullableNumber,
  meanReductionLower: nullableNumber,
  meanReductionUpper: nullableNumber,
  ...unreadable,
};
export const ImprovementRow = z.object({ model: z.string(), ...improvement });
export const LanguageImprovementRow = z.object({ ...languageGroup, ...improvement });

const bin = {
  bin: count,
  binFrom: z.number(),
  binTo: z.number(),
  binLabel: z.string(),
  count,
  n: count,
  share: share.nullable(),
  shareLower: share,
  shareUpper: share,
};
export const ReductionBinRow = z.object({ ...languageGroup, condition: Condition, ...bin, ...unreadable });
export const ZeroShotErrorBinRow = z.object({ ...languageGroup, ...bin, ...zeroShotUnreadable });

export const CategoryRow = z.object({
  ...languageGroup,
  condition: Condition,
  category: z.number().int(),
  categoryName: z.string(),
  probes: count,
  misaligned: count,
  n: count,
  ...wilson('improved'),
  ...unreadable,
});

export const SoftAlignmentRow = z.object({
  ...languageGroup,
  condition: Condition,
  misaligned: count,
  n: count,
  meanBefore: nullableNumber,
  meanAfter: nullableNumber,
  meanChange: nullableNumber,
  meanChangeLower: nullableNumber,
  meanChangeUpper: nullableNumber,
  ...unreadable,
});

/** A reviewer's control against the paper's condition it differs from, paired over probes (core's controlComparisonTable). */
export const ControlComparisonRow = z.object({
  ...languageGroup,
  condition: Condition,
  reference: Condition,
  misaligned: count,
  n: count,
  leftOut: count,
  improvedShare: nullableNumber,
  referenceImprovedShare: nullableNumber,
  improvedDifference: nullableNumber,
  improvedDifferenceLower: nullableNumber,
  improvedDifferenceUpper: nullableNumber,
  meanAlignment: nullableNumber,
  referenceMeanAlignment: nullableNumber,
  alignmentDifference: nullableNumber,
  alignmentDifferenceLower: nullableNumber,
  alignmentDifferenceUpper: nullableNumber,
  softN: count,
  meanSoftAlignment: nullableNumber,
  referenceMeanSoftAlignment: nullableNumber,
  softAlignmentDifference: nullableNumber,
  softAlignmentDifferenceLower: nullableNumber,
  softAlignmentDifferenceUpper: nullableNumber,
  meanInvalidShare: nullableNumber,
  referenceMeanInvalidShare: nullableNumber,
  mostlyUnreadable: z.boolean(),
  reading: z.string(),
});

/** One point of a strategy's k curve (core's kCurveTable). */
export const KCurvePointRow = z.object({
  ...languageGroup,
  strategy: Strategy,
  k: count,
  condition: Condition,
  n: count,
  ...wilson('improved'),
  meanAlignment: nullableNumber,
  meanAlignmentLower: nullableNumber,
  meanAlignmentUpper: nullableNumber,
  ...wilson('retestImproved'),
  retestMeanAlignment: nullableNumber,
  meanInvalidShare: nullableNumber,
  mostlyUnreadable: z.boolean(),
});

/** A model × language whose answers were mostly unreadable: what the Results page warns of first. */
export const UnreadableWarning = z.object({
  ...languageGroup,
  /** The conditions whose answers were mostly unreadable ('zero-shot' when the zero-shot answers were). */
  conditions: z.array(Condition),
  /** Responses behind those measurements (0 for exact probabilities) and, of them, those giving neither option. */
  responses: count,
  unreadableResponses: count,
  unreadableShare: share,
  /** The responses given most often instead of an option, with their share of the unreadable ones. */
  commonResponses: z.array(z.object({ text: z.string(), share })),
  /** What to try, in words. */
  suggestions: z.array(z.string()),
});

/** The probes a number of a reading counts, as the explorer filters them. */
export const ReadingFilter = z.object({
  ...languageGroup,
  condition: Condition,
  misaligned: z.literal(true),
  outcome: Outcome.optional(),
  gatedOutcome: Outcome.optional(),
});

/** A model × language read in words from Table 1 (core's cellReadings). */
export const CellReading = z.object({
  ...languageGroup,
  strategy: Strategy.nullable(),
  verdict: z.enum(['no-strategy', 'unreadable', 'below-retest', 'within-retest', 'beyond-retest', 'no-retest']),
  /** Words, and numbers with the probes behind them. */
  segments: z.array(z.union([z.object({ text: z.string(), filter: ReadingFilter }), z.object({ text: z.string() })])),
});

export const ResultsSummary = z.object({
  runId: z.string(),
  /** The share of unreadable answers from which a result counts as mostly unreadable (the run's setting). */
  unreadableThreshold: share,
  warnings: z.array(UnreadableWarning),
  readings: z.array(CellReading),
});

// ---------------------------------------------------------------------------------------------------------
// files

export const FilesParams = z
  .object({
    /** The folder to list: a whole path or one starting with ~; the home folder when absent. */
    dir: z.string().min(1).optional(),
  })
  .strict();
export const FilesResult = z.object({
  /** The folder listed, as a whole path. */
  dir: z.string(),
  /** The folder above it; null at the top. */
  parent: z.string().nullable(),
  /** The home folder of the user the engine runs as. */
  home: z.string(),
  /** Its folders, then its files, by name; hidden ones left out. */
  entries: z.array(
    z.object({ name: z.string(), path: z.string(), kind: z.enum(['folder', 'file']), bytes: count.nullable() }),
  ),
});

export const TablesParams = z.object({ runId: z.string().min(1), seed: z.number().int().min(0).default(0) }).strict();
export const ResultsTables = z.object({
  runId: z.string(),
  status: RunStatus,
  outcomes: z.array(OutcomeRow),
  expectedOutcomes: z.array(ExpectedOutcomeRow),
  outcomesUncontested: z.array(OutcomeRow),
  misalignment: z.array(MisalignmentRow),
  improvementByModel: z.array(ImprovementRow),
  improvementByLanguage: z.array(LanguageImprovementRow),
  reductionBins: z.array(ReductionBinRow),
  zeroShotErrorBins: z.array(ZeroShotErrorBinRow),
  categories: z.array(CategoryRow),
  softAlignment: z.array(SoftAlignmentRow),
  controls: z.array(ControlComparisonRow),
  kCurve: z.array(KCurvePointRow),
});

export const PROBE_SORT_KEYS = ['probe', 'errorReduction', 'zeroShotError', 'alignment'] as const;

export const ProbeFilter = z
  .object({
    model: z.string().optional(),
    language: z.string().optional(),
    country: z.string().optional(),
    category: z.number().int().optional(),
    condition: Condition.optional(),
    outcome: Outcome.optional(),
    gatedOutcome: Outcome.optional(),
    misaligned: z.boolean().optional(),
    /** Words to find in the statement, its options or the probe id (case-insensitive). */
    text: z.string().optional(),
  })
  .strict();

export const ProbesParams = z
  .object({
    runId: z.string().min(1),
    filter: ProbeFilter.default({}),
    sort: z
      .object({ by: z.enum(PROBE_SORT_KEYS), descending: z.boolean().default(false) })
      .strict()
      .default({ by: 'probe', descending: false }),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** One probe under one condition: the explorer's row. */
export const ProbeConditionRow = z.object({
  model: z.string(),
  language: z.string(),
  country: z.string(),
  probeId: z.string(),
  category: z.number().int(),
  categoryName: z.string(),
  template: z.string().nullable(),
  condition: Condition,
  targetOption: z.union([z.literal(1), z.literal(2)]),
  targetShares: z.tuple([share, share]),
  misaligned: z.boolean(),
  zeroShotAlignment: z.number(),
  alignment: z.number(),
  invalidShare: z.number(),
  /** Self-aligned conditions only. */
  outcome: Outcome.nullable(),
  gatedOutcome: Outcome.nullable(),
  /** The change's p-value, and its Benjamini–Hochberg q-value within the model × language × strategy. */
  pValue: nullableNumber,
  qValue: nullableNumber,
  errorReduction: nullableNumber,
  softAlignment: nullableNumber,
});

export const ProbesResult = z.object({ total: count, offset: count, rows: z.array(ProbeConditionRow) });

export const ProbeParams = z
  .object({
    runId: z.string().min(1),
    model: z.string().min(1),
    language: z.string().min(1),
    country: z.string().min(1).optional(),
    probeId: z.string().min(1),
  })
  .strict();

export const ProbeDetail = z.object({
  runId: z.string(),
  model: z.string(),
  language: z.string(),
  country: z.string(),
  probe: Probe.nullable(),
  targetOption: z.union([z.literal(1), z.literal(2)]),
  targetShares: z.tuple([share, share]),
  misaligned: z.boolean(),
  /** The run's share of unreadable answers from which a result is mostly unreadable. */
  unreadableThreshold: share,
  conditions: z.array(
    z.object({
      condition: Condition,
      /** Every distinct prompt of the draws, with the draws (or, for exact, the probability) it stands for. */
      prompts: z.array(
        z.object({
          text: z.string(),
          messages: z.array(ChatMessage),
          optionOrder: z.array(z.number()),
          demonstrationIds: z.array(z.string()),
          weight: z.number(),
        }),
      ),
      demonstrations: z.array(
        z.object({
          id: z.string(),
          category: z.number().int().nullable(),
          sentence: z.string().nullable(),
          answerText: z.string().nullable(),
          chrfpp: nullableNumber,
        }),
      ),
      distribution: Distribution,
      alignment: z.number(),
      outcome: Outcome.nullable(),
      gatedOutcome: Outcome.nullable(),
      errorReduction: nullableNumber,
      softAlignment: nullableNumber,
    }),
  ),
  explanations: z.array(z.object({ condition: Condition, ordinal: count, answer: z.string(), response: z.string() })),
});

export const ExplanationsParams = z
  .object({
    runId: z.string().min(1),
    filter: z
      .object({
        model: z.string().optional(),
        language: z.string().optional(),
        condition: Condition.optional(),
        outcome: Outcome.optional(),
        category: z.number().int().optional(),
        /** Words to find in the question, the demonstrations, the answer or the explanation (case-insensitive). */
        text: z.string().optional(),
      })
      .strict()
      .default({}),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

/** One explanation as the paper's Table 2 shows it. */
export const ExplanationEntry = z.object({
  model: z.string(),
  language: z.string(),
  country: z.string(),
  probeId: z.string(),
  category: z.number().int().nullable(),
  categoryName: z.string().nullable(),
  condition: Condition,
  outcome: Outcome.nullable(),
  /** The demonstrations as completed sentences, in the prompt's order; null for zero-shot or when the inputs are gone. */
  demonstrations: z.array(z.string()).nullable(),
  question: z.string().nullable(),
  answer: z.string(),
  explanation: z.string(),
  ordinal: count,
  /**
   * What the probe's shares were, so that an outcome beside an explanation can be read: the country's answer
   * (the target) and its shares, and the share of target answers and of unreadable ones zero-shot and under the
   * explanation's condition. Null when the probe's measurements are gone.
   */
  shares: z
    .object({
      targetOption: z.union([z.literal(1), z.literal(2)]),
      targetText: z.string().nullable(),
      countryShares: z.tuple([share, share]),
      zeroShot: z.object({ alignment: share, invalidShare: share }),
      condition: z.object({ alignment: share, invalidShare: share }).nullable(),
    })
    .nullable(),
});
export const ExplanationsResult = z.object({ total: count, offset: count, rows: z.array(ExplanationEntry) });

export const ExportParams = z
  .object({
    runId: z.string().min(1),
    dir: z.string().min(1),
    bom: z.boolean().default(false),
    seed: z.number().int().min(0).default(0),
    /**
     * Column names as the workbench writes them ("zero-shot-retest.alignment"), or as SPSS, Stata and R take them
     * unchanged ("zero_shot_retest_alignment"); codebook.csv describes every column either way.
     */
    columnNames: z.enum(COLUMN_NAME_STYLES).default('workbench'),
  })
  .strict();
export const ExportResult = z.object({
  runId: z.string(),
  dir: z.string(),
  status: RunStatus,
  files: z.array(z.string()),
});

// ---------------------------------------------------------------------------------------------------------
// jobs

export const JobKind = z.enum(['run', 'survey-import', 'probe-import', 'download', 'model-inspect']);
export const JobState = z.enum(['running', 'finished', 'failed', 'cancelled']);
export const JobSummary = z.object({
  jobId: z.string(),
  kind: JobKind,
  /** What it works on: a run id, a file, a URI. */
  subject: z.string(),
  state: JobState,
  startedAt: z.string(),
  progress: Progress.nullable(),
});
export const JobIdParams = z.object({ jobId: z.string().min(1) }).strict();
export const JobCancelResult = z.object({ jobId: z.string(), cancelled: z.boolean() });
