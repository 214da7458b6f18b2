// What every handler is given: the database, the job registry and the event sink. A handler is one contract
// command: it receives parameters the engine has already parsed and returns a result the engine will parse.

import type { ResultsService } from './results-service.js';
import type { z } from 'zod';
import type { Db } from '../core/store/index.js';
import type { CommandName, commands, ParsedParams, WorkbenchEvent } from '../shared/contract.js';
import type { JobRegistry } from './jobs.js';

export interface EngineContext {
  readonly db: Db;
  readonly databasePath: string;
  readonly jobs: JobRegistry;
  /** What is derived from runs' measurements for the screens, kept while it holds. */
  readonly results: ResultsService;
  emit(event: WorkbenchEvent): void;
}

/** Read-only all the way down, so core's readonly records (tuples, arrays) can be returned as they are. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** What a handler may return: the result schema's input (the engine parses it into the result). */
export type HandlerResult<C extends CommandName> = DeepReadonly<z.input<(typeof commands)[C]['result']>>;
export type Handler<C extends CommandName> = (
  params: ParsedParams<C>,
  context: EngineContext,
) => HandlerResult<C> | Promise<HandlerResult<C>>;
export type Handlers = { [C in CommandName]: Handler<C> };
/** Some commands' handlers: each handler module exports one of these. */
export type HandlerGroup<C extends CommandName> = { [K in C]: Handler<K> };
