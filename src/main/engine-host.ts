// Hosts the engine process for the Electron main process: starts it through an injected `fork` (Electron's
// utilityProcess in the app, a fake child in tests), matches replies to requests by id, fans the engine's
// events out, restarts a crashed engine with exponential backoff, and stops it gracefully on quit.
//
// There is deliberately no per-request timeout. Imports, downloads and `models.sample` can take minutes, and
// a timeout would fail a request whose work goes on in the engine anyway, so the window would report a
// failure for something that later succeeds. What the host does guard against: a crash (the process exits:
// the requests in flight fail at once, see `crashed`) and a hung engine at quit (`stop` kills it after
// `stopTimeoutMs`, as VS Code does with its utility processes). What it cannot see is an engine that is
// alive but stuck in a synchronous loop; long work reports progress events and can be cancelled
// (`jobs.cancel`), so the window shows whether anything moves. A liveness ping would need a contract message.

import { fork, type ForkOptions } from 'node:child_process';
import {
  EngineMessage,
  type CommandName,
  type EngineRequest,
  type EngineStateEvent,
  type EventListener,
  type WorkbenchEvent,
  errorReply,
  type WorkbenchReply,
} from '../shared/contract.js';

/** What the host needs of a child process; Electron's UtilityProcess and Node's ChildProcess both have it. */
export interface EngineChild {
  postMessage(message: EngineRequest): void;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  kill(): unknown;
}

export interface Backoff {
  /** Delay before the first restart after a crash. */
  initialMs: number;
  /** The delay doubles after each crash in a row, up to this. */
  maxMs: number;
  /** A process that lived this long before it crashed starts the count again (its crash was not a loop). */
  resetAfterMs: number;
  /** Crashes in a row after which the host stops trying; requests then fail with `engine-unavailable`. */
  giveUpAfter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000, giveUpAfter: 10 };

export interface EngineHostOptions {
  /** Starts one engine process. May throw; a throw counts as a crash. */
  fork: () => EngineChild;
  backoff?: Partial<Backoff>;
  /** How long `stop` waits for the engine to cancel its jobs and close its database before it kills it. */
  stopTimeoutMs?: number;
  now?: () => number;
  log?: (message: string) => void;
}

export type HostState = 'idle' | 'starting' | 'running' | 'restarting' | 'failed' | 'stopping' | 'stopped';

interface Pending {
  command: CommandName;
  params: unknown;
  resolve: (reply: WorkbenchReply) => void;
  /** Posted to the current process; only these are lost when it crashes. */
  sent: boolean;
}

export class EngineHost {
  private state: HostState = 'idle';
  private child: EngineChild | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<EventListener>();
  /** Crashes in a row, without a process that lived `resetAfterMs` in between. */
  private crashes = 0;
  private spawnedAt = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping: Promise<void> | undefined;
  private stopSettled: ((how: 'closed' | 'exit') => void) | undefined;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  constructor(private readonly options: EngineHostOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.now = options.now ?? (() => Date.now());
    this.log = options.log ?? ((message) => console.error(`[engine-host] ${message}`));
  }

  get status(): HostState {
    return this.state;
  }

  /** Starts the engine process; later calls do nothing (restarts after a crash are the host's own). */
  start(): void {
    if (this.state === 'idle') this.launch();
  }

