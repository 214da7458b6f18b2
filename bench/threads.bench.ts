// Benchmark: llama.cpp's CPU thread count. One fixed estimate (the tiny model, a built-in English probe, sampled
// with n = 100, seed 1) at every thread count from 1 to this machine's math cores and at the workbench's default
// (defaultThreads, capped at model load by the math cores idle then: threadsFreeNow), each on an idle machine and
// beside one CPU-bound process. Prints JSON with each wall time, the threads the default chose, the best, and
// defaultOverBest (default time / best time, the worse of the two situations). Goal: ≤ 1.3.
// Usage: npm run bench:threads [-- --n 100 --repeat 3]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readProbeSource } from '../src/core/data/index.js';
import { defaultThreads, findPreset, LocalModel, llamaRuntime, writeTinyModel } from '../src/core/models/index.js';
import { buildPrompt } from '../src/core/prompt/index.js';
import { builtinDataPath } from '../src/core/resources.js';
import { estimateDistribution } from '../src/core/sampling/index.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '100' }, repeat: { type: 'string', default: '3' } },
});
const GOAL = 1.3;
const sampling = findPreset('llama-3-8b-instruct')!.sampling;

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-threads-'));
let busy: ChildProcess | undefined;
try {
  const model = await writeTinyModel(path.join(dir, 'tiny.gguf'));
  const probe = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes[0]!;
  const prompt = buildPrompt({ probe, demonstrations: [], seed: 1 });
  const defaultRuntime = await llamaRuntime({ gpu: 'cpu' });
  const mathCores = defaultRuntime.cpuMathCores;
  const chosen = defaultThreads(mathCores);

  /** The median wall time of the estimate, in seconds, with `threads` (undefined: the default), and the threads used. */
  const measure = async (threads: number | undefined): Promise<{ seconds: number; threads: number }> => {
    const llama = threads === undefined ? defaultRuntime : await llamaRuntime({ gpu: 'cpu', threads });
    const local = await LocalModel.open({ name: 'tiny', path: model.path, sampling, llama, contextSize: 1024 });
    try {
      const once = async () => {
        const started = performance.now();
        await estimateDistribution(local, sampling, {
          probe,
          prompt,
          chat: true,
          estimator: 'sampled',
          n: Number(values.n),
          maxTokens: 16,
          seed: 1,
        });
        return (performance.now() - started) / 1000;
      };
      await once(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < Number(values.repeat); i++) times.push(await once());
      return { seconds: times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!, threads: local.backend.threads };
    } finally {
      await local.close();
    }
  };

  const counts = Array.from({ length: mathCores }, (_, i) => i + 1);
  const situation = async () => {
    const seconds: Record<string, number> = {};
    for (const t of counts) seconds[String(t)] = round((await measure(t)).seconds);
    const atDefault = await measure(undefined);
    const best = Math.min(...Object.values(seconds), atDefault.seconds);
    return {
      seconds,
      defaultThreads: atDefault.threads,
      defaultSeconds: round(atDefault.seconds),
      bestSeconds: best,
      defaultOverBest: round(atDefault.seconds / best),
    };
  };

  const idle = await situation();
  // One CPU-bound process beside the estimate, as a browser, the window or another job would be.
  busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const loaded = await situation();
  busy.kill();
  busy = undefined;

  const defaultOverBest = Math.max(idle.defaultOverBest, loaded.defaultOverBest);
  console.log(
    JSON.stringify(
      {
        benchmark: 'threads',
        mathCores,
        logicalCpus: os.availableParallelism(),
        defaultThreadsAtMost: chosen,
        n: Number(values.n),
        repeat: Number(values.repeat),
        idle,
        busy: loaded,
        defaultOverBest,
        goal: GOAL,
        goalMet: defaultOverBest <= GOAL,
      },
      null,
      2,
    ),
  );
} finally {
  busy?.kill();
  rmSync(dir, { recursive: true, force: true });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
