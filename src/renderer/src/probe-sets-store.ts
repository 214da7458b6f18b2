// View state for the probe sets on the placeholder screen: what the engine last listed, or why it could not.
import { create } from 'zustand';
import type { CommandResult } from '../../shared/contract.js';
import { workbench as connect } from './workbench.js';

export type ProbeSetSummary = CommandResult<'probes.listSets'>[number];

export type ProbeSetsState =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'disconnected' }
  | { status: 'loaded'; sets: ProbeSetSummary[] }
  | { status: 'failed'; message: string };

interface ProbeSetsStore {
  state: ProbeSetsState;
  load: () => Promise<void>;
}

export const useProbeSets = create<ProbeSetsStore>((set) => ({
  state: { status: 'idle' },
  load: async () => {
    const workbench = connect();
    if (!workbench) {
      set({ state: { status: 'disconnected' } });
      return;
    }
    set({ state: { status: 'loading' } });
    try {
      set({ state: { status: 'loaded', sets: await workbench.probes.listSets() } });
    } catch (error) {
      set({ state: { status: 'failed', message: error instanceof Error ? error.message : String(error) } });
    }
  },
}));
