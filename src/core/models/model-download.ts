// Downloads GGUF model files from Hugging Face (`hf:user/repo:Q4_K_M`, `hf:user/repo/path/file.gguf`) or a plain
// http(s) URL through node-llama-cpp's downloader (ipull underneath): progress, cancellation that keeps the
// partial file, and resume of that file on the next call. Everything outside the program that can go wrong (404,
// no server, a connection that breaks for good, a file that is not GGUF) becomes a UserError.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { createModelDownloader, type ModelDownloader, type ModelDownloaderOptions } from 'node-llama-cpp';
import { cancellationError, throwIfCancelled } from '../cancellation.js';
import { UserError } from '../errors.js';

export interface DownloadProgress {
  /**
   * Never decreases within one call, and equals totalBytes only once the file is whole; a resumed download
   * starts at what the partial file already holds.
   */
  downloadedBytes: number;
  totalBytes: number;
  /** Over the last few seconds of this call; 0 until bytes have arrived. */
  bytesPerSecond: number;
  /** Infinity while the rate is unknown. */
  etaSeconds: number;
}

export interface DownloadModelOptions {
  /** Folder the model file is saved in (created if missing); the partial file of a stopped download stays here. */
  dir: string;
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels the download; the partial file is kept, so the next call with the same URI resumes it. */
  signal?: AbortSignal;
  /** Extra request headers, e.g. `Authorization: Bearer hf_...` for gated repositories. */
  headers?: Record<string, string>;
  /**
   * Where `hf:` URIs are resolved (default: node-llama-cpp's, i.e. MODEL_ENDPOINT, then HF_ENDPOINT, then
   * https://huggingface.co/). A mirror, or a loopback fake in tests.
   */
  huggingFaceEndpoint?: string;
  /**
   * How long the download may go without a new byte before it is given up as interrupted (ipull itself retries
   * a broken connection for many minutes, which looks like a hang). Also the limit for the server's first answer.
   */
  stallTimeoutMs?: number;
}

export interface DownloadedModel {
  /** The model file (for a model split into parts, the first part, which is what llama.cpp loads). */
  path: string;
  bytes: number;
  sha256: string;
  /** A partial file of an earlier call was there and this call completed it. */
  resumed: boolean;
}

const DEFAULT_STALL_TIMEOUT_MS = 60_000;
/** Progress callbacks at most this often: ipull reports every network read, thousands a second. */
const PROGRESS_INTERVAL_MS = 100;
/** The rate is measured over this window, so the ETA follows a connection that speeds up or slows down. */
const RATE_WINDOW_MS = 10_000;
const GGUF_MAGIC = 'GGUF';
const DEFAULT_HF_ENDPOINT = 'https://huggingface.co/';

type UriKind = 'hf' | 'url';

/**
 * Downloads the model at `uri` into `options.dir` and returns where it is, its size and SHA-256. A file that is
 * already there in full is not downloaded again; a partial file left by a cancelled or interrupted call is
 * resumed with HTTP Range requests.
 */
