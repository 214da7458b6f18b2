// Starts the engine (engine.ts) in an Electron utilityProcess and turns the contract's requests into
// messages to it and its replies back into promises. A crashed engine fails the requests in flight and is
// started again on the next request; a request the engine does not answer in time fails instead of hanging.

import { utilityProcess, type UtilityProcess } from 'electron';
import { EngineReply, type EngineRequest, type WorkbenchReply } from '../shared/contract.js';

export interface EngineHostOptions {
  /** The built engine entry (out/main/engine.js). */
  modulePath: string;
  /** Passed to the engine as SELFALIGN_APP_VERSION, so `app.info` reports the app's version. */
  appVersion: string;
  /** How long one request may take before it fails. */
  timeoutMs?: number;
}

interface Pending {
  resolve: (reply: WorkbenchReply) => void;
  timer: NodeJS.Timeout;
}

export class EngineHost {
  private child: UtilityProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: EngineHostOptions) {}

  start(): void {
    if (this.child) return;
    const child = utilityProcess.fork(this.options.modulePath, [], {
      serviceName: 'Self-Align engine',
      stdio: 'inherit',
      env: { ...process.env, SELFALIGN_APP_VERSION: this.options.appVersion },
    });
    child.on('message', (message: unknown) => this.receive(message));
    child.on('exit', (code) => {
      if (this.child === child) this.child = undefined;
      this.failAll(`the engine stopped (exit code ${code})`);
    });
    this.child = child;
  }

  /** Sends a request whose params the caller has already parsed; resolves with the engine's reply. */
  request(request: Omit<EngineRequest, 'id'>): Promise<WorkbenchReply> {
    this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(failure('timeout', `the engine did not answer "${request.command}" within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, timer });
      this.child!.postMessage({ ...request, id } satisfies EngineRequest);
    });
  }

  stop(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill();
    this.failAll('the engine was stopped');
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 60_000;
  }

  private receive(message: unknown): void {
    const reply = EngineReply.safeParse(message);
    if (!reply.success) {
      console.error('[engine-host] malformed reply from the engine', reply.error);
      return;
    }
    const pending = this.pending.get(reply.data.id);
    if (!pending) return; // timed out already
    this.pending.delete(reply.data.id);
    clearTimeout(pending.timer);
    const { id: _id, ...rest } = reply.data;
    pending.resolve(rest);
  }

  private failAll(message: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(failure('engine-stopped', message));
      this.pending.delete(id);
    }
  }
}

function failure(code: string, message: string): WorkbenchReply {
  return { ok: false, error: { kind: 'bug', code, message } };
}
