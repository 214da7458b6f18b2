// Starting llama.cpp through node-llama-cpp: the GPU when there is one (CUDA, Vulkan or Metal, chosen
// automatically unless the user names one), the CPU otherwise, always from the prebuilt binaries that ship as
// npm packages: the workbench never builds llama.cpp or downloads it at run time.

import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { UserError } from '../errors.js';

import { GPU_CHOICES } from '../../shared/method.js';

export { GPU_CHOICES };
export type GpuChoice = (typeof GPU_CHOICES)[number];

export interface LlamaRuntimeOptions {
  gpu?: GpuChoice;
  /** CPU threads; defaultThreads(this machine) when absent. */
  threads?: number;
  logger?: (level: LlamaLogLevel, message: string) => void;
}

const runtimes = new Map<string, Promise<Llama>>();
/** Runtimes started without a thread count: their models measure what is free when they load (threadsFreeNow). */
const threadsLeftToUs = new WeakSet<Llama>();

/**
 * The CPU threads llama.cpp gets when nobody names a number: one fewer than the cores that do math, at least one.
 * llama.cpp's threads meet at a barrier after every operation of a token, so one thread that shares its core with
 * another busy process holds back all the others; node-llama-cpp's own default (the math cores, or 4 if that is
 * more) oversubscribes a small machine outright. On this project's 2-core machine with another process busy, one
 * thread estimated in 0.20 s what two took 3.55 s for. A core left free costs at most 1/cores of the speed on an
 * idle machine (`npm run bench:threads` measures both). With a GPU the threads only feed it, and fewer do.
 */
export function defaultThreads(mathCores: number): number {
  return Math.max(1, Math.floor(mathCores) - 1);
}

/**
 * The threads for a model loaded now: defaultThreads, but no more than the math cores that are idle. On a
 * machine already busy (another run, a build, a video call) every thread beyond the idle cores waits at each
 * barrier for one that the system took away, the situation that made one thread 18× faster than two here. Idle
 * logical CPUs count as math cores in proportion (two hyperthreads share one core's math units). Counted down,
 * because a thread too few costs at most 1/cores of the speed and a thread too many can cost most of it.
 */
export function threadsForIdleCpus(mathCores: number, logicalCpus: number, idleLogicalCpus: number): number {
  const idleMathCores = logicalCpus > 0 ? (idleLogicalCpus / logicalCpus) * mathCores : mathCores;
  // A little slack, so that 3.9 idle cores (a core's background noise) still count as 4.
  return Math.max(1, Math.min(defaultThreads(mathCores), Math.floor(idleMathCores + 0.2)));
}

/** How many logical CPUs were idle during the last `ms` (each CPU's idle share of its time, summed). */
export async function idleLogicalCpus(ms = 250): Promise<{ logical: number; idle: number }> {
  const before = os.cpus();
  await delay(ms);
  const after = os.cpus();
  let idle = 0;
  after.forEach((cpu, i) => {
    const earlier = before[i];
    if (!earlier) return;
    const spent = (t: os.CpuInfo['times']) => t.user + t.nice + t.sys + t.idle + t.irq;
    const total = spent(cpu.times) - spent(earlier.times);
    idle += total > 0 ? Math.min(1, Math.max(0, (cpu.times.idle - earlier.times.idle) / total)) : 1;
  });
  return { logical: after.length, idle };
}

/**
 * The threads a model of this runtime gets when it loads, measured then (a quarter of a second of looking at
 * what is idle), or undefined when the user chose the runtime's thread count: that choice stands.
 */
export async function threadsFreeNow(llama: Llama): Promise<number | undefined> {
  if (!threadsLeftToUs.has(llama)) return undefined;
  const { logical, idle } = await idleLogicalCpus();
  return threadsForIdleCpus(llama.cpuMathCores, logical, idle);
}

/** One llama.cpp runtime per configuration and process: loading it twice wastes memory and time. */
export function llamaRuntime(options: LlamaRuntimeOptions = {}): Promise<Llama> {
  const gpu = options.gpu ?? 'auto';
  const key = `${gpu}:${options.threads ?? 'default'}`;
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = getLlama({
      gpu: gpu === 'cpu' ? false : gpu,
      build: 'never',
      skipDownload: true,
      usePrebuiltBinaries: true,
      progressLogs: false,
      ...(options.threads ? { maxThreads: options.threads } : {}),
      logLevel: LlamaLogLevel.warn,
      ...(options.logger ? { logger: options.logger } : {}),
    }).then(
      (llama) => {
        // Every context of this runtime takes its thread count from here unless it names one.
        if (!options.threads) {
          llama.maxThreads = defaultThreads(llama.cpuMathCores);
          threadsLeftToUs.add(llama);
        }
        return llama;
      },
      (error: unknown) => {
        runtimes.delete(key);
        throw new UserError(
          'llama-unavailable',
          `llama.cpp could not start with gpu "${gpu}": ${(error as Error).message}. ` +
            (gpu === 'auto' || gpu === 'cpu' ? 'Reinstall the workbench (npm ci).' : 'Try --gpu auto, or --gpu cpu.'),
        );
      },
    );
    runtimes.set(key, runtime);
  }
  return runtime;
}

export interface BackendReport {
  /** "cuda", "vulkan", "metal" or "cpu". */
  backend: string;
  devices: string[];
  gpuLayers: number;
  totalLayers: number;
  /** The CPU threads llama.cpp evaluates with. */
  threads: number;
}

export async function describeBackend(
  llama: Llama,
  gpuLayers: number,
  totalLayers: number,
  threads: number,
): Promise<BackendReport> {
  return {
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    devices: llama.gpu === false ? [] : await llama.getGpuDeviceNames(),
    gpuLayers,
    totalLayers,
    threads,
  };
}
