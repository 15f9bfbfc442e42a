/**
 * Downloads one file over HTTP(S) to disk while hashing it: follows
 * redirects, gives up on a connection idle for too long, refuses bodies
 * larger than expected, and turns a dropped connection into a clear error
 * (the caller removes the partial file with its temporary folder).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { CancelledError, EarmarkError, errorMessage } from '../core/errors.js';

export interface DownloadOptions {
  readonly signal?: AbortSignal;
  /** Called as bytes arrive; total is the Content-Length when the server sent one. */
  readonly onBytes?: (received: number, total: number | null) => void;
  /** Refuse bodies larger than this (protects the disk from a wrong URL). */
  readonly maxBytes?: number;
  /** Give up when the connection is silent this long (connecting included). */
  readonly idleTimeoutMs?: number;
  readonly maxRedirects?: number;
}

export interface DownloadResult {
  readonly bytes: number;
  readonly sha256: string;
  /** The address finally read, after redirects. */
  readonly finalUrl: string;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

interface Response {
  readonly res: http.IncomingMessage;
  /** Whether the idle timeout fired (then the body stream fails with a generic reset). */
  readonly timedOut: () => boolean;
}

function request(url: URL, opts: DownloadOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const get = url.protocol === 'https:' ? https.get : url.protocol === 'http:' ? http.get : null;
    if (get === null) {
      reject(new EarmarkError('download', `cannot download ${url.href}: only http and https are supported`));
      return;
    }
    let timedOut = false;
    const req = get(url, { signal: opts.signal, headers: { 'user-agent': 'earmark', accept: '*/*' } }, (res) => {
      resolve({ res, timedOut: () => timedOut });
    });
    req.setTimeout(opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS, () => {
      timedOut = true;
      req.destroy(idleError(url, opts));
    });
    req.on('error', reject);
  });
}

function idleError(url: URL, opts: DownloadOptions): EarmarkError {
  return new EarmarkError('download', `download of ${url.href} failed: no data for ${(opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS) / 1000} s`);
}

export async function downloadToFile(urlText: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new EarmarkError('download', `not a valid download address: ${urlText}`);
  }
  const maxRedirects = opts.maxRedirects ?? 5;
  try {
    for (let redirects = 0; ; redirects++) {
      opts.signal?.throwIfAborted();
      const { res, timedOut } = await request(url, opts);
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location !== undefined) {
        res.resume();
        if (redirects >= maxRedirects) throw new EarmarkError('download', `download of ${urlText} failed: more than ${maxRedirects} redirects`);
        url = new URL(res.headers.location, url);
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new EarmarkError('download', `download of ${url.href} failed: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd());
      }
      const lengthHeader = res.headers['content-length'];
      const total = lengthHeader === undefined ? null : Number(lengthHeader);
      if (total !== null && opts.maxBytes !== undefined && total > opts.maxBytes) {
        res.destroy();
        throw new EarmarkError('download', `download of ${url.href} refused: ${total} bytes, expected at most ${opts.maxBytes}`);
      }
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      const where = url.href;
      try {
        await pipeline(
          res,
          async function* count(source: AsyncIterable<Buffer>) {
            for await (const chunk of source) {
              bytes += chunk.length;
              if (opts.maxBytes !== undefined && bytes > opts.maxBytes) throw new EarmarkError('download', `download of ${where} refused: more than ${opts.maxBytes} bytes`);
              hash.update(chunk);
              opts.onBytes?.(bytes, total);
              yield chunk;
            }
          },
          fs.createWriteStream(dest, { flags: 'wx' }),
        );
      } catch (err) {
        if (err instanceof EarmarkError || opts.signal?.aborted) throw err;
        if (timedOut()) throw idleError(url, opts);
        throw new EarmarkError('download', `download of ${where} failed: connection dropped after ${bytes}${total === null ? '' : ` of ${total}`} bytes (${errorMessage(err)})`, { cause: err });
      }
      if (total !== null && bytes !== total) throw new EarmarkError('download', `download of ${where} failed: connection dropped after ${bytes} of ${total} bytes`);
      return { bytes, sha256: hash.digest('hex'), finalUrl: where };
    }
  } catch (err) {
    if (opts.signal?.aborted) throw new CancelledError(`download of ${urlText} cancelled`);
    if (err instanceof EarmarkError) throw err;
    throw new EarmarkError('download', `download of ${url.href} failed: ${errorMessage(err)}`, { cause: err });
  }
}
