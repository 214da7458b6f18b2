// The contract between the engine and every front end (Electron window, browser over HTTP, the CLI, tests):
// each command's parameters and result as a zod schema, the events, the envelopes that carry them, and the
// client type every front end is given. Whoever sends or receives a message parses it with these schemas.

import { z } from 'zod';
import { WorkbenchError, WorkbenchEvent } from './events.js';
import * as s from './schemas.js';
import { COMMAND_NAMES } from './client.js';

export * from './client.js';
export * from './events.js';
export * from './schemas.js';

// ---------------------------------------------------------------------------------------------------------
// Commands: the names once (COMMAND_NAMES, in client.ts, so a client can be built without loading zod), then
// each name's parameters and result. `satisfies` makes the compiler refuse a name without schemas and schemas
// without a name.

export const CommandName = z.enum(COMMAND_NAMES);
export type CommandName = z.infer<typeof CommandName>;

export interface CommandSchemas<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** What the command does, for the JSON Schema and the generated help. */
  description: string;
}

export const NoParams = z.object({}).strict();

export const commands = {
  'app.info': { params: NoParams, result: s.AppInfo, description: 'the workbench version and the database in use' },
  'probes.import': {
    params: s.ProbeImportParams,
    result: s.ProbeImportResult,
    description:
      'import a probe set (probes.zip, its folder, a <lang>.csv or a custom CSV); preview validates and counts without storing',
  },
  'probes.listSets': { params: NoParams, result: z.array(s.ProbeSetSummary), description: 'the probe sets' },
  'probes.show': {
    params: s.ProbesShowParams,
    result: s.ProbesShowResult,
    description: 'the probes of one language of a set',
  },
  'probes.delete': {
    params: s.NameParams,
    result: s.Deleted,
    description: 'delete a probe set (the built-in set cannot be deleted)',
  },
  'surveys.import': {
    params: s.SurveyImportParams,
    result: s.SurveyImportResult,
    description: 'import WVS microdata or aggregated shares; preview reads and counts without storing',
  },
  'surveys.list': { params: NoParams, result: z.array(s.SurveySummary), description: 'the survey imports' },
  'surveys.delete': { params: s.NameParams, result: s.Deleted, description: 'delete a survey import' },
  'targets.get': {
    params: s.TargetsParams,
    result: s.TargetsResult,
    description: "each probe's target answer for a country",
  },
  'demos.select': {
    params: s.DemosSelectParams,
    result: s.DemosSelectResult,
    description: 'the demonstrations a strategy chooses for one probe',
  },
  'prompts.build': {
    params: s.PromptsBuildParams,
    result: s.PromptResult,
    description: 'the exact prompt for one probe',
  },
  'models.list': { params: NoParams, result: z.array(s.RegisteredModel), description: 'the registered models' },
  'models.addGguf': { params: s.AddGgufParams, result: s.RegisteredModel, description: 'register a local GGUF file' },
  'models.addOpenAI': {
    params: s.AddOpenAIParams,
    result: s.RegisteredModel,
    description: 'register a model behind OpenAI-compatible servers',
  },
  'models.addGemini': { params: s.AddGeminiParams, result: s.RegisteredModel, description: 'register a Gemini model' },
  'models.remove': {
    params: s.NameParams,
    result: s.Deleted,
    description: 'forget a registered model (its file stays)',
  },
  'models.presets': {
    params: NoParams,
    result: z.array(s.ModelPreset),
    description: "the paper's models and their sampling settings",
  },
  'models.inspect': {
    params: s.InspectParams,
    result: s.InspectResult,
    description: "a GGUF file's header and whether it fits this machine's GPU",
  },
  'models.download': {
    params: s.DownloadParams,
    result: s.DownloadResult,
    description: 'download a GGUF file (hf: URI or URL); a partial download resumes',
  },
  'models.sample': {
    params: s.SampleParams,
    result: s.SampleResult,
    description: "a model's distribution of answers to one probe",
  },
  'runs.validate': {
    params: s.ValidateParams,
    result: s.ValidateResult,
    description: 'every problem of a run configuration, and the work it implies',
  },
  'runs.start': {
    params: s.StartParams,
    result: s.StartResult,
    description: 'start a run; it goes on in the engine and reports progress as events',
  },
  'runs.cancel': {
    params: s.RunIdParams,
    result: s.CancelResult,
    description: 'cancel a running run; what was measured is kept',
  },
  'runs.resume': {
    params: s.ResumeParams,
    result: s.StartResult,
    description: 'continue a run that stopped to the results it would have had',
  },
  'runs.list': { params: NoParams, result: z.array(s.RunSummary), description: 'every run' },
  'runs.get': {
    params: s.RunIdParams,
    result: s.RunDetail,
    description: 'one run: status, configuration, progress and outcome counts',
  },
  'runs.delete': { params: s.RunIdParams, result: s.Deleted, description: 'delete a run and its measurements' },
  'runs.describe': {
    params: s.DescribeRunParams,
    result: s.RunSummary,
    description: 'rename a run or rewrite its notes (what it measured is untouched)',
  },
  'results.tables': {
    params: s.TablesParams,
    result: s.ResultsTables,
    description: "every table and figure of a run's report, as data",
  },
  'results.summary': {
    params: s.RunIdParams,
    result: s.ResultsSummary,
    description:
      "what a run's results page says first: the model × language cells whose answers were mostly unreadable",
  },
  'results.probes': {
    params: s.ProbesParams,
    result: s.ProbesResult,
    description: "a run's probes × conditions, filtered, sorted and paged",
  },
  'results.probe': {
    params: s.ProbeParams,
    result: s.ProbeDetail,
    description: 'one probe of a run: prompts, demonstrations, distributions, explanations',
  },
  'results.explanations': {
    params: s.ExplanationsParams,
    result: s.ExplanationsResult,
    description: "a run's explanations as the paper's Table 2, filtered and paged",
  },
  'reports.export': {
    params: s.ExportParams,
    result: s.ExportResult,
    description: 'write the CSV report of a run to a folder',
  },
  'files.list': {
    params: s.FilesParams,
    result: s.FilesResult,
    description:
      'the folders and files of a folder on the machine the engine runs on (the browser window’s file picker)',
  },
  'jobs.list': {
    params: NoParams,
    result: z.array(s.JobSummary),
    description: 'the long operations of this engine: runs, imports, downloads',
  },
  'jobs.cancel': { params: s.JobIdParams, result: s.JobCancelResult, description: 'cancel a long operation' },
} as const satisfies Record<CommandName, CommandSchemas>;

