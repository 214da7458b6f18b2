// Model downloads through node-llama-cpp's real downloader against a loopback file server: full transfer, progress,
// resume of a partial file with Range requests (after a broken connection and after a cancel), the user's errors
// (404, no server, not GGUF, bad address), and `hf:` URIs resolved through a fake Hugging Face endpoint.

import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../cancellation.js';
import { UserError } from '../errors.js';
import { refusedUrl } from '../../testing/fake-openai-server.js';
import { startFakeModelServer, type FakeModelServer, type ServedRequest } from '../../testing/fake-model-server.js';
import { rejection } from '../../testing/rejection.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { tinyModelPath } from '../../testing/tiny-model.js';
import { downloadModel, sha256File, type DownloadProgress } from './model-download.js';

const MiB = 1024 * 1024;
/**
 * ipull (under node-llama-cpp) saves a partial download in whole 5 MiB chunks, so resuming somewhere other than
 * byte 0 needs a file of several chunks: the tiny model, repeated to a bit over two chunks.
 */
const BIG_SIZE = 11 * MiB + 1234;

let tiny: { path: string; size: number; sha256: string; bytes: Buffer };
let big: { path: string; size: number; sha256: string };
let fixtures: string;

beforeAll(async () => {
  const tinyPath = await tinyModelPath();
  const bytes = await readFile(tinyPath);
  tiny = { path: tinyPath, size: bytes.length, sha256: await sha256File(tinyPath), bytes };
  fixtures = mkdtempSync(path.join(os.tmpdir(), 'selfalign-download-fixtures-'));
  const repeated = Buffer.alloc(BIG_SIZE);
  for (let offset = 0; offset < BIG_SIZE; offset += bytes.length) bytes.copy(repeated, offset);
  big = { path: path.join(fixtures, 'big.gguf'), size: BIG_SIZE, sha256: '' };
  await writeFile(big.path, repeated);
  big.sha256 = await sha256File(big.path);
});

afterAll(() => {
  if (fixtures) rmSync(fixtures, { recursive: true, force: true });
});

const tempDir = useTempDir('selfalign-download-');
let server: FakeModelServer;

beforeEach(async () => {
  server = await startFakeModelServer();
});

afterEach(async () => {
  await server.close();
});

/** Requests that fetched file data (ipull's first, unranged GET only reads the headers). */
function rangedGets(requests: ServedRequest[]): ServedRequest[] {
  return requests.filter((r) => r.method === 'GET' && r.range !== undefined && r.start !== undefined);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function partialFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.ipull'));
}

/**
 * After a download of big.gguf into `dir` stopped part-way: ipull's partial file is there and the model is not. Then
 * the server is healed and the download run again; returns its result and the ranged GETs it made.
 */
async function resumeBig(dir: string, url: string) {
  await expect(stat(path.join(dir, 'big.gguf'))).rejects.toThrow();
  expect(await partialFiles(dir)).toEqual(['big.gguf.ipull']);
  server.heal();
  const mark = server.requests.length;
  const result = await downloadModel(url, { dir });
  return { result, resumed: rangedGets(server.requestsSince(mark)) };
}

const userError = (promise: Promise<unknown>): Promise<UserError> => rejection(promise, UserError);