export async function downloadModel(uri: string, options: DownloadModelOptions): Promise<DownloadedModel> {
  const { signal } = options;
  const kind = classifyUri(uri);
  const stallTimeoutMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  throwIfCancelled(signal);
  await mkdir(options.dir, { recursive: true }).catch((error: unknown) => {
    throw fileSystemFailure(error, options.dir) ?? error;
  });

  await preflight(uri, kind, options, stallTimeoutMs);

  const progress = new ProgressReporter(options.onProgress);
  const downloaderOptions: ModelDownloaderOptions = {
    modelUri: uri,
    dirPath: options.dir,
    // The partial file is what makes the next call resume, so a cancel must not delete it.
    deleteTempFileOnCancel: false,
    skipExisting: true,
    showCliProgress: false,
    onProgress: (status) => progress.update(status.downloadedSize, status.totalSize),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.huggingFaceEndpoint ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
  };
  const downloader = await createDownloader(uri, downloaderOptions, stallTimeoutMs, signal);
  const existedBefore = await existingFiles(downloader);
  const resumed = await partialFilesExist(downloader);

  const inner = new AbortController();
  const onAbort = (): void => inner.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let stalled = false;
  const monitor = setInterval(
    () => {
      if (performance.now() - progress.lastAdvanceAt < stallTimeoutMs) return;
      stalled = true;
      inner.abort();
    },
    Math.max(10, Math.min(1000, stallTimeoutMs / 4)),
  );
  let failure: unknown;
  try {
    progress.start();
    await downloader.download({ signal: inner.signal });
  } catch (error) {
    if (!inner.signal.aborted) failure = error;
  } finally {
    clearInterval(monitor);
    signal?.removeEventListener('abort', onAbort);
  }

  if (inner.signal.aborted || failure !== undefined) {
    // node-llama-cpp starts its cancel without awaiting it, and a failed download may not have closed at all;
    // closing is idempotent, and must be done before the partial file is looked at.
    await downloader.cancel({ deleteTempFile: false });
    await restorePartialFiles(downloader, existedBefore);
    throwIfCancelled(signal);
    if (stalled) throw interrupted(uri, `no data arrived for ${formatSeconds(stallTimeoutMs)}`);
    throw (
      httpFailure(failure, uri) ??
      fileSystemFailure(failure, options.dir) ??
      interrupted(uri, reasonOf(failure), failure)
    );
  }

  // A model split into parts is several files; each must be whole (a server that sent no size is taken at its word).
  for (const { filePath, totalSize } of downloader.filesInfo) {
    const size = await sizeOf(filePath);
    if (size === undefined || (totalSize > 0 && size !== totalSize)) {
      await restorePartialFiles(downloader, existedBefore);
      throw interrupted(uri, 'the server ended the transfer early');
    }
  }
  const file = downloader.entrypointFilePath;
  const size = (await sizeOf(file)) ?? 0;
  await assertGguf(file, uri);
  progress.finish(size);
  return { path: file, bytes: size, sha256: await sha256File(file), resumed };
}

/**
 * ipull keeps a partial download in "<file>.ipull": the bytes at their places, then its progress record (JSON)
 * after the last byte; that record is what lets the next call resume.
 */
const PARTIAL_SUFFIX = '.ipull';

async function sizeOf(file: string): Promise<number | undefined> {
  return stat(file).then(
    (s) => s.size,
    () => undefined,
  );
}

async function existingFiles(downloader: ModelDownloader): Promise<Set<string>> {
  const existing = new Set<string>();
  for (const { filePath } of downloader.filesInfo) if ((await sizeOf(filePath)) !== undefined) existing.add(filePath);
  return existing;
}

async function partialFilesExist(downloader: ModelDownloader): Promise<boolean> {
  for (const { filePath } of downloader.filesInfo)
    if ((await sizeOf(filePath + PARTIAL_SUFFIX)) !== undefined) return true;
  return false;
}

/**
 * ipull counts every finished chunk as a full 5 MiB, the short last one too, so a download that has the last
 * chunk but not all the others can look 100% done; closing it then renames the partial file to the model's name.
 * A file that appeared during this call without its expected size is such a partial: it goes back to its partial
 * name, so the next call resumes it and nothing half-written is ever taken for the model.
 */
async function restorePartialFiles(downloader: ModelDownloader, existedBefore: Set<string>): Promise<void> {
  for (const { filePath, totalSize } of downloader.filesInfo) {
    if (existedBefore.has(filePath)) continue;
    const size = await sizeOf(filePath);
    if (size === undefined || size === totalSize) continue;
    await rename(filePath, filePath + PARTIAL_SUFFIX);
  }
}

function classifyUri(uri: string): UriKind {
  if (/^(hf|huggingface):/i.test(uri)) return 'hf';
  if (/^https?:\/\//i.test(uri)) {
    try {
      new URL(uri);
      return 'url';
    } catch {
      // Falls through to the message below.
    }
  }
  throw new UserError(
    'invalid-model-uri',
    `"${uri}" is not a model address. Use hf:user/repository:QUANT (e.g. hf:bartowski/Meta-Llama-3-8B-Instruct-GGUF:Q4_K_M), ` +
      'hf:user/repository/file.gguf, or an http(s):// URL of a .gguf file.',
  );
}

/**
 * One quick request before the downloader starts: ipull retries a refused connection for many minutes with no
 * way to stop it before the download begins, so an unreachable server must be caught here. For a plain URL it
 * also turns 404 and 401/403 into clear errors; for `hf:` it checks that the Hub (or the mirror) answers.
 */
