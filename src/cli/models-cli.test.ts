// `selfalign` with models, as users run it: the real bin in a child process, a real database, the generated
// tiny model in real llama.cpp, and loopback servers standing in for Hugging Face and an OpenAI-compatible API.

import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeModelServer } from '../testing/fake-model-server.js';
import { oneTokenAnswer, startFakeOpenAIServer } from '../testing/fake-openai-server.js';
import { ON_CPU, selfalignAsync as selfalign } from '../testing/selfalign-cli.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyModel } from '../testing/tiny-model.js';

const tempDir = useTempDir();

/** `selfalign models add openai --model <model> --base-url <url> [<extra>] --db <db>`, run without blocking. */
function addOpenAIModel(db: string, model: string, baseUrl: string, extra: readonly string[] = []) {
  return selfalign(['models', 'add', 'openai', '--model', model, '--base-url', baseUrl, ...extra, '--db', db]);
}

async function withTinyModel(dir: string): Promise<{ db: string; model: string }> {
  const db = path.join(dir, 'w.sqlite');
  const model = path.join(dir, 'tiny.gguf');
  copyFileSync((await tinyModel()).path, model);
  return { db, model };
}

describe('selfalign models and sample', () => {
  it('writes the tiny model, registers it with a preset and reads its header', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    const out = path.join(dir, 'tiny.gguf');
    const written = await selfalign(['tiny-model', out, '--seed', '1', '--json']);
    expect(written.stderr).toBe('');
    const info = JSON.parse(written.stdout) as { sha256: string; parameterCount: number };
    expect(info.sha256).toBe((await tinyModel()).sha256);

    const added = await selfalign([
      'models',
      'add',
      'gguf',
      out,
      '--preset',
      'llama-3-8b-instruct',
      '--temperature',
      '0.7',
      '--db',
      db,
    ]);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(
      'Registered model "tiny" (gguf), sampling: temperature 0.7, top-k 50, top-p 0.9 (preset llama-3-8b-instruct)',
    );
    const [record] = JSON.parse((await selfalign(['models', 'list', '--json', '--db', db])).stdout) as {
      name: string;
      info: Record<string, unknown>;
    }[];
    expect(record!.info).toMatchObject({
      architecture: 'llama',
      parameterCount: info.parameterCount,
      quantisation: 'ALL_F32',
      contextLength: 2048,
      sha256: info.sha256,
    });
    expect(record!.info.chatTemplate).toContain('<|im_start|>');
  });

  it('prompt --model prints the prompt exactly as a local model receives it, through its chat template', async () => {
    const { db, model } = await withTinyModel(tempDir());
    await selfalign(['models', 'add', 'gguf', model, '--name', 'tiny', '--db', db]);
    const plain = await selfalign(['prompt', '--probe', 'Q1', '--db', db]);
    const rendered = await selfalign(['prompt', '--probe', 'Q1', '--model', 'tiny', '--db', db]);
    expect(rendered.code).toBe(0);
    expect(rendered.stderr).toMatch(/^tiny receives \d+ tokens, rendered by the GGUF file's chat template:\n$/);
    // The tiny model's template: ChatML, the text of the user message inside it, the assistant's turn begun.
    expect(rendered.stdout).toContain(`user\n${plain.stdout.trimEnd()}<|im_end|>`);
    expect(rendered.stdout.trimEnd().endsWith('assistant')).toBe(true);
    const json = JSON.parse(
      (await selfalign(['prompt', '--probe', 'Q1', '--model', 'tiny', '--json', '--db', db])).stdout,
    ) as { rendered: { chat: boolean; tokens: number; text: string } };
    expect(json.rendered.chat).toBe(true);
    expect(json.rendered.text).toBe(rendered.stdout.slice(0, -1));
  });

  it('samples one probe three ways on the tiny model in llama.cpp', async () => {
    const { db, model } = await withTinyModel(tempDir());
    await selfalign(['models', 'add', 'gguf', model, '--name', 'tiny', '--preset', 'llama-3-8b-instruct', '--db', db]);
    type Result = {
      estimator: string;
      option1: number;
      option2: number;
      invalid: number;
      tokenEvaluations: number;
      promptTokens: number;
      wallMs: number;
      llamaMs?: number;
      backend: { backend: string; threads: number };
    };
    const sampleQ1 = ['sample', '--model', 'tiny', '--probe', 'Q1'];
    const sample = async (mode: string): Promise<Result> => {
      const result = await selfalign([...sampleQ1, '--mode', mode, '--n', '300', ...ON_CPU, '--json', '--db', db]);
      expect(result.stderr).toBe('');
      const { distribution, backend } = JSON.parse(result.stdout) as {
        distribution: Omit<Result, 'backend'>;
        backend: Result['backend'];
      };
      return { ...distribution, backend };
    };
    const [sampled, tree, exact] = [await sample('sampled'), await sample('tree'), await sample('exact')];
    for (const r of [sampled, tree, exact]) {
      expect(r.option1 + r.option2 + r.invalid).toBeCloseTo(1, 3);
      expect(r.backend.backend).toBe('cpu');
      expect(r.backend.threads).toBe(1);
      expect(r.promptTokens).toBeGreaterThan(20);
      expect(r.llamaMs! > 0 && r.llamaMs! <= r.wallMs).toBe(true);
    }
    expect(Math.abs(tree.option2 - exact.option2)).toBeLessThan(0.1);
    expect(Math.abs(sampled.option2 - exact.option2)).toBeLessThan(0.1);
    expect(tree.tokenEvaluations).toBeLessThan(sampled.tokenEvaluations);

    const table = await selfalign([...sampleQ1, '--mode', 'tree', '--n', '100', ...ON_CPU, '--db', db]);
    expect(table.stdout).toMatch(/option 1 "important": [\d.]+%\s+option 2 "unimportant": [\d.]+%\s+invalid: [\d.]+%/);
    expect(table.stdout).toMatch(/Backend: cpu, 0 of \d+ layers on the GPU, 1 CPU thread\./);
    expect(table.stdout).toMatch(
      /Token evaluations after the prompt: \d+ \(prompt: \d+ tokens\), \d+ ms, \d+ ms of it inside llama\.cpp\./,
    );

    const noSurvey = await selfalign([...sampleQ1, '--strategy', 'chrf-all', '--db', db]);
    expect(noSurvey.stderr).toContain('name the survey import with --survey');
  });

  it('explains a missing, truncated or foreign model file, an unknown model and an unknown preset', async () => {
    const dir = tempDir();
    const { db, model } = await withTinyModel(dir);
    const missing = await selfalign(['models', 'add', 'gguf', path.join(dir, 'nope.gguf'), '--db', db]);
    expect(missing.stderr).toContain('there is no model file at');
    const foreign = path.join(dir, 'model.bin');
    writeFileSync(foreign, 'PK\u0003\u0004 not a model');
    expect((await selfalign(['models', 'add', 'gguf', foreign, '--db', db])).stderr).toContain('not a GGUF model');
    const damaged = path.join(dir, 'damaged.gguf');
    writeFileSync(damaged, 'GGUF but nothing after the magic bytes');
    expect((await selfalign(['models', 'add', 'gguf', damaged, '--db', db])).stderr).toContain('its header is not one');
    const truncated = path.join(dir, 'half.gguf');
    copyFileSync(model, truncated);
    truncateSync(truncated, Math.floor(readFileSync(model).length / 2));
    expect((await selfalign(['models', 'add', 'gguf', truncated, '--db', db])).stderr).toMatch(
      /shorter than its header says|header cannot be read/,
    );
    expect((await selfalign(['models', 'add', 'gguf', model, '--preset', 'gpt-9', '--db', db])).stderr).toContain(
      'there is no preset "gpt-9"',
    );
    expect(
      (await selfalign(['sample', '--model', 'ghost', '--survey', 'x', '--probe', 'Q1', '--db', db])).stderr,
    ).toContain('there is no model named "ghost"');
    expect((await addOpenAIModel(db, 'm', 'ftp://x')).stderr).toContain('is not an http(s) URL');
    expect(
      (await addOpenAIModel(db, 'm', 'http://127.0.0.1:1/v1', ['--concurrency-per-server', '0'])).stderr,
    ).toContain('--concurrency-per-server must be a positive whole number, got "0"');
  });

  it('downloads a model from a server, resuming nothing when it is complete', async () => {
    const dir = tempDir();
    const source = (await tinyModel()).path;
    const server = await startFakeModelServer();
    try {
      server.serveFile('/models/tiny.gguf', source);
      const result = await selfalign(['models', 'download', `${server.url}/models/tiny.gguf`, '--dir', dir, '--json']);
      expect(result.stderr).toBe('');
      const downloaded = JSON.parse(result.stdout) as { path: string; sha256: string };
      expect(downloaded.sha256).toBe((await tinyModel()).sha256);
      expect(readFileSync(downloaded.path).equals(readFileSync(source))).toBe(true);
      const missing = await selfalign(['models', 'download', `${server.url}/models/missing.gguf`, '--dir', dir]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('missing.gguf');
    } finally {
      await server.close();
    }
  });

  it('samples an OpenAI-compatible model, and a wrong API key is one clear error with no retry storm', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'w.sqlite');
    const server = await startFakeOpenAIServer({
      texts: ['important', 'Unimportant.', 'important', 'I cannot say'],
      apiKey: 'right-key',
    });
    try {
      await addOpenAIModel(db, 'llama-3-8b', server.url, [
        '--api-key-env',
        'TEST_KEY',
        '--concurrency-per-server',
        '8',
        '--name',
        'served',
      ]);
      expect(JSON.parse((await selfalign(['models', 'list', '--json', '--db', db])).stdout)).toEqual([
        expect.objectContaining({ name: 'served', concurrencyPerServer: 8 }),
      ]);
      expect((await selfalign(['models', 'list', '--db', db])).stdout).toContain('(8 at once each)');
      const args = ['sample', '--model', 'served', '--probe', 'Q1', '--n', '8', '--json', '--db', db];
      const ok = await selfalign(args, { TEST_KEY: 'right-key' });
      expect(ok.stderr).toBe('');
      expect(JSON.parse(ok.stdout).distribution).toMatchObject({
        estimator: 'sampled',
        n: 8,
        option1: 0.5,
        option2: 0.25,
        invalid: 0.25,
      });

      const before = server.requests.length;
      const wrong = await selfalign(args, { TEST_KEY: 'wrong-key' });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('the API key was refused');
      expect(wrong.stderr).toContain('served');
      expect(wrong.stderr).not.toContain('wrong-key');
      expect(server.requests.length - before).toBe(1);

      const tree = await selfalign([...args.slice(0, -3), '--mode', 'tree', '--db', db], { TEST_KEY: 'right-key' });
      expect(tree.stderr).toContain('the tree estimator needs a local GGUF model');
      const unset = await selfalign(args, {});
      expect(unset.stderr).toContain('TEST_KEY');
    } finally {
      await server.close();
    }
  });

  it('samples exact in chat where the server continues a begun answer, and warns before sending the plain prompt where it does not', async () => {
    const db = path.join(tempDir(), 'w.sqlite');
    const nextTokens = oneTokenAnswer(0.8, 0.2);
    const vllm = await startFakeOpenAIServer({ nextTokens });
    const openai = await startFakeOpenAIServer({ nextTokens, rejectParams: ['continue_final_message'] });
    try {
      for (const [name, server] of [
        ['vllm', vllm],
        ['openai', openai],
      ] as const) {
        await addOpenAIModel(db, 'm', server.url, ['--name', name]);
      }
      const sample = (model: string) =>
        selfalign(['sample', '--model', model, '--probe', 'Q1', '--mode', 'exact', '--json', '--db', db]);
      const chat = await sample('vllm');
      expect(chat.stderr).toBe('');
      expect(JSON.parse(chat.stdout)).toMatchObject({
        chat: true,
        warnings: [],
        distribution: { option1: expect.closeTo(0.8, 10) },
      });
      expect(vllm.requests.every((r) => r.path === '/v1/chat/completions')).toBe(true);

      const plain = await sample('openai');
      expect(plain.stderr).toMatch(/^warning: .*"openai".*plain prompt through the completions endpoint/);
      expect(JSON.parse(plain.stdout)).toMatchObject({
        chat: false,
        distribution: { option1: expect.closeTo(0.8, 10) },
      });
      expect(openai.requests.slice(1).every((r) => r.path === '/v1/completions')).toBe(true);
    } finally {
      await vllm.close();
      await openai.close();
    }
  });
});
