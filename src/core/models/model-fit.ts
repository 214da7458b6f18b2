// Whether a GGUF model fits this machine before it is loaded (as LM Studio and Jan show it): node-llama-cpp's
// resource estimate for the file's architecture, against this machine's free GPU memory and RAM, gives the layers
// that would go to the GPU and the memory each side would use.

import os from 'node:os';
import { GgufInsights, readGgufFileInfo } from 'node-llama-cpp';
import { checkGgufHeader } from './gguf-info.js';
import { llamaRuntime, type GpuChoice } from './llama-runtime.js';

export interface MachineMemory {
  backend: string;
  devices: string[];
  gpuMemoryBytes: number;
  gpuFreeBytes: number;
  ramBytes: number;
  ramFreeBytes: number;
}

export interface ModelFit {
  layers: number | null;
  machine: MachineMemory;
  fit: {
    gpuLayers: number;
    fullyOnGpu: boolean;
    fits: boolean;
    contextSize: number | null;
    estimatedGpuBytes: number;
    estimatedRamBytes: number;
    note: string;
  };
}

export async function estimateFit(
  file: string,
  options: { gpu?: GpuChoice; contextSize?: number } = {},
): Promise<ModelFit> {
  await checkGgufHeader(file);
  const llama = await llamaRuntime({ gpu: options.gpu ?? 'auto' });
  const vram = llama.gpu === false ? { total: 0, free: 0 } : await llama.getVramState();
  const machine: MachineMemory = {
    backend: llama.gpu === false ? 'cpu' : llama.gpu,
    devices: llama.gpu === false ? [] : await llama.getGpuDeviceNames(),
    gpuMemoryBytes: vram.total,
    gpuFreeBytes: vram.free,
    ramBytes: os.totalmem(),
    ramFreeBytes: os.freemem(),
  };
  const insights = await GgufInsights.from(await readGgufFileInfo(file, { readTensorInfo: true }), llama);
  const resolved = await insights.configurationResolver.resolveAndScoreConfig(
    options.contextSize ? { targetContextSize: options.contextSize } : {},
  );
  const v = resolved.resolvedValues;
  const layers = insights.totalLayers;
  // A compatibility score of 0 means no configuration fits at all; below 1, it fits only with compromises.
  const fits = resolved.compatibilityScore > 0;
  const fullyOnGpu = llama.gpu !== false && v.gpuLayers >= layers;
  const note = !fits
    ? 'too large for this machine: not enough free memory even on the CPU; choose a smaller quantisation or close other programs'
    : llama.gpu === false
      ? 'no GPU backend: the model runs on the CPU'
      : fullyOnGpu
        ? `fits the GPU: all ${layers} layers go there`
        : `${v.gpuLayers} of ${layers} layers fit the GPU; the rest run on the CPU`;
  return {
    layers,
    machine,
    fit: {
      gpuLayers: v.gpuLayers,
      fullyOnGpu,
      fits,
      contextSize: v.contextSize ?? null,
      estimatedGpuBytes: v.totalVramUsage,
      estimatedRamBytes: v.totalRamUsage,
      note,
    },
  };
}