export type CommandParams<C extends CommandName> = z.input<(typeof commands)[C]['params']>;
/** The parameters after parsing: defaults filled in. What a handler receives. */
export type ParsedParams<C extends CommandName> = z.output<(typeof commands)[C]['params']>;
export type CommandResult<C extends CommandName> = z.output<(typeof commands)[C]['result']>;

// ---------------------------------------------------------------------------------------------------------
// Envelopes. A front end sends {command, params} and gets a WorkbenchReply (IPC, `POST /api/invoke`); the
// Electron main process forwards it to the engine process with an id.

export const WorkbenchRequest = z.object({ command: CommandName, params: z.unknown() });
export type WorkbenchRequest = z.infer<typeof WorkbenchRequest>;

export const WorkbenchReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WorkbenchError }),
]);
export type WorkbenchReply = z.infer<typeof WorkbenchReply>;

/** A failure reply, built this one way on every side of every boundary (engine, HTTP server, Electron main). */
export function errorReply(kind: WorkbenchError['kind'], code: string, message: string): WorkbenchReply {
  return { ok: false, error: { kind, code, message } };
}

/**
 * Whose mistake a break of the contract is, wherever it is found: a request or parameters that break the schema
 * are the caller's (`user`: the reply says what to send instead); a result that breaks it is the workbench's.
 */
export const CONTRACT_BREAKS = {
  'bad-request': 'user',
  'bad-params': 'user',
  'unknown-command': 'user',
  'bad-result': 'bug',
} as const;
export type ContractBreak = keyof typeof CONTRACT_BREAKS;

/** The reply to a break of the contract, of the kind CONTRACT_BREAKS gives it. */
export function contractBreak(code: ContractBreak, message: string): WorkbenchReply {
  return errorReply(CONTRACT_BREAKS[code], code, message);
}

/** What the Electron main process sends the engine process. `shutdown` asks it to cancel its jobs and close. */
export const EngineRequest = z.union([
  z.object({ id: z.number().int().nonnegative(), command: CommandName, params: z.unknown() }),
  z.object({ type: z.literal('shutdown') }),
]);
export type EngineRequest = z.infer<typeof EngineRequest>;

/** What the engine process sends back: a reply to one request, an event, or word that it has closed. */
export const EngineMessage = z.union([
  z.object({ id: z.number().int().nonnegative(), reply: WorkbenchReply }),
  z.object({ event: WorkbenchEvent }),
  z.object({ type: z.literal('closed') }),
]);
export type EngineMessage = z.infer<typeof EngineMessage>;
