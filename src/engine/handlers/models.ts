// The model registry (local GGUF files, OpenAI-compatible servers, Gemini) with the paper's presets; inspecting a
// GGUF file against this machine; downloads; and one model's distribution of answers to one probe.

import path from 'node:path';
import { UserError } from '../../core/errors.js';
import {
  downloadModel,
  estimateFit,
  inspectGguf,
  LocalModel,
  MODEL_PRESETS,
  openModel,
  resolveChatMode,
  samplingOf,
} from '../../core/models/index.js';
import { estimateDistribution } from '../../core/sampling/index.js';
import { appDataFolder, getModel, listModels, removeModel, saveModel } from '../../core/store/index.js';
import type { ParsedParams } from '../../shared/contract.js';
import type { HandlerGroup } from '../context.js';
import { userPath } from '../user-path.js';
import { promptFor } from './selection.js';

/** A server URL as the clients want it: http(s), no trailing slash. */
export function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    return url.replace(/\/+$/, '');
  } catch {
    throw new UserError('bad-url', `"${url}" is not an http(s) URL such as http://127.0.0.1:8000/v1`);
  }
}

export const modelHandlers: HandlerGroup<
  | 'models.list'
  | 'models.addGguf'
  | 'models.addOpenAI'
  | 'models.addGemini'
  | 'models.remove'
  | 'models.presets'
  | 'models.inspect'
  | 'models.download'
  | 'models.sample'
> = {
  'models.list': (_params, { db }) => listModels(db),

  'models.addGguf': async ({ path: file, name, preset, sampling }, { db, jobs }) => {
    const absolute = userPath(file, 'the GGUF file');
    const { done } = jobs.start('model-inspect', absolute, (job) =>
      inspectGguf(absolute, {
        onHashProgress: (hashed, total) =>
          job.progress({ phase: 'hashing', done: hashed, total, rate: 0, etaSeconds: null }),
      }),
    );
    const info = await done;
    return saveModel(db, {
      name: name ?? path.basename(absolute).replace(/\.gguf$/i, ''),
      kind: 'gguf',
      path: absolute,
      ...samplingOf('gguf', { preset, sampling }),
      info,
    });
  },

  'models.addOpenAI': (
    { model, baseUrls, apiKeyEnv, keychainAccount, concurrencyPerServer, name, preset, sampling },
    { db },
  ) =>
    saveModel(db, {
      name: name ?? model,
      kind: 'openai',
      baseUrls: baseUrls.map(checkUrl),
      remoteModel: model,
      ...samplingOf('openai', { preset, sampling }),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
      ...(keychainAccount ? { keychainAccount } : {}),
      ...(concurrencyPerServer ? { concurrencyPerServer } : {}),
    }),

  'models.addGemini': (
    { model, apiKeyEnv, keychainAccount, baseUrl, concurrencyPerServer, name, preset, sampling },
    { db },
  ) =>
    saveModel(db, {
      name: name ?? model,
      kind: 'gemini',
      ...(baseUrl ? { baseUrls: [checkUrl(baseUrl)] } : {}),
      remoteModel: model,
      ...samplingOf('gemini', { preset, sampling }),
      apiKeyEnv,
      ...(keychainAccount ? { keychainAccount } : {}),
      ...(concurrencyPerServer ? { concurrencyPerServer } : {}),
    }),

  'models.remove': ({ name }, { db }) => {
    removeModel(db, name);
    return { deleted: name };
  },

  'models.presets': () => MODEL_PRESETS.map((p) => ({ ...p, kinds: [...p.kinds] })),

  'models.inspect': async ({ path: file, model, gpu, contextSize }, { db }) => {
    let target: string;
    if (model !== undefined) {
      const record = getModel(db, model);
      if (record.kind !== 'gguf')
        throw new UserError(
          'not-local',
          `model "${model}" is an API model (${record.kind}); only GGUF files can be inspected`,
        );
      target = record.path;
    } else target = userPath(file!, 'the GGUF file');
    const info = await inspectGguf(target);
    return { path: target, info, ...(await estimateFit(target, { gpu, ...(contextSize ? { contextSize } : {}) })) };
  },

  'models.download': async ({ uri, dir }, { jobs }) => {
    const folder = dir === undefined ? path.join(appDataFolder(), 'models') : userPath(dir, 'the download folder');
    const { done } = jobs.start('download', uri, (job) =>
      downloadModel(uri, {
        dir: folder,
        signal: job.signal,
        onProgress: (p) =>
          job.progress({
            phase: 'downloading',
            done: p.downloadedBytes,
            total: p.totalBytes,
            rate: p.bytesPerSecond,
            etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : null,
          }),
      }),
    );
    return done;
  },

  'models.sample': async (params, { db }) => sample(db, params),
};

async function sample(db: Parameters<typeof getModel>[0], params: ParsedParams<'models.sample'>) {
  const record = getModel(db, params.model);
  const { test, prompt } = await promptFor(db, { ...params, shuffle: false, explain: false });
  const model = await openModel(record, {
    gpu: params.gpu,
    ...(params.gpuLayers !== undefined ? { gpuLayers: params.gpuLayers } : {}),
    ...(params.threads ? { threads: params.threads } : {}),
  });
  try {
    const mode = await resolveChatMode(record, { chat: params.chat, estimator: params.mode }, model);
    const distribution = await estimateDistribution(model, record.sampling, {
      probe: test,
      prompt,
      chat: mode.chat,
      estimator: params.mode,
      n: params.n,
      maxTokens: params.maxTokens,
      seed: params.seed,
      errorBound: params.errorBound,
    });
    const backend = model instanceof LocalModel ? model.backend : undefined;
    return {
      model: record.name,
      probe: test.id,
      options: test.options,
      strategy: params.strategy ?? 'zero-shot',
      sampling: record.sampling,
      ...(backend ? { backend } : {}),
      chat: mode.chat,
      warnings: mode.warning ? [mode.warning] : [],
      distribution,
    };
  } finally {
    await model.close();
  }
}