async function preflight(uri: string, kind: UriKind, options: DownloadModelOptions, timeoutMs: number): Promise<void> {
  const target = kind === 'url' ? uri : huggingFaceEndpoint(options.huggingFaceEndpoint);
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'HEAD',
      redirect: 'follow',
      ...(options.headers ? { headers: options.headers } : {}),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
  } catch (error) {
    throwIfCancelled(options.signal);
    const host = new URL(target).host;
    const why = timeout.aborted ? `no answer within ${formatSeconds(timeoutMs)}` : reasonOf(error);
    throw new UserError(
      'model-server-unreachable',
      `Cannot reach ${host} to download ${uri} (${why}). Check the address and the internet connection, then try again.`,
    );
  }
  await response.body?.cancel();
  if (kind === 'url') {
    const failure = statusFailure(response.status, uri);
    if (failure) throw failure;
  }
}

/** node-llama-cpp's own order: the option, then MODEL_ENDPOINT, then HF_ENDPOINT, then the Hub. */
function huggingFaceEndpoint(option: string | undefined): string {
  for (const candidate of [option, process.env.MODEL_ENDPOINT, process.env.HF_ENDPOINT]) {
    if (candidate && /^https?:\/\//i.test(candidate)) return candidate;
  }
  return DEFAULT_HF_ENDPOINT;
}

/**
 * createModelDownloader resolves `hf:` URIs and asks the server for the file's size, with retries that cannot be
 * cancelled; it is raced against the signal and the stall timeout, and released if it finishes after all.
 */
async function createDownloader(
  uri: string,
  options: ModelDownloaderOptions,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ModelDownloader> {
  const creating = createModelDownloader(options);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new UserError(
          'model-server-unreachable',
          `The server for ${uri} did not answer within ${formatSeconds(timeoutMs)}. Try again later.`,
        ),
      );
    }, timeoutMs);
    if (signal) {
      onAbort = () => reject(cancellationError(signal));
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([creating, gaveUp]);
  } catch (error) {
    creating.then(
      (late) => void late.cancel({ deleteTempFile: false }),
      () => undefined,
    );
    throwIfCancelled(signal);
    if (error instanceof UserError) throw error;
    throw (
      httpFailure(error, uri) ?? resolveFailure(error, uri) ?? fileSystemFailure(error, options.dirPath ?? '') ?? error
    );
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The errors node-llama-cpp raises while resolving an `hf:` URI, in words for the user. */
function resolveFailure(error: unknown, uri: string): UserError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Cannot get quantization/.test(message)) {
    return new UserError(
      'model-not-found',
      `Hugging Face has no such model or quantization: ${uri}. Check the repository name and the quantization ` +
        '(e.g. Q4_K_M, Q8_0) on the repository page.',
    );
  }
  if (/^Invalid Hugging Face URI/.test(message)) {
    return new UserError(
      'invalid-model-uri',
      `"${uri}" is not a valid Hugging Face address; use hf:user/repository:QUANT.`,
    );
  }
  if (/^(Failed to fetch manifest|Invalid manifest)/.test(message)) {
    return new UserError('model-server-unreachable', `Hugging Face could not resolve ${uri}: ${message}`);
  }
  return undefined;
}

/** ipull's StatusCodeError (not imported: ipull is node-llama-cpp's dependency, not ours) carries `statusCode`. */
function httpFailure(error: unknown, uri: string): UserError | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status !== 'number') return undefined;
  const url = (error as { url?: unknown }).url;
  return (
    statusFailure(status, typeof url === 'string' ? url : uri) ??
    new UserError('download-failed', `The server answered ${status} for ${uri}.`)
  );
}

function statusFailure(status: number, url: string): UserError | undefined {
  if (status === 404 || status === 410) {
    return new UserError('model-not-found', `There is no file at ${url} (HTTP ${status}). Check the address.`);
  }
  if (status === 401 || status === 403) {
    return new UserError(
      'model-access-denied',
      `The server refused access to ${url} (HTTP ${status}). A gated model needs an access token (e.g. HF_TOKEN) ` +
        'from an account that has accepted its licence.',
    );
  }
  return undefined;
}

function fileSystemFailure(error: unknown, dir: string): UserError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC')
    return new UserError('disk-full', `The disk is full; the model does not fit in ${dir}.`, { file: dir });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new UserError('folder-not-writable', `Cannot write the model into ${dir} (${String(code)}).`, { file: dir });
  }
  return undefined;
}

