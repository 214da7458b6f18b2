// The contract between the engine and every front end (Electron window, browser over HTTP, tests): each
// command's parameters and result as a zod schema, and the types inferred from them. Nothing else lives here;
// whoever sends or receives a message parses it with these schemas.

import { z } from 'zod';

/** The one IPC channel the preload bridge invokes and the main process handles. */
export const WORKBENCH_CHANNEL = 'workbench:invoke';

// ---------------------------------------------------------------------------------------------------------
// Payloads

export const NoParams = z.object({}).strict();
export type NoParams = z.infer<typeof NoParams>;

export const AppInfo = z.object({
  version: z.string(),
  databasePath: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** A probe set as the screens list it; the engine's richer record is narrowed to these fields. */
export const ProbeSetSummary = z.object({
  name: z.string(),
  format: z.string(),
  languages: z.array(z.string()),
  probes: z.number().int().nonnegative(),
  usable: z.number().int().nonnegative(),
  importedAt: z.string(),
});
export type ProbeSetSummary = z.infer<typeof ProbeSetSummary>;

// ---------------------------------------------------------------------------------------------------------
// Commands: the names once, then each name's parameters and result. `satisfies` makes the compiler refuse a
// name without schemas and schemas without a name.

export const CommandName = z.enum(['app.info', 'probes.listSets']);
export type CommandName = z.infer<typeof CommandName>;

export interface CommandSchemas<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
}

export const commands = {
  'app.info': { params: NoParams, result: AppInfo },
  'probes.listSets': { params: NoParams, result: z.array(ProbeSetSummary) },
} as const satisfies Record<CommandName, CommandSchemas>;

export type CommandParams<C extends CommandName> = z.infer<(typeof commands)[C]['params']>;
export type CommandResult<C extends CommandName> = z.infer<(typeof commands)[C]['result']>;

// ---------------------------------------------------------------------------------------------------------
// Envelopes. The renderer invokes WORKBENCH_CHANNEL with a WorkbenchRequest and gets a WorkbenchReply; the
// main process forwards it to the engine as an EngineRequest (with an id) and gets an EngineReply back.

/** A failure as it crosses a process boundary: `user` is the user's mistake (UserError), `bug` anything else. */
export const WorkbenchError = z.object({
  kind: z.enum(['user', 'bug']),
  code: z.string(),
  message: z.string(),
});
export type WorkbenchError = z.infer<typeof WorkbenchError>;

export const WorkbenchRequest = z.object({
  command: CommandName,
  params: z.unknown(),
});
/** A request whose params have been checked against its command's schema. */
export type WorkbenchRequest = { [C in CommandName]: { command: C; params: CommandParams<C> } }[CommandName];

export const WorkbenchReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: WorkbenchError }),
]);
export type WorkbenchReply = z.infer<typeof WorkbenchReply>;

export const EngineRequest = z.object({
  id: z.number().int().nonnegative(),
  command: CommandName,
  params: z.unknown(),
});
export type EngineRequest = WorkbenchRequest & { id: number };

export const EngineReply = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number().int().nonnegative(), ok: z.literal(false), error: WorkbenchError }),
]);
export type EngineReply = z.infer<typeof EngineReply>;

// ---------------------------------------------------------------------------------------------------------
// The client every front end is given (`window.workbench` in Electron, an HTTP client in a browser): one
// method per command, grouped by the part of the name before the dot, e.g. `probes.listSets()`. It rejects
// with an Error whose message a person can read when the engine refuses or fails.

type Namespace<C extends string> = C extends `${infer N}.${string}` ? N : never;
type Method<C extends CommandName> = {} extends CommandParams<C>
  ? (params?: CommandParams<C>) => Promise<CommandResult<C>>
  : (params: CommandParams<C>) => Promise<CommandResult<C>>;
type ClientOf<C extends CommandName> = {
  [N in Namespace<C>]: { [K in C as K extends `${N}.${infer M}` ? M : never]: Method<K> };
};

export interface WorkbenchClient extends ClientOf<CommandName> {}
