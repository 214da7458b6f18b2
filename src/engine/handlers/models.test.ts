// The model registry through the engine's in-process client: the presets, a GGUF file (the tiny model), an
// OpenAI-compatible server and Gemini registered, listed and removed; the tiny model inspected against this machine,
// downloaded from a loopback server and sampled on one probe in llama.cpp; and every refusal says what is wrong,
// and stores nothing.

import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFakeModelServer, type FakeModelServer } from '../../testing/fake-model-server.js';
import { commandRecorder } from '../../testing/recording-client.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { tinyModel } from '../../testing/tiny-model.js';
import { createEngine, type Engine } from '../engine.js';
import { modelHandlers } from './models.js';

const tempDir = useTempDir();
const recorder = commandRecorder();

let server: FakeModelServer;
beforeAll(async () => {
  server = await startFakeModelServer();
});
afterAll(async () => {
  await server?.close();
});

async function withEngine(test: (client: ReturnType<typeof recorder.clientOf>, dir: string) => Promise<void>) {
  const dir = tempDir();
  const engine: Engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
  try {
    await test(recorder.clientOf(engine), dir);
  } finally {
    await engine.close();
  }
}

it('registers a GGUF file, a served model and Gemini with the presets, lists them and removes one', () =>
  withEngine(async (client) => {
    const tiny = (await tinyModel()).path;
    const presets = await client.models.presets();
    expect(presets.map((p) => p.name)).toContain('llama-3-8b-instruct');
    const record = await client.models.addGguf({ path: tiny, name: 'tiny', preset: 'llama-3-8b-instruct' });
    expect(record).toMatchObject({ name: 'tiny', kind: 'gguf', path: tiny, info: { architecture: 'llama' } });
    expect(
      await client.models.addOpenAI({
        model: 'served',
        baseUrls: ['http://127.0.0.1:9/v1/'],
        name: 'served',
        sampling: { temperature: 0.5 },
      }),
    ).toMatchObject({ kind: 'openai', baseUrls: ['http://127.0.0.1:9/v1'], sampling: { temperature: 0.5 } });
    await client.models.addGemini({ model: 'gemini-1.5-pro', name: 'gem' });
    const listed = await client.models.list();
    expect(listed.map((m) => `${m.name}:${m.kind}`)).toEqual(['gem:gemini', 'served:openai', 'tiny:gguf']);
    expect(listed.find((m) => m.name === 'gem')).toMatchObject({ apiKeyEnv: 'GEMINI_API_KEY' });
    expect(await client.models.remove({ name: 'served' })).toEqual({ deleted: 'served' });
    expect((await client.models.list()).map((m) => m.name)).toEqual(['gem', 'tiny']);
  }));

it('refuses a URL that is not http(s), a taken name, an unknown model and inspecting an API model, storing nothing', () =>
  withEngine(async (client) => {
    await client.models.addGguf({ path: (await tinyModel()).path, name: 'tiny' });
    await client.models.addGemini({ model: 'gemini-1.5-pro', name: 'gem' });
    const before = await client.models.list();

    await expect(client.models.addOpenAI({ model: 'x', baseUrls: ['ftp://x'] })).rejects.toMatchObject({
      kind: 'user',
      code: 'bad-url',
      message: expect.stringContaining('"ftp://x" is not an http(s) URL'),
    });
    await expect(client.models.addGemini({ model: 'gemini-2.0', name: 'tiny' })).rejects.toMatchObject({
      code: 'model-exists',
      message: expect.stringContaining('a model named "tiny" is already registered'),
    });
    await expect(client.models.remove({ name: 'ghost' })).rejects.toMatchObject({
      code: 'unknown-model',
      message: expect.stringContaining('known: gem, tiny'),
    });
    await expect(client.models.inspect({ model: 'gem' })).rejects.toMatchObject({
      kind: 'user',
      code: 'not-local',
      message: expect.stringContaining('only GGUF files can be inspected'),
    });

    expect(await client.models.list()).toEqual(before);
  }));

it(
  'inspects the tiny model against this machine, downloads it, and samples its answers to one probe',
  () =>
    withEngine(async (client, dir) => {
      const tiny = await tinyModel();
      await client.models.addGguf({ path: tiny.path, name: 'tiny', preset: 'llama-3-8b-instruct' });

      const inspected = await client.models.inspect({ model: 'tiny', gpu: 'cpu' });
      expect(inspected.path).toBe(tiny.path);
      expect(inspected.layers).toBeGreaterThanOrEqual(2);
      expect(inspected).toMatchObject({ machine: { backend: 'cpu' }, fit: { fits: true, gpuLayers: 0 } });
      expect(inspected.fit.note).toContain('CPU');

      server.serveFile('/tiny.gguf', tiny.path);
      const downloaded = await client.models.download({
        uri: `${server.url}/tiny.gguf`,
        dir: path.join(dir, 'models'),
      });
      expect(existsSync(downloaded.path)).toBe(true);
      expect(path.dirname(downloaded.path)).toBe(path.join(dir, 'models'));
      expect(downloaded.sha256).toBe(tiny.sha256);

      const sampled = await client.models.sample({ model: 'tiny', probe: 'Q1', n: 20, gpu: 'cpu', threads: 1 });
      expect(sampled).toMatchObject({
        model: 'tiny',
        probe: 'Q1',
        strategy: 'zero-shot',
        backend: { backend: 'cpu', gpuLayers: 0, threads: 1 },
      });
      expect(sampled.distribution.n).toBe(20);
      expect(sampled.distribution.option1 + sampled.distribution.option2 + sampled.distribution.invalid).toBeCloseTo(
        1,
        9,
      );
    }),
  60_000,
);

it('has called every command of its group', () => {
  expect(recorder.uncalled(modelHandlers)).toEqual([]);
});