/** `cause` keeps the original error, in case a "broken connection" was in fact a bug in the downloader. */
function interrupted(uri: string, why: string, cause?: unknown): UserError {
  // No byte counts in the message: ipull's can overstate (see restorePartialFiles).
  const error = new UserError(
    'download-interrupted',
    `The download of ${uri} broke off before the end (${why}). The part downloaded so far is kept; run the ` +
      'download again to resume it.',
  );
  if (cause !== undefined) error.cause = cause;
  return error;
}

/** A file that is not GGUF (an HTML error page, a safetensors file) is removed, so it is never loaded as a model. */
async function assertGguf(file: string, uri: string): Promise<void> {
  const head = Buffer.alloc(4);
  const handle = await open(file, 'r');
  let read: number;
  try {
    ({ bytesRead: read } = await handle.read(head, 0, 4, 0));
  } finally {
    await handle.close();
  }
  if (read === 4 && head.toString('latin1') === GGUF_MAGIC) return;
  await unlink(file).catch(() => undefined);
  const seen = head
    .subarray(0, read)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '?');
  throw new UserError(
    'not-a-gguf-model',
    `What ${uri} sent is not a GGUF model (it starts with "${seen}" instead of "GGUF"), so it was deleted. ` +
      'Point to a .gguf file; on Hugging Face, the repositories whose names end in -GGUF hold them.',
    { file },
  );
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Turns ipull's progress into ours: the count never goes back (ipull's does, when a broken stream restarts its
 * chunk), the rate is this call's own (ipull divides by ten seconds even in the first second), and callbacks are
 * spaced out. It also remembers when the count last grew, for the stall watch.
 */
class ProgressReporter {
  downloadedBytes = 0;
  totalBytes = 0;
  lastAdvanceAt = performance.now();
  private lastEmitAt = -Infinity;
  private lastEmitted = -1;
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly onProgress: ((progress: DownloadProgress) => void) | undefined) {}

  start(): void {
    this.lastAdvanceAt = performance.now();
  }

  update(downloaded: number, total: number): void {
    const now = performance.now();
    if (total > 0) this.totalBytes = total;
    // ipull's count can reach the total with a chunk still missing (see restorePartialFiles); the total is
    // reported only by finish(), once the file is known to be whole.
    const capped = this.totalBytes > 0 ? Math.min(downloaded, this.totalBytes - 1) : downloaded;
    // While the count is stuck at the total it cannot show the bytes still arriving, so every report counts as
    // a sign of life then; only silence (a dead or refused connection) trips the stall watch.
    const pinned = this.totalBytes > 0 && downloaded >= this.totalBytes;
    if (capped > this.downloadedBytes || pinned) {
      this.downloadedBytes = Math.max(this.downloadedBytes, capped);
      this.lastAdvanceAt = now;
    }
    // One sample per interval is enough for the rate, and keeps the window short for multi-gigabyte files.
    const last = this.samples.at(-1);
    if (!last || now - last.at >= PROGRESS_INTERVAL_MS) this.samples.push({ at: now, bytes: this.downloadedBytes });
    while (this.samples.length > 2 && (this.samples[1]?.at ?? now) < now - RATE_WINDOW_MS) this.samples.shift();
    if (now - this.lastEmitAt >= PROGRESS_INTERVAL_MS) this.emit(now);
  }

  finish(bytes: number): void {
    this.totalBytes = bytes;
    this.downloadedBytes = bytes;
    if (this.lastEmitted !== bytes) this.emit(performance.now());
  }

  private emit(now: number): void {
    if (!this.onProgress) return;
    this.lastEmitAt = now;
    this.lastEmitted = this.downloadedBytes;
    const first = this.samples[0];
    const seconds = first ? (now - first.at) / 1000 : 0;
    const bytesPerSecond = first && seconds > 0 ? (this.downloadedBytes - first.bytes) / seconds : 0;
    const remaining = Math.max(0, this.totalBytes - this.downloadedBytes);
    const etaSeconds = remaining === 0 ? 0 : bytesPerSecond > 0 ? remaining / bytesPerSecond : Infinity;
    this.onProgress({ downloadedBytes: this.downloadedBytes, totalBytes: this.totalBytes, bytesPerSecond, etaSeconds });
  }
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici hides the useful part (ECONNREFUSED, "other side closed") in the cause.
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
