// An engine's client that notes every command it sends, for the handler tests in src/engine/handlers: each file
// calls its group's commands through it and ends by checking that it has called every one of them. The groups
// together are every command of the contract (`handlers` in src/engine/engine.ts is typed to demand it), so each
// command of the contract is called by the test file of its group.

import type { Engine } from '../engine/engine.js';
import { createClient, type WorkbenchClient } from '../shared/contract.js';

export interface CommandRecorder {
  /** The engine's commands as typed methods, like `engine.client`, each call noted (refused ones too). */
  clientOf(engine: Engine): WorkbenchClient;
  /** The commands of a handler group (the handlers object a module exports) that no client of this recorder sent. */
  uncalled(group: object): string[];
}

export function commandRecorder(): CommandRecorder {
  const called = new Set<string>();
  return {
    clientOf: (engine) =>
      createClient((command, params) => {
        called.add(command);
        return engine.invoke(command, params);
      }, engine.subscribe),
    uncalled: (group) => Object.keys(group).filter((command) => !called.has(command)),
  };
}