  /**
   * Sends one command (its params already parsed by the caller) and resolves with the engine's reply; never
   * rejects. While the engine is starting or restarting the request waits for it.
   */
  request(command: CommandName, params: unknown): Promise<WorkbenchReply> {
    if (this.state === 'stopping' || this.state === 'stopped') {
      return Promise.resolve(
        errorReply('bug', 'engine-stopped', `the workbench is closing, so "${command}" was not run`),
      );
    }
    if (this.state === 'failed') {
      return Promise.resolve(
        errorReply(
          'bug',
          'engine-unavailable',
          `the engine kept crashing and is no longer restarted, so "${command}" was not run; restart the workbench`,
        ),
      );
    }
    this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { command, params, resolve, sent: false });
      if (this.state === 'running') this.send(id);
    });
  }

  /** Engine events and the host's own EngineStateEvents. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /**
   * Asks the engine to cancel its jobs and close its database (`shutdown`), waits for `closed` or its exit,
   * and kills it after `stopTimeoutMs`. Requests still open afterwards fail with `engine-stopped`.
   */
  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  private async shutdown(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.failPending(
      (p) => !p.sent,
      'engine-stopped',
      (p) => `the workbench is closing, so "${p.command}" was not run`,
    );
    const child = this.child;
    // A process that has not spawned yet has run no command and opened nothing, and may not receive the
    // shutdown message (a utility process takes messages once it has spawned): it is simply ended.
    if (child && !wasRunning) child.kill();
    else if (child) {
      const settled = new Promise<'closed' | 'exit'>((resolve) => (this.stopSettled = resolve));
      try {
        child.postMessage({ type: 'shutdown' });
      } catch (error) {
        this.log(`could not ask the engine to shut down: ${describe(error)}`);
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>(
        (resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.stopTimeoutMs ?? 10_000)),
      );
      const how = await Promise.race([settled, timeout]);
      clearTimeout(timer);
      if (how === 'timeout') {
        this.log(`the engine did not close within ${(this.options.stopTimeoutMs ?? 10_000) / 1000} s; killing it`);
        child.kill();
      }
    }
    this.state = 'stopped';
    this.child = undefined;
    this.failPending(
      () => true,
      'engine-stopped',
      (p) => `the workbench closed before "${p.command}" finished`,
    );
  }

  private launch(): void {
    this.state = 'starting';
    let child: EngineChild;
    try {
      child = this.options.fork();
    } catch (error) {
      this.child = undefined;
      this.crashed(`the engine could not be started (${describe(error)})`);
      return;
    }
    this.child = child;
    child.on('spawn', () => {
      if (this.child !== child || this.state !== 'starting') return;
      this.state = 'running';
      this.spawnedAt = this.now();
      this.emit({
        type: 'engine',
        state: 'ready',
        message: this.crashes > 0 ? 'the engine was restarted' : 'the engine is ready',
      });
      for (const [id, pending] of this.pending) if (!pending.sent) this.send(id);
    });
    child.on('message', (message) => {
      if (this.child === child) this.receive(message);
    });
    child.on('exit', (code) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.state === 'stopping') this.stopSettled?.('exit');
      else this.crashed(`the engine stopped unexpectedly (exit code ${code ?? 'none'})`);
    });
  }

  private send(id: number): void {
    const pending = this.pending.get(id);
    if (!pending || !this.child) return;
    try {
      this.child.postMessage({ id, command: pending.command, params: pending.params });
      pending.sent = true;
    } catch (error) {
      // The process is going; its exit restarts it and the request, not sent, waits for that.
      this.log(`could not send "${pending.command}" to the engine: ${describe(error)}`);
    }
  }

  private receive(raw: unknown): void {
    const parsed = EngineMessage.safeParse(raw);
    if (!parsed.success) {
      this.log(`ignored a message from the engine that breaks the contract: ${JSON.stringify(raw)?.slice(0, 200)}`);
      return;
    }
    const message = parsed.data;
    if ('reply' in message) {
      const pending = this.pending.get(message.id);
      if (!pending) return this.log(`a reply to request ${message.id}, which is not waiting`);
      this.pending.delete(message.id);
      pending.resolve(message.reply);
    } else if ('event' in message) {
      this.emit(message.event);
    } else {
      this.stopSettled?.('closed');
    }
  }

  /**
   * A crash: what was in flight is lost (it may have been what crashed the engine, so it is not sent again);
   * what had not been sent waits for the restart. The delay doubles with each crash in a row.
   */
  private crashed(reason: string): void {
    const lived = this.state === 'running' ? this.now() - this.spawnedAt : 0;
    if (lived >= this.backoff.resetAfterMs) this.crashes = 0;
    this.crashes += 1;
    this.log(reason);
    this.failPending(
      (p) => p.sent,
      'engine-crashed',
      (p) => `${reason} while it ran "${p.command}"; it is being restarted, so try again in a moment`,
    );

    if (this.crashes > this.backoff.giveUpAfter) {
      this.state = 'failed';
      const message = `${reason}. It crashed ${this.crashes} times in a row, so it is not started again; restart the workbench`;
      this.emit({ type: 'engine', state: 'crashed', message });
      this.failPending(
        () => true,
        'engine-unavailable',
        (p) => `the engine kept crashing, so "${p.command}" was not run; restart the workbench`,
      );
      return;
    }
    const delayMs = Math.min(this.backoff.initialMs * 2 ** (this.crashes - 1), this.backoff.maxMs);
    this.state = 'restarting';
    this.emit({ type: 'engine', state: 'crashed', message: reason });
    this.emit({
      type: 'engine',
      state: 'restarting',
      message: `restarting the engine in ${delayMs / 1000} s`,
      retryInSeconds: delayMs / 1000,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.state === 'restarting') this.launch();
    }, delayMs);
  }

  private failPending(which: (pending: Pending) => boolean, code: string, message: (pending: Pending) => string): void {
    for (const [id, pending] of this.pending) {
      if (!which(pending)) continue;
      this.pending.delete(id);
      pending.resolve(errorReply('bug', code, message(pending)));
    }
  }

  private emit(event: WorkbenchEvent | EngineStateEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`an event listener threw: ${describe(error)}`);
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The engine process under plain Node (`child_process.fork`), as tests and scripts start the built bundle;
 * the app forks it with Electron's utilityProcess instead. Node's IPC has `send` where Electron has
 * `postMessage`; a send to a process that has gone surfaces as 'error', which is logged, and its exit
 * does the rest.
 */
export function forkWithNode(modulePath: string, options: ForkOptions = {}): EngineChild {
  const child = fork(modulePath, [], { stdio: 'inherit', ...options, serialization: 'advanced' });
  child.on('error', (error) => console.error(`[engine-host] the engine process: ${error.message}`));
  return {
    postMessage: (message) => void child.send(message),
    on: (event: string, listener: (...args: never[]) => void) =>
      child.on(event, listener as (...args: unknown[]) => void),
    kill: () => child.kill(),
  };
}
