// The client side of the contract, free of zod so the preload bridge and the screens can load it without the
// schemas: the channel names, the command names, the client type, and the one function that builds a client
// over any transport. Everything here that needs a schema's shape imports it as a type only.

import type { CommandName, CommandParams, CommandResult, WorkbenchReply } from './contract.js';
import type { WorkbenchError, WorkbenchEvent } from './events.js';

/** The IPC channels of the Electron window: one to invoke a command, one on which events arrive. */
export const WORKBENCH_CHANNEL = 'workbench:invoke';
export const EVENT_CHANNEL = 'workbench:event';

export const COMMAND_NAMES = [
  'app.info',
  'probes.import',
  'probes.listSets',
  'probes.show',
  'probes.delete',
  'surveys.import',
  'surveys.list',
  'surveys.delete',
  'targets.get',
  'demos.select',
  'prompts.build',
  'models.list',
  'models.addGguf',
  'models.addOpenAI',
  'models.addGemini',
  'models.remove',
  'models.presets',
  'models.inspect',
  'models.download',
  'models.sample',
  'runs.validate',
  'runs.start',
  'runs.cancel',
  'runs.resume',
  'runs.list',
  'runs.get',
  'runs.delete',
  'runs.describe',
  'results.tables',
  'results.summary',
  'results.probes',
  'results.probe',
  'results.explanations',
  'reports.export',
  'files.list',
  'jobs.list',
  'jobs.cancel',
] as const;

// ---------------------------------------------------------------------------------------------------------
// The client every front end is given (`window.workbench` in Electron, an HTTP client in a browser, the engine
// itself in the CLI): one method per command, grouped by the part of the name before the dot, e.g.
// `probes.listSets()`, and `subscribe` for events. It rejects with a WorkbenchFailure when the engine refuses.

type Namespace<C extends string> = C extends `${infer N}.${string}` ? N : never;
// `{} extends P`: true when every parameter is optional, so the call may leave them out.
type Method<C extends CommandName> =
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the empty object type is the test itself.
  {} extends CommandParams<C>
    ? (params?: CommandParams<C>) => Promise<CommandResult<C>>
    : (params: CommandParams<C>) => Promise<CommandResult<C>>;
type ClientOf<C extends CommandName> = {
  [N in Namespace<C>]: { [K in C as K extends `${N}.${infer M}` ? M : never]: Method<K> };
};

export type EventListener = (event: WorkbenchEvent) => void;

/** What a transport must offer for a client to be built on it (IPC in the window, HTTP and SSE in a browser). */
export interface WorkbenchTransport {
  invoke(command: CommandName, params: unknown): Promise<WorkbenchReply>;
  subscribe(listener: EventListener): () => void;
}

export interface WorkbenchClient extends ClientOf<CommandName> {
  /** Calls `listener` with every event until the returned function is called. */
  subscribe(listener: EventListener): () => void;
}

/** A refusal or failure of the engine, with its kind, code and place as fields. */
export class WorkbenchFailure extends Error {
  override readonly name = 'WorkbenchFailure';
  readonly kind: WorkbenchError['kind'];
  readonly code: string;
  readonly where: Pick<WorkbenchError, 'file' | 'line' | 'column' | 'probe'>;
  constructor(readonly error: WorkbenchError) {
    super(error.message);
    this.kind = error.kind;
    this.code = error.code;
    const { file, line, column, probe } = error;
    this.where = {
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(column !== undefined ? { column } : {}),
      ...(probe !== undefined ? { probe } : {}),
    };
  }
}

/** Turns a reply into the result or a thrown WorkbenchFailure. */
export function unwrapReply(reply: WorkbenchReply): unknown {
  if (!reply.ok) throw new WorkbenchFailure(reply.error);
  return reply.result;
}

/**
 * Builds the client from the contract's command names over any transport: `invoke` sends one command and
 * resolves with its reply. The one way every front end gets its methods; none is listed by hand.
 */
export function createClient(
  invoke: WorkbenchTransport['invoke'],
  subscribe: WorkbenchTransport['subscribe'],
): WorkbenchClient {
  const client: Record<string, Record<string, (params?: unknown) => Promise<unknown>> | typeof subscribe> = {
    subscribe,
  };
  for (const command of COMMAND_NAMES) {
    const [namespace, method] = command.split('.') as [string, string];
    const group = (client[namespace] ??= {}) as Record<string, (params?: unknown) => Promise<unknown>>;
    group[method] = async (params?: unknown) => unwrapReply(await invoke(command, params ?? {}));
  }
  return client as unknown as WorkbenchClient;
}
