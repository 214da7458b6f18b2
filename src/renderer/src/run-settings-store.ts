// How this machine runs local models: the GPU backend and the CPU threads, passed with every run started or
// resumed from the window (they are the machine's, not the run's: a resumed run may use another GPU). Kept in
// this browser profile.
import { create } from 'zustand';
import type { GPU_CHOICES } from '../../shared/method.js';

export type GpuChoice = (typeof GPU_CHOICES)[number];
export interface RunSettings {
  gpu: GpuChoice;
  /** Unset: the engine's choice. */
  threads?: number;
}
const KEY = 'selfalign-run-settings';

function stored(): RunSettings {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<RunSettings>;
    return {
      gpu: value.gpu ?? 'auto',
      ...(typeof value.threads === 'number' && value.threads >= 1 ? { threads: value.threads } : {}),
    };
  } catch {
    return { gpu: 'auto' };
  }
}

export const useRunSettings = create<{ settings: RunSettings; update: (settings: RunSettings) => void }>((set) => ({
  settings: typeof localStorage === 'undefined' ? { gpu: 'auto' } : stored(),
  update: (settings) => {
    localStorage.setItem(KEY, JSON.stringify(settings));
    set({ settings });
  },
}));

/** The settings as runs.start and runs.resume take them. */
export function runLocal(settings: RunSettings): { gpu: GpuChoice; threads?: number } {
  return { gpu: settings.gpu, ...(settings.threads ? { threads: settings.threads } : {}) };
}
