// The engine process's side of the wire, apart from the transport: given a port (post a message, receive
// messages) and an Engine, it answers each request with its id, forwards every engine event, and on
// `shutdown` closes the engine (jobs cancelled, database closed) before it says `closed` and exits.
// `processPort` picks the transport: Electron's parentPort in a utility process, Node's IPC under `fork`.

import { z } from 'zod';
import type { Engine } from '../engine/engine.js';
import { contractBreak, EngineRequest, errorReply, type EngineMessage } from '../shared/contract.js';

export interface EnginePort {
  post(message: EngineMessage): void;
  onMessage(listener: (data: unknown) => void): void;
  /** Called when the other end has gone without a shutdown (Node IPC's `disconnect`); optional. */
  onClose?(listener: () => void): void;
}

export interface ServeOptions {
  /** Ends the process; `process.exit` in the real entry, a recorder in tests. */
  exit(code: number): void;
  log?(message: string, error?: unknown): void;
}

/** The engine's slice of the contract that this module uses. */
export type PortEngine = Pick<Engine, 'invoke' | 'subscribe' | 'close'>;

export function serveEngine(port: EnginePort, engine: PortEngine, options: ServeOptions): void {
  const log = options.log ?? ((message, error) => console.error(`[engine] ${message}`, error ?? ''));
  const unsubscribe = engine.subscribe((event) => port.post({ event }));
  let closing: Promise<void> | undefined;

  const close = (say: boolean): Promise<void> =>
    (closing ??= (async () => {
      let code = 0;
      try {
        await engine.close();
      } catch (error) {
        log('closing the engine failed', error);
        code = 1;
      }
      unsubscribe();
      if (say) port.post({ type: 'closed' });
      options.exit(code);
    })());

  port.onMessage((data) => {
    const parsed = EngineRequest.safeParse(data);
    if (!parsed.success) {
      const message = `malformed engine request: ${z.prettifyError(parsed.error)}`;
      const id = requestId(data);
      if (id === undefined) log(message);
      else port.post({ id, reply: contractBreak('bad-request', message) });
      return;
    }
    const request = parsed.data;
    if ('type' in request) {
      void close(true);
      return;
    }
    if (closing) {
      port.post({
        id: request.id,
        reply: errorReply('bug', 'engine-closing', `the engine is shutting down and did not run "${request.command}"`),
      });
      return;
    }
    // Engine.invoke never throws by its contract; the catch keeps a broken promise from leaving a request
    // unanswered for ever in the main process.
    void engine.invoke(request.command, request.params).then(
      (reply) => port.post({ id: request.id, reply }),
      (error: unknown) => {
        log(`"${request.command}" threw instead of replying`, error);
        port.post({
          id: request.id,
          reply: errorReply('bug', 'internal', error instanceof Error ? error.message : String(error)),
        });
      },
    );
  });
  port.onClose?.(() => void close(false));
}

function requestId(data: unknown): number | undefined {
  const id = typeof data === 'object' && data !== null && 'id' in data ? data.id : undefined;
  return typeof id === 'number' && Number.isInteger(id) && id >= 0 ? id : undefined;
}

/** Electron's `process.parentPort` in a utility process: messages arrive wrapped in `{data}`. */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The parts of `process` the transports need; a parameter so tests can hand in a stand-in. */
export interface ProcessLike {
  parentPort?: ParentPortLike;
  send?: (message: unknown, sendHandle: undefined, options: object, callback: (error: Error | null) => void) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'disconnect', listener: () => void): unknown;
}

/**
 * The transport of this process: Electron's parentPort when it runs as a utility process, else Node's IPC
 * channel (`child_process.fork`, as the tests start the built bundle). Neither: it was started by hand.
 */
export function processPort(proc: ProcessLike = process as unknown as ProcessLike): EnginePort {
  const parentPort = proc.parentPort;
  if (parentPort) {
    return {
      post: (message) => parentPort.postMessage(message),
      onMessage: (listener) => void parentPort.on('message', (event) => listener(event.data)),
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    return {
      // A message to a parent that has gone is dropped: without the callback Node would raise it as an
      // uncaught 'error' and the engine would die before it closes its database.
      post: (message) => void send(message, undefined, {}, () => {}),
      onMessage: (listener) => void proc.on('message', listener),
      onClose: (listener) => void proc.on('disconnect', listener),
    };
  }
  throw new Error(
    'the engine process talks to its host only: start it as an Electron utility process or with child_process.fork',
  );
}
