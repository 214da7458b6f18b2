// `selfalign serve`: the engine over HTTP for a browser (or any client), and the built screens. Commands go to
// `POST /api/invoke`, events come as server-sent events from `GET /api/events`, and `GET /api/contract` describes
// both as JSON Schema. Every call but the contract needs the random token printed at start; the server binds the
// loopback address unless told otherwise, and refuses requests whose Host header is not its own (DNS rebinding).

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { contractJsonSchema } from '../shared/json-schema.js';
import { errorReply, WorkbenchRequest, type WorkbenchReply } from '../shared/contract.js';
import type { Engine } from './engine.js';

export interface HttpServerOptions {
  engine: Engine;
  /** 0 picks a free port. */
  port?: number;
  /** 127.0.0.1 unless given. */
  host?: string;
  /** The built screens (out/renderer); without them the API is served alone. */
  rendererDir?: string;
  /** A fixed token (tests); a random one otherwise. */
  token?: string;
}

export interface RunningServer {
  /** The address to open, with the token: http://127.0.0.1:PORT/?token=… */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

const MAX_BODY_BYTES = 1 << 20;
const HEARTBEAT_MS = 15_000;

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir =
    options.rendererDir && existsSync(path.join(options.rendererDir, 'index.html'))
      ? path.resolve(options.rendererDir)
      : undefined;
  const streams = new Set<ServerResponse>();
  let port = 0;

  const authorised = (req: IncomingMessage, url: URL): boolean => {
    const header = req.headers.authorization;
    const given = header?.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!isLoopback(host)) return true; // bound to a network address on purpose: the token is the guard
    const name = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return isLoopback(name);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error('[serve]', error);
      if (!res.headersSent) json(res, 500, errorReply('bug', 'internal', (error as Error).message));
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    if (!hostAllowed(req))
      return json(
        res,
        403,
        refusal(
          'bad-host',
          `requests must name this server as 127.0.0.1 or localhost, not "${req.headers.host ?? ''}"`,
        ),
      );

    if (url.pathname === '/api/contract') {
      if (req.method !== 'GET') return json(res, 405, refusal('bad-method', 'use GET'));
      return json(res, 200, contractJsonSchema());
    }
    if (url.pathname === '/api/invoke') {
      if (req.method !== 'POST') return json(res, 405, refusal('bad-method', 'use POST'));
      if (!authorised(req, url))
        return json(
          res,
          401,
          refusal('unauthorised', 'a missing or wrong token: use the address `selfalign serve` printed'),
        );
      const body = await readBody(req);
      if (body === undefined)
        return json(res, 413, refusal('too-large', `the request is larger than ${MAX_BODY_BYTES} bytes`));
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return json(
          res,
          400,
          refusal('bad-request', 'the request body is not JSON: send {"command": "…", "params": {…}}'),
        );
      }
      const request = WorkbenchRequest.safeParse(parsed);
      if (!request.success) {
        const command =
          typeof parsed === 'object' && parsed !== null && 'command' in parsed
            ? String((parsed as { command: unknown }).command)
            : undefined;
        if (command !== undefined && typeof (parsed as { command: unknown }).command === 'string')
          return json(res, 400, await options.engine.invoke(command, (parsed as { params?: unknown }).params));
        return json(
          res,
          400,
          refusal('bad-request', 'send {"command": "…", "params": {…}}; see GET /api/contract for the commands'),
        );
      }
      return json(res, 200, await options.engine.invoke(request.data.command, request.data.params));
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') return json(res, 405, refusal('bad-method', 'use GET'));
      if (!authorised(req, url))
        return json(
          res,
          401,
          refusal('unauthorised', 'a missing or wrong token: use the address `selfalign serve` printed'),
        );
      return events(res);
    }
    if (url.pathname.startsWith('/api/'))
      return json(res, 404, refusal('not-found', `there is no ${url.pathname}; see GET /api/contract`));
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, refusal('bad-method', 'use GET'));
    return staticFile(url, res);
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.engine.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  }

  async function staticFile(url: URL, res: ServerResponse): Promise<void> {
    if (!rendererDir) {
      res.writeHead(503, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><title>Self-Align Workbench</title><h1>Self-Align Workbench</h1><p>The screens are not built yet: run <code>npm run build</code>, then start <code>selfalign serve</code> again. The API is available at <code>/api</code>.</p>',
      );
      return;
    }
    const relative =
      decodeURIComponent(url.pathname) === '/' ? 'index.html' : decodeURIComponent(url.pathname).slice(1);
    const file = path.resolve(rendererDir, relative);
    if (file !== rendererDir && !file.startsWith(rendererDir + path.sep))
      return json(res, 403, refusal('forbidden', 'outside the screens folder'));
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-cache',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} is in use: choose another with --port, or --port 0 for any free one`)
          : error,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const origin = `http://${shownHost}:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A request the server turns away: the caller's mistake. */
function refusal(code: string, message: string): WorkbenchReply {
  return errorReply('user', code, message);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The body as text, or undefined when it is larger than the limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
