/**
 * What the app's two custom protocols answer, as web Responses built in
 * plain Node (Electron's protocol.handle takes them as they are):
 * earmark://app/... serves the built renderer, earmark-audio://track/<id>
 * a library track's audio by id, with byte ranges (the same logic as the
 * HTTP door's /audio/<id>).
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { Db } from '../db/database.js';
import { audioReply } from '../api/audio-source.js';
import { pageSecurityHeaders } from '../api/csp.js';
import { placeholderPage, resolveStatic } from '../server/static-files.js';
import { appPathOf, audioIdText } from './policy.js';

function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(`${text}\n`, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}

function fileBody(file: string | Buffer, start?: number, end?: number): ReadableStream<Uint8Array> {
  const stream = fs.createReadStream(file, start === undefined ? {} : { start, ...(end === undefined ? {} : { end }) });
  return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
}

export function audioResponse(db: Db, url: string, rangeHeader: string | null): Response {
  const idText = audioIdText(url);
  if (idText === null) return textResponse(404, 'not found');
  const reply = audioReply(db, idText, rangeHeader);
  if (!reply.body) return reply.status === 200 ? new Response(null, { status: 200, headers: reply.headers }) : textResponse(reply.status, reply.error ?? 'not found', reply.headers);
  return new Response(fileBody(reply.body.path, reply.body.start, reply.body.end), { status: reply.status, headers: { ...reply.headers, 'X-Content-Type-Options': 'nosniff' } });
}

export function appResponse(distDir: string, url: string): Response {
  const p = appPathOf(url);
  if (p === null) return textResponse(404, 'not found');
  const found = resolveStatic(distDir, p);
  if (found.kind === 'no_build') return new Response(placeholderPage(distDir), { status: 200, headers: { ...pageSecurityHeaders, 'Content-Type': 'text/html; charset=utf-8' } });
  if (found.kind === 'not_found') return textResponse(404, 'not found');
  const isHtml = found.contentType.startsWith('text/html');
  return new Response(fileBody(found.file), {
    status: 200,
    headers: { ...(isHtml ? pageSecurityHeaders : {}), 'Content-Type': found.contentType, 'Content-Length': String(found.size), 'X-Content-Type-Options': 'nosniff' },
  });
}
