/**
 * Door 2: the contract over HTTP, for a browser or a headless machine.
 *
 *   POST /api/<op>     JSON input -> ApiResult JSON
 *   GET  /api/events   server-sent events (one per EventName, JSON data)
 *   GET  /audio/<id>   a library track's audio by id, with byte ranges
 *   GET  /...          the built renderer (src-renderer/dist)
 *
 * Every request passes access.ts (token, Host, Origin) first.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { packageRoot } from '../core/paths.js';
import type { Db } from '../db/database.js';
import { audioReply } from '../api/audio-source.js';
import { pageSecurityHeaders } from '../api/csp.js';
import type { ApiResult } from '../api/contract.js';
import { createRuntime, type ApiRuntime } from '../api/runtime.js';
import type { Handlers } from '../api/dispatcher.js';
import { notePageRequest } from '../search/warm.js';
import { allowedHostHeaders, checkAccess, hostForUrl, newToken, type AccessPolicy } from './access.js';
import { placeholderPage, resolveStatic } from './static-files.js';

export interface ServerOptions {
  readonly db: Db;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Default <package>/src-renderer/dist. */
  readonly distDir?: string;
  /** Default: a fresh random token. */
  readonly token?: string;
  /** Largest JSON body accepted (default 8 MiB: setLabels takes up to 100,000 ids). */
  readonly maxBodyBytes?: number;
  readonly handlers?: Handlers;
  readonly log?: (message: string) => void;
}

export interface RunningServer {
  /** The address to open, with the token: http://127.0.0.1:PORT/?token=... */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly runtime: ApiRuntime;
  /** Stops accepting, ends event streams, cancels jobs and waits for them. Does not close the database. */
  close(): Promise<void>;
}

const SSE_HEARTBEAT_MS = 15_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const distDir = options.distDir ?? path.join(packageRoot, 'src-renderer', 'dist');
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const runtime = createRuntime({
    db: options.db,
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    door: 'http',
    env: options.env ?? process.env,
    audioUrl: (id) => `/audio/${id}`,
    log,
    ...(options.handlers ? { handlers: options.handlers } : {}),
  });
  const streams = new Set<http.ServerResponse>();
  // Filled in once the port is known (port 0 picks one).
  let policy: AccessPolicy = { token, hosts: new Set(), cookieName: 'earmark' };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`earmark: ${req.method ?? '?'} ${req.url ?? '?'} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    // The raw target, never normalised: /audio/../x must not become /x.
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');

    const access = checkAccess(policy, {
      method,
      host: req.headers.host,
      origin: header(req, 'origin'),
      secFetchSite: header(req, 'sec-fetch-site'),
      authorization: header(req, 'authorization'),
      tokenHeader: header(req, 'x-earmark-token'),
      cookie: header(req, 'cookie'),
      queryToken: query.get('token'),
    });
    if (!access.ok) {
      sendText(res, access.status, access.message);
      return;
    }
    // The first page load brings the token in the URL; later requests of the
    // page (assets, <audio>, EventSource) carry it as a same-site-only cookie.
    if (!access.viaCookie) res.setHeader('Set-Cookie', `${policy.cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    notePageRequest();

    if (rawPath.startsWith('/api/')) {
      const name = rawPath.slice('/api/'.length);
      if (name === 'events') {
        if (method !== 'GET') { sendText(res, 405, 'use GET for events', { Allow: 'GET' }); return; }
        openEventStream(req, res);
        return;
      }
      if (method !== 'POST') { sendText(res, 405, 'operations are called with POST', { Allow: 'POST' }); return; }
      await handleApi(req, res, name);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') { sendText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' }); return; }
    if (rawPath.startsWith('/audio/')) {
      sendAudio(req, res, method, rawPath.slice('/audio/'.length));
      return;
    }
    sendStatic(res, method, rawPath);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, op: string): Promise<void> {
    const type = (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    // JSON only: a cross-site form cannot send it without a preflight.
    if (type !== 'application/json') {
      sendJson(res, 415, { ok: false, error: { code: 'invalid_input', op, message: 'send the input as application/json' } });
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too_large') {
      sendJson(res, 413, { ok: false, error: { code: 'invalid_input', op, message: `the input is larger than ${maxBodyBytes} bytes` } }, { Connection: 'close' });
      return;
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch (err) {
      sendJson(res, 400, { ok: false, error: { code: 'invalid_input', op, message: `the input is not valid JSON: ${err instanceof Error ? err.message : String(err)}` } });
      return;
    }
    const result = await runtime.dispatcher.dispatch(op, input);
    sendJson(res, statusOf(result), result);
  }

  function openEventStream(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribe = runtime.events.subscribe((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), SSE_HEARTBEAT_MS);
    heartbeat.unref();
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  }

  function sendAudio(req: http.IncomingMessage, res: http.ServerResponse, method: string, idText: string): void {
    const reply = audioReply(options.db, idText, header(req, 'range'));
    if (!reply.body) {
      if (reply.status === 200) {
        res.writeHead(200, reply.headers);
        res.end();
        return;
      }
      sendText(res, reply.status, reply.error ?? 'not found', reply.headers);
      return;
    }
    res.writeHead(reply.status, reply.headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(reply.body.path, { start: reply.body.start, end: reply.body.end });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  function sendStatic(res: http.ServerResponse, method: string, rawPath: string): void {
    const found = resolveStatic(distDir, rawPath);
    if (found.kind === 'no_build') {
      const html = placeholderPage(distDir);
      res.writeHead(200, { ...pageSecurityHeaders, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : html);
      return;
    }
    if (found.kind === 'not_found') {
      sendText(res, 404, 'not found');
      return;
    }
    const isHtml = found.contentType.startsWith('text/html');
    res.writeHead(200, { ...(isHtml ? pageSecurityHeaders : {}), 'Content-Type': found.contentType, 'Content-Length': found.size, 'Cache-Control': isHtml ? 'no-store' : 'no-cache' });
    if (method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  policy = { token, hosts: allowedHostHeaders(host, port), cookieName: `earmark-${port}` };
  const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : hostForUrl(host);
  const origin = `http://${shownHost}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    runtime,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => { resolve(); }));
        for (const s of streams) s.end();
        server.closeIdleConnections();
        await runtime.shutdown();
        // Connections still busy after the jobs stopped (a slow audio download) are cut.
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function statusOf(result: ApiResult<unknown>): number {
  if (result.ok) return 200;
  switch (result.error.code) {
    case 'invalid_input':
      return 400;
    case 'unknown_op':
    case 'not_found':
      return 404;
    case 'busy':
      return 409;
    case 'internal':
      return 500;
    case 'not_available':
      return 501;
    default:
      return 422;
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown, extra: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

function sendText(res: http.ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  const body = `${text}\n`;
  res.writeHead(status, { ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
  res.end(body);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too_large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      resolve(over ? 'too_large' : Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}
