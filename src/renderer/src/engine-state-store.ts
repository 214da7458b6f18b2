// Whether the engine process is up, as its host reports it: after a crash the Electron main process restarts the
// engine with a growing delay and says so with `engine` events, which this store keeps for the banner.
import { create } from 'zustand';
import type { EngineStateEvent } from '../../shared/contract.js';
import { workbench } from './workbench.js';

interface EngineStateStore {
  state: EngineStateEvent | null;
  /** Starts listening; returns the function that stops it. */
  watch: () => () => void;
}

export const useEngineState = create<EngineStateStore>((set) => ({
  state: null,
  watch: () => {
    const client = workbench();
    if (!client) return () => undefined;
    return client.subscribe((event) => {
      if (event.type === 'engine') set({ state: event.state === 'ready' ? null : event });
    });
  },
}));
