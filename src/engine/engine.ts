// The engine: the one API behind every front end. It owns the database, the job registry and the event sink,
// parses every command's parameters and result with the contract, and turns every failure into a typed error.
// The CLI calls it in-process; the Electron engine process and `selfalign serve` forward to it.

import { ResultsService } from './results-service.js';
import { z } from 'zod';
import { openDatabase, type Db } from '../core/store/index.js';
import {
  commands,
  CommandName,
  createClient,
  type EventListener,
  type WorkbenchClient,
  type WorkbenchEvent,
  type WorkbenchReply,
} from '../shared/contract.js';
import type { EngineContext, Handlers } from './context.js';
import { ContractError, toWorkbenchError } from './errors.js';
import { appHandlers } from './handlers/app.js';
import { fileHandlers } from './handlers/files.js';
import { modelHandlers } from './handlers/models.js';
import { probeHandlers } from './handlers/probes.js';
import { resultHandlers } from './handlers/results.js';
import { runHandlers } from './handlers/runs.js';
import { selectionHandlers } from './handlers/selection.js';
import { surveyHandlers } from './handlers/surveys.js';
import { JobRegistry } from './jobs.js';

const handlers: Handlers = {
  ...appHandlers,
  ...fileHandlers,
  ...probeHandlers,
  ...surveyHandlers,
  ...selectionHandlers,
  ...modelHandlers,
  ...runHandlers,
  ...resultHandlers,
};

export interface EngineOptions {
  databasePath: string;
  /** better-sqlite3's compiled module for this runtime, when it is not the package's own (Electron). */
  nativeBinding?: string;
}

export interface Engine {
  readonly databasePath: string;
  /** Runs one command; never throws: a failure is a reply with `ok: false`. */
  invoke(command: string, params: unknown): Promise<WorkbenchReply>;
  subscribe(listener: EventListener): () => void;
  /** The same commands as typed methods, in-process. */
  readonly client: WorkbenchClient;
  /** Cancels every job, waits for them to stop (what they finished is kept), and closes the database. */
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const listeners = new Set<EventListener>();
  const emit = (event: WorkbenchEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error('[engine] an event listener failed', error);
      }
    }
  };
  const jobs = new JobRegistry(emit);
  let db: Db | undefined;
  let closed = false;
  const context: EngineContext = {
    // Opened on first use: starting a window must not wait for (or fail on) the database.
    get db() {
      if (closed) throw new Error('the engine is closed');
      return (db ??= openDatabase(
        options.databasePath,
        options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
      ));
    },
    databasePath: options.databasePath,
    jobs,
    results: new ResultsService(() => context.db),
    emit,
  };

  async function run(command: string, rawParams: unknown): Promise<unknown> {
    const name = CommandName.safeParse(command);
    if (!name.success)
      throw new ContractError(
        'unknown-command',
        `there is no command "${command}" (see GET /api/contract or \`selfalign contract\`)`,
      );
    const schemas = commands[name.data];
    const params = schemas.params.safeParse(rawParams ?? {});
    if (!params.success)
      throw new ContractError('bad-params', `wrong parameters for "${command}": ${z.prettifyError(params.error)}`);
    const handler = handlers[name.data] as (params: unknown, context: EngineContext) => unknown;
    // Parsing the result also narrows core's records to the contract's fields.
    const result = schemas.result.safeParse(await handler(params.data, context));
    if (!result.success)
      throw new ContractError(
        'bad-result',
        `the engine's answer to "${command}" breaks the contract: ${z.prettifyError(result.error)}`,
      );
    return result.data;
  }

  const invoke = async (command: string, params: unknown): Promise<WorkbenchReply> => {
    try {
      return { ok: true, result: await run(command, params) };
    } catch (error) {
      return { ok: false, error: toWorkbenchError(error) };
    }
  };
  const subscribe = (listener: EventListener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    databasePath: options.databasePath,
    invoke,
    subscribe,
    client: createClient(invoke, subscribe),
    close: async () => {
      if (closed) return;
      await jobs.closeAll('the workbench is closing; what was measured is kept and the run can be resumed');
      closed = true;
      db?.close();
      db = undefined;
    },
  };
}
