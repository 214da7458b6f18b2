// The engine process: runs in an Electron utilityProcess (plain Node, no window), owns the database and
// answers the contract's commands that the main process forwards. Every request and every result is
// parsed with the contract's schemas, so nothing leaves this process that the contract does not describe.
/// <reference types="electron" />

import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { defaultDatabasePath, listProbeSets, openDatabase, type Db } from '../core/store/index.js';
import {
  commands,
  EngineRequest,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type EngineReply,
  type WorkbenchError,
} from '../shared/contract.js';

type Handlers = { [C in CommandName]: (params: CommandParams<C>) => CommandResult<C> | Promise<CommandResult<C>> };

const databasePath = defaultDatabasePath();
let db: Db | undefined;
// Opened on first use: starting the window must not wait for (or fail on) the database.
const database = (): Db => (db ??= openDatabase(databasePath));

const handlers: Handlers = {
  'app.info': () => ({ version: process.env.SELFALIGN_APP_VERSION ?? '0.0.0', databasePath }),
  'probes.listSets': () => listProbeSets(database()),
};

/** A request or result that breaks the contract: a bug on one side or the other, reported with what broke. */
class ContractError extends Error {
  constructor(readonly code: 'bad-params' | 'bad-result', message: string) {
    super(message);
  }
}

async function run<C extends CommandName>(command: C, rawParams: unknown): Promise<CommandResult<C>> {
  const schemas = commands[command];
  const params = schemas.params.safeParse(rawParams);
  if (!params.success) throw new ContractError('bad-params', `wrong parameters for "${command}": ${z.prettifyError(params.error)}`);
  const handler = handlers[command] as (params: CommandParams<C>) => CommandResult<C> | Promise<CommandResult<C>>;
  // Parsing the result also narrows core's records to the contract's fields.
  const result = schemas.result.safeParse(await handler(params.data as CommandParams<C>));
  if (!result.success) throw new ContractError('bad-result', `the engine's answer to "${command}" breaks the contract: ${z.prettifyError(result.error)}`);
  return result.data as CommandResult<C>;
}

function toWorkbenchError(error: unknown): WorkbenchError {
  if (error instanceof UserError) return { kind: 'user', code: error.code, message: error.describe() };
  console.error('[engine]', error);
  if (error instanceof ContractError) return { kind: 'bug', code: error.code, message: error.message };
  return { kind: 'bug', code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The reply to one message; none when the message has no id to answer to (the host's bug, logged here). */
async function answer(data: unknown): Promise<EngineReply | undefined> {
  const request = EngineRequest.safeParse(data);
  if (!request.success) {
    const message = `malformed engine request: ${z.prettifyError(request.error)}`;
    const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0) return { id, ok: false, error: { kind: 'bug', code: 'bad-request', message } };
    console.error('[engine]', message);
    return undefined;
  }
  try {
    return { id: request.data.id, ok: true, result: await run(request.data.command, request.data.params) };
  } catch (error) {
    return { id: request.data.id, ok: false, error: toWorkbenchError(error) };
  }
}

const port = process.parentPort;
if (!port) throw new Error('engine.ts must run in an Electron utilityProcess (process.parentPort is missing)');
port.on('message', (event) => {
  void answer(event.data).then((reply) => reply && port.postMessage(reply));
});
process.on('exit', () => db?.close());