describe('downloadModel from a URL', () => {
  it('downloads the whole file, reports progress up to the total, and does not download it twice', async () => {
    server.serveFile('/tiny.gguf', tiny.path);
    const dir = tempDir();
    const progress: DownloadProgress[] = [];
    const result = await downloadModel(`${server.url}/tiny.gguf`, { dir, onProgress: (p) => progress.push(p) });

    expect(result).toEqual({
      path: path.join(dir, 'tiny.gguf'),
      bytes: tiny.size,
      sha256: tiny.sha256,
      resumed: false,
    });
    expect((await readFile(result.path)).equals(tiny.bytes)).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.downloadedBytes).toBeGreaterThanOrEqual(progress[i - 1]!.downloadedBytes);
    }
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ downloadedBytes: tiny.size, totalBytes: tiny.size, etaSeconds: 0 });
    expect(await partialFiles(dir)).toEqual([]);

    const mark = server.requests.length;
    const again = await downloadModel(`${server.url}/tiny.gguf`, { dir });
    expect(again).toEqual(result);
    expect(rangedGets(server.requestsSince(mark))).toEqual([]);
  });

  it('picks a single dropped connection up again within the same call, with a Range request', async () => {
    server.serveFile('/tiny.gguf', tiny.path);
    server.dropNextAfter(Math.min(MiB, Math.floor(tiny.size / 2)));
    const dir = tempDir();
    const result = await downloadModel(`${server.url}/tiny.gguf`, { dir });

    expect(result.sha256).toBe(tiny.sha256);
    const gets = rangedGets(server.requests);
    expect(gets.filter((r) => r.cut)).toHaveLength(1);
    expect(gets.length).toBeGreaterThan(1);
  });

  it('gives up on a connection that keeps breaking with a UserError, keeps the partial file, and resumes it next time', async () => {
    server.serveFile('/big.gguf', big.path);
    // Inside the second chunk, early: with the first and the short last chunk done, ipull's count (which takes
    // every finished chunk as a full 5 MiB) stays below the total, so the stall watch can see the retries fail.
    server.breakAt(5.5 * MiB);
    const dir = tempDir();
    const url = `${server.url}/big.gguf`;

    // Long enough that a busy machine does not pass for a dead connection while the first chunks arrive.
    const error = await userError(downloadModel(url, { dir, stallTimeoutMs: 750 }));
    expect(error.code).toBe('download-interrupted');
    expect(error.message).toContain(url);
    expect(error.message).toContain('run the download again');
    expect(server.requests.some((r) => r.cut)).toBe(true);

    const { result, resumed } = await resumeBig(dir, url);
    expect(result).toEqual({ path: path.join(dir, 'big.gguf'), bytes: big.size, sha256: big.sha256, resumed: true });
    expect(resumed.length).toBeGreaterThan(0);
    // The first chunk was saved before the break, so nothing starts at byte 0 again. (No byte count here: a
    // retry the first call had already scheduled may still reach the server and be counted.)
    for (const request of resumed) {
      expect(request.range).toMatch(/^bytes=[1-9]\d*-\d*$/);
      expect(request.start).toBeGreaterThan(0);
    }
    expect(await partialFiles(dir)).toEqual([]);
  });

  it('cancels mid-download with a CancelledError, keeps the partial file, and a later call completes it', async () => {
    server.serveFile('/big.gguf', big.path);
    server.throttle(4 * MiB);
    const dir = tempDir();
    const url = `${server.url}/big.gguf`;
    const controller = new AbortController();
    const progress: DownloadProgress[] = [];

    const cancelled = downloadModel(url, {
      dir,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.downloadedBytes >= 4 * MiB) controller.abort();
      },
    });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect(progress.at(-1)!.downloadedBytes).toBeLessThan(big.size);
    expect(progress.some((p) => p.bytesPerSecond > 0 && Number.isFinite(p.etaSeconds))).toBe(true);

    const { result, resumed } = await resumeBig(dir, url);
    expect(result.sha256).toBe(big.sha256);
    expect(result.bytes).toBe(big.size);
    expect(result.resumed).toBe(true);
    expect(resumed.reduce((sum, r) => sum + r.bytesSent, 0)).toBeLessThan(big.size);
  });

  it('keeps a cancelled download partial even when ipull already counts it as complete', async () => {
    server.serveFile('/big.gguf', big.path);
    // Later in the second chunk: the first and the short last chunk done plus 2 MiB of the second make ipull's
    // count reach the total, and closing would rename the partial file to the model's name.
    server.breakAt(7 * MiB);
    const dir = tempDir();
    const url = `${server.url}/big.gguf`;
    const controller = new AbortController();
    const cancelled = downloadModel(url, { dir, signal: controller.signal });
    // Cancel once a retry has broken too, i.e. ipull is stuck on the second chunk.
    for (let i = 0; i < 200 && server.requests.filter((r) => r.cut).length < 2; i++) await sleep(25);
    expect(server.requests.filter((r) => r.cut).length).toBeGreaterThanOrEqual(2);
    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);

    const { result, resumed } = await resumeBig(dir, url);
    expect(result.sha256).toBe(big.sha256);
    for (const request of resumed) expect(request.start).toBeGreaterThan(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    server.serveFile('/tiny.gguf', tiny.path);
    const controller = new AbortController();
    controller.abort();
    await expect(
      downloadModel(`${server.url}/tiny.gguf`, { dir: tempDir(), signal: controller.signal }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(server.requests).toEqual([]);
  });

  it('names the URL in a UserError for a 404', async () => {
    const url = `${server.url}/missing.gguf`;
    const error = await userError(downloadModel(url, { dir: tempDir() }));
    expect(error.code).toBe('model-not-found');
    expect(error.message).toContain(url);
  });

  it('says the server cannot be reached when nothing listens', async () => {
    const url = await refusedUrl('/tiny.gguf');
    const started = performance.now();
    const error = await userError(downloadModel(url, { dir: tempDir() }));
    expect(error.code).toBe('model-server-unreachable');
    expect(error.message).toContain(new URL(url).host);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('deletes a downloaded file that is not GGUF and says so', async () => {
    const page = path.join(tempDir(), 'page.html');
    await writeFile(page, `<!DOCTYPE html><html><body>${'Sign in to continue. '.repeat(200)}</body></html>`);
    server.serveFile('/model.gguf', page);
    const dir = tempDir();
    const error = await userError(downloadModel(`${server.url}/model.gguf`, { dir }));
    expect(error.code).toBe('not-a-gguf-model');
    expect(error.message).toContain('<!DO');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an address that is neither hf: nor http(s)', async () => {
    for (const uri of ['models/tiny.gguf', 'ftp://example.org/tiny.gguf', 'http://']) {
      const error = await userError(downloadModel(uri, { dir: tempDir() }));
      expect(error.code).toBe('invalid-model-uri');
    }
    expect(server.requests).toEqual([]);
  });
});

describe('downloadModel from Hugging Face (hf: URIs against a fake endpoint)', () => {
  beforeEach(() => {
    server.serveHuggingFaceRepo('tester/tiny-GGUF', { 'tiny.Q4_K_M.gguf': tiny.path, 'tiny.Q8_0.gguf': tiny.path });
  });

  it('resolves hf:user/repo:QUANT through the manifest and downloads the file', async () => {
    const dir = tempDir();
    const result = await downloadModel('hf:tester/tiny-GGUF:Q4_K_M', { dir, huggingFaceEndpoint: `${server.url}/` });

    expect(result).toEqual({
      path: path.join(dir, 'hf_tester_tiny.Q4_K_M.gguf'),
      bytes: tiny.size,
      sha256: tiny.sha256,
      resumed: false,
    });
    const manifest = server.requests.find((r) => r.path === '/v2/tester/tiny-GGUF/manifests/Q4_K_M');
    expect(manifest?.headers['user-agent']).toBe('llama-cpp');
    expect(rangedGets(server.requests).every((r) => r.path === '/tester/tiny-GGUF/resolve/main/tiny.Q4_K_M.gguf')).toBe(
      true,
    );
    expect(rangedGets(server.requests).length).toBeGreaterThan(0);
  });

  it('downloads hf:user/repo/file.gguf without asking for a manifest', async () => {
    const dir = tempDir();
    const result = await downloadModel('hf:tester/tiny-GGUF/tiny.Q8_0.gguf', { dir, huggingFaceEndpoint: server.url });

    expect(result.sha256).toBe(tiny.sha256);
    expect(path.basename(result.path)).toBe('hf_tester_tiny.Q8_0.gguf');
    expect(server.requests.some((r) => r.path.startsWith('/v2/'))).toBe(false);
    expect(server.requests.some((r) => r.path === '/tester/tiny-GGUF/resolve/main/tiny.Q8_0.gguf')).toBe(true);
  });

  it('turns an unknown quantization or repository into a UserError', async () => {
    for (const uri of ['hf:tester/tiny-GGUF:Q2_K', 'hf:nobody/nothing-GGUF:Q4_K_M']) {
      const error = await userError(downloadModel(uri, { dir: tempDir(), huggingFaceEndpoint: server.url }));
      expect(error.code).toBe('model-not-found');
      expect(error.message).toContain(uri);
    }
  });

  it('says Hugging Face cannot be reached when the endpoint does not answer', async () => {
    const endpoint = await refusedUrl('/');
    const error = await userError(
      downloadModel('hf:tester/tiny-GGUF:Q4_K_M', { dir: tempDir(), huggingFaceEndpoint: endpoint }),
    );
    expect(error.code).toBe('model-server-unreachable');
  });
});
