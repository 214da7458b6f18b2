// A loopback file server for testing model downloads without the internet: files with Content-Length, HEAD,
// single-range requests (206 + Content-Range), 404 for unknown paths, and the two Hugging Face routes that
// node-llama-cpp uses to resolve `hf:` URIs (the v2 manifest and /resolve/). Faults are scripted (a throttle, a
// one-off dropped connection, a break at a fixed byte that lasts until healed) and every request is recorded.

import { open } from 'node:fs/promises';
import { statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it, and what it sent back. */
export interface ServedRequest {
  method: string;
  /** Path without the query string, decoded as sent (e.g. /tester/tiny-GGUF/resolve/main/tiny.Q4_K_M.gguf). */
  path: string;
  query: string;
  headers: http.IncomingHttpHeaders;
  /** The Range header as sent, if any (e.g. "bytes=5242880-10485759"). */
  range?: string;
  /** The first byte of the file this answer covered; undefined for answers that were not a file. */
  start?: number;
  status: number;
  /** Body bytes handed to the socket so far. */
  bytesSent: number;
  /** The connection was cut on purpose (a scripted fault) before the body was complete. */
  cut: boolean;
  /** performance.now() when the request arrived. */
  receivedAt: number;
}

/** The files of one Hugging Face repository: repository path of each file → file on disk. */
export type FakeRepoFiles = Record<string, string>;

export interface FakeModelServer {
  /** http://127.0.0.1:PORT, without a trailing slash. */
  readonly url: string;
  readonly requests: ServedRequest[];
  /** Serves the file on disk at this URL path (e.g. /tiny.gguf). Its size is taken now; do not change the file. */
  serveFile(urlPath: string, filePath: string): void;
  /**
   * A Hugging Face repository ("user/model"): `GET /v2/user/model/manifests/TAG` answers like the Hub (the file
   * whose name contains the quantization TAG; "latest" prefers Q4_K_M, then the first file), and
   * `/user/model/resolve/BRANCH/PATH` serves the files.
   */
  serveHuggingFaceRepo(repo: string, files: FakeRepoFiles): void;
  /** At most this many body bytes per second on each response, or undefined for full speed. */
  throttle(bytesPerSecond: number | undefined): void;
  /**
   * The next ranged file response longer than this is cut after this many body bytes; one time only. Unranged
   * GETs are left alone: ipull sends one first only to read the headers.
   */
  dropNextAfter(bytes: number): void;
  /**
   * From now until `heal()`, every response whose bytes include this file offset sends the bytes before it and
   * then loses its connection: a fault the client's own retries cannot get past, so a download must give up and
   * resume later.
   */
  breakAt(offset: number): void;
  /** Removes every fault (throttle, pending drop, break). */
  heal(): void;
  /** Requests recorded since `mark` (an index into `requests`, e.g. `requests.length` before a call). */
  requestsSince(mark: number): ServedRequest[];
  close(): Promise<void>;
}

/** Small enough that a throttle paces smoothly, large enough that an unthrottled file goes out quickly. */
const SLICE_BYTES = 64 * 1024;

interface ServedFile {
  path: string;
  size: number;
}

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const files = new Map<string, ServedFile>();
  const repos = new Map<string, Map<string, ServedFile>>();
  const requests: ServedRequest[] = [];
  let bytesPerSecond: number | undefined;
  let dropAfter: number | undefined;
  let breakOffset: number | undefined;
  let closed = false;
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const fileAt = (filePath: string): ServedFile => ({ path: filePath, size: statSync(filePath).size });

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (closed || ms <= 0) return resolve();
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          resolve();
        }, ms),
        resolve,
      };
      sleepers.add(sleeper);
    });

  /** Resolves when the slice is handed to the kernel; false when the connection went away first. */
  const writeSlice = (res: http.ServerResponse, chunk: Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed) return resolve(false);
      const onClose = (): void => resolve(false);
      res.once('close', onClose);
      res.write(chunk, (error) => {
        res.off('close', onClose);
        resolve(!error);
      });
    });

  const sendJson = (res: http.ServerResponse, record: ServedRequest, status: number, body: unknown): void => {
    const text = JSON.stringify(body);
    record.status = status;
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(record.method === 'HEAD' ? undefined : text);
  };

  const sendFile = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: ServedRequest,
    file: ServedFile,
  ) => {
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    };
    let start = 0;
    let end = file.size - 1;
    let status = 200;
    if (record.range !== undefined) {
      const range = parseRange(record.range, file.size);
      if (range === 'unsatisfiable') {
        record.status = 416;
        res.writeHead(416, { 'content-range': `bytes */${file.size}`, 'content-length': 0 });
        res.end();
        return;
      }
      if (range) {
        ({ start, end } = range);
        status = 206;
        headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
      }
    }
    headers['content-length'] = end - start + 1;
    record.status = status;
    record.start = start;
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || end < start) {
      res.end();
      return;
    }

    // Where this answer stops on purpose: a scripted one-off drop, or the standing break inside its range.
    let stopAt = end + 1;
    if (dropAfter !== undefined && record.range !== undefined && start + dropAfter <= end) {
      stopAt = start + dropAfter;
      dropAfter = undefined;
    }
    if (breakOffset !== undefined && breakOffset >= start && breakOffset <= end) stopAt = Math.min(stopAt, breakOffset);

    const fh = await open(file.path, 'r');
    try {
      const began = performance.now();
      let position = start;
      while (position < stopAt) {
        const length = Math.min(SLICE_BYTES, stopAt - position);
        const chunk = Buffer.alloc(length);
        await fh.read(chunk, 0, length, position);
        if (!(await writeSlice(res, chunk))) return;
        position += length;
        record.bytesSent += length;
        const rate = bytesPerSecond;
        if (rate !== undefined) await sleep(began + ((position - start) / rate) * 1000 - performance.now());
        if (closed) return;
      }
      if (stopAt <= end) {
        record.cut = true;
        res.socket?.destroy();
        return;
      }
      res.end();
    } finally {
      await fh.close();
    }
  };

  const answerHuggingFace = (record: ServedRequest): ServedFile | { status: number; body: unknown } | undefined => {
    const manifest = /^\/v2\/([^/]+)\/([^/]+)\/manifests\/([^/]+)$/.exec(record.path);
    if (manifest) {
      const [, user, model, tag] = manifest.map((part) => decodeURIComponent(part));
      const repo = repos.get(`${user}/${model}`);
      if (!repo) return { status: 404, body: { error: 'Repository not found' } };
      const names = [...repo.keys()].filter((name) => name.toLowerCase().endsWith('.gguf'));
      const wanted = (tag ?? 'latest').toLowerCase() === 'latest' ? 'q4_k_m' : (tag ?? '').toLowerCase();
      const chosen =
        names.find((name) => name.toLowerCase().includes(wanted)) ??
        ((tag ?? 'latest').toLowerCase() === 'latest' ? names[0] : undefined);
      if (chosen === undefined) {
        return {
          status: 400,
          body: { error: `The specified tag is not a valid quantization scheme. Got tag: ${tag}` },
        };
      }
      const file = repo.get(chosen);
      return { status: 200, body: { ggufFile: { rfilename: chosen, size: file?.size ?? 0 } } };
    }
    const resolve = /^\/([^/]+)\/([^/]+)\/resolve\/[^/]+\/(.+)$/.exec(record.path);
    if (resolve) {
      const [, user, model, filePath] = resolve;
      const repo = repos.get(`${decodeURIComponent(user ?? '')}/${decodeURIComponent(model ?? '')}`);
      const name = (filePath ?? '')
        .split('/')
        .map((part) => decodeURIComponent(part))
        .join('/');
      return repo?.get(name);
    }
    return undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const [pathPart, query = ''] = (req.url ?? '/').split('?', 2) as [string, string?];
    const record: ServedRequest = {
      method: req.method ?? 'GET',
      path: pathPart,
      query,
      headers: req.headers,
      ...(typeof req.headers.range === 'string' ? { range: req.headers.range } : {}),
      status: 0,
      bytesSent: 0,
      cut: false,
      receivedAt: performance.now(),
    };
    requests.push(record);
    if (record.method !== 'GET' && record.method !== 'HEAD') {
      record.status = 405;
      res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
      res.end();
      return;
    }
    const answer = files.get(record.path) ?? answerHuggingFace(record);
    if (answer === undefined) return sendJson(res, record, 404, { error: `Not found: ${record.path}` });
    if ('status' in answer) return sendJson(res, record, answer.status, answer.body);
    await sendFile(req, res, record, answer);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away mid-answer (a cancelled download): nothing left to answer.
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    serveFile(urlPath, filePath) {
      files.set(urlPath, fileAt(filePath));
    },
    serveHuggingFaceRepo(repo, repoFiles) {
      repos.set(repo, new Map(Object.entries(repoFiles).map(([name, filePath]) => [name, fileAt(filePath)])));
    },
    throttle(rate) {
      bytesPerSecond = rate;
    },
    dropNextAfter(bytes) {
      dropAfter = bytes;
    },
    breakAt(offset) {
      breakOffset = offset;
    },
    heal() {
      bytesPerSecond = undefined;
      dropAfter = undefined;
      breakOffset = undefined;
    },
    requestsSince(mark) {
      return requests.slice(mark);
    },
    async close() {
      closed = true;
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer);
        sleeper.resolve();
      }
      sleepers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One `bytes=` range (RFC 9110); undefined for a header this server ignores (several ranges, other units). */
function parseRange(header: string, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    // A suffix range: the last N bytes.
    const length = Number(last);
    if (length === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
