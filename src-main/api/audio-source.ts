/**
 * Audio for preview, shared by both doors (HTTP /audio/<id> and Electron's
 * earmark-audio://track/<id>): a track id from the URL is looked up in the
 * library and only that track's file is served; nothing from the request
 * ever becomes a path. Byte ranges (RFC 9110) so the player can seek.
 */
import fs from 'node:fs';
import type { Db } from '../db/database.js';
import { extensionOf } from '../library/formats.js';
import { trackFsPath } from '../library/track-path.js';

const mimeByExtension: Readonly<Record<string, string>> = {
  mp3: 'audio/mpeg',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  aif: 'audio/aiff',
  aiff: 'audio/aiff',
  wma: 'audio/x-ms-wma',
};

export function audioMimeType(name: string | Buffer): string {
  return mimeByExtension[extensionOf(name)] ?? 'application/octet-stream';
}

/** A track id as it appears in a URL: digits only, no sign, no leading zero, within SQLite's range. */
export function parseTrackId(text: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return null;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : null;
}

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/**
 * Parses a Range header against a file size: null when there is none (or it
 * is not a bytes range we serve: the whole file is sent), 'unsatisfiable'
 * for a range outside the file. Only single ranges; multi-range requests
 * get the whole file, which RFC 9110 allows.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (header === null || header === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  if (a === '') {
    // Suffix range: the last N bytes.
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    if (size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** What a door sends for an audio request: status, headers, and which bytes of which file. */
export interface AudioReply {
  readonly status: 200 | 206 | 400 | 404 | 416;
  readonly headers: Readonly<Record<string, string>>;
  /** The file and inclusive byte range to stream; null for an error or an empty body. */
  readonly body: { readonly path: string | Buffer; readonly start: number; readonly end: number } | null;
  /** Short reason for a 4xx, for the body of the error reply. */
  readonly error?: string;
}

/**
 * Resolves an audio request: the id text from the URL and the Range header.
 * 400 for an id that is not one, 404 for an unknown track or a file that is
 * gone, 416 for a range outside the file.
 */
export function audioReply(db: Db, idText: string, rangeHeader: string | null | undefined): AudioReply {
  const id = parseTrackId(idText);
  if (id === null) return { status: 400, headers: {}, body: null, error: 'expected a track id' };
  const row = db.prepare('SELECT path, path_raw FROM tracks WHERE id = ?').get(id) as { path: string; path_raw: Buffer | null } | undefined;
  if (!row) return { status: 404, headers: {}, body: null, error: `no track ${id}` };
  const fsPath = trackFsPath(row);
  let size: number;
  try {
    const st = fs.statSync(fsPath);
    if (!st.isFile()) return { status: 404, headers: {}, body: null, error: `track ${id}: not a file` };
    size = st.size;
  } catch {
    return { status: 404, headers: {}, body: null, error: `track ${id}: file not found` };
  }
  const base = { 'Content-Type': audioMimeType(fsPath), 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
  const range = parseRange(rangeHeader, size);
  if (range === 'unsatisfiable') return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null, error: 'range not satisfiable' };
  if (range === null) return { status: 200, headers: { ...base, 'Content-Length': String(size) }, body: size === 0 ? null : { path: fsPath, start: 0, end: size - 1 } };
  return {
    status: 206,
    headers: { ...base, 'Content-Length': String(range.end - range.start + 1), 'Content-Range': `bytes ${range.start}-${range.end}/${size}` },
    body: { path: fsPath, ...range },
  };
}
