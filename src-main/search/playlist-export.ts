import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { EarmarkError, UsageError } from '../core/errors.js';
import { getPlaylist } from './playlists.js';
import { search, type SearchHit, type SearchOptions } from './search.js';

export type ExportFormat = 'm3u8' | 'csv' | 'json';

/** The format named by the output file's extension. */
export function formatFromPath(file: string): ExportFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.m3u8' || ext === '.m3u') return 'm3u8';
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw new UsageError(`cannot tell the playlist format of ${file}: expected an extension .m3u8, .m3u, .csv or .json`, { path: file });
}

export interface RenderOptions {
  /** Write paths relative to this folder (the output file's); absolute when null. */
  readonly relativeTo: string | null;
  readonly name: string | null;
  readonly query: string;
  readonly exportedAt?: Date;
}

function trackPath(hit: SearchHit, relativeTo: string | null): string {
  return relativeTo === null ? hit.path : path.relative(relativeTo, hit.path);
}

/** One line of text: playlist formats are line-based, so newlines in tags become spaces. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

function displayName(hit: SearchHit): string {
  const title = hit.title ?? path.basename(hit.path, path.extname(hit.path));
  return oneLine(hit.artist ? `${hit.artist} - ${title}` : title);
}

/** RFC 4180: quote when needed, double the quotes inside. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Renders tracks in a playlist format. `skipped`: tracks an M3U cannot hold (a newline in the path). */
export function renderPlaylist(hits: readonly SearchHit[], format: ExportFormat, options: RenderOptions): { text: string; skipped: number } {
  let skipped = 0;
  switch (format) {
    case 'm3u8': {
      const lines = ['#EXTM3U'];
      if (options.name !== null) lines.push(`#PLAYLIST:${oneLine(options.name)}`);
      for (const hit of hits) {
        const p = trackPath(hit, options.relativeTo);
        if (/[\r\n]/.test(p)) {
          skipped++;
          continue;
        }
        const sec = hit.durationSec === null ? -1 : Math.round(hit.durationSec);
        lines.push(`#EXTINF:${sec},${displayName(hit)}`, p);
      }
      return { text: `${lines.join('\n')}\n`, skipped };
    }
    case 'csv': {
      const tagKeys = [...new Set(hits.flatMap((h) => Object.keys(h.tags)))];
      const header = ['id', 'path', 'title', 'artist', 'album', 'duration_sec', 'score', ...tagKeys];
      const rows = hits.map((h) => [h.id, trackPath(h, options.relativeTo), h.title, h.artist, h.album, h.durationSec, h.score, ...tagKeys.map((k) => h.tags[k] ?? null)]);
      return { text: [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n', skipped };
    }
    case 'json': {
      const doc = {
        name: options.name,
        query: options.query,
        exportedAt: (options.exportedAt ?? new Date()).toISOString(),
        tracks: hits.map((h) => ({ ...h, path: trackPath(h, options.relativeTo) })),
      };
      return { text: `${JSON.stringify(doc, null, 2)}\n`, skipped };
    }
  }
}

/** Writes a file so that readers see the old content or the new, never half: temp file beside it, fsync, rename. */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw new EarmarkError('write_failed', `cannot write ${file}: ${(err as Error).message}`, { path: file, cause: err });
  }
}

export interface ExportResult {
  readonly file: string;
  readonly format: ExportFormat;
  /** The saved playlist's name, or null when a query was given. */
  readonly name: string | null;
  readonly query: string;
  readonly count: number;
  readonly skipped: number;
}

/**
 * Exports a saved playlist (by name) or a query to a file whose extension
 * picks the format. Paths are absolute, or relative to the file's folder.
 */
export function exportPlaylist(db: Db, nameOrQuery: string, outFile: string, options: { relative?: boolean } & Pick<SearchOptions, 'baseModels'> = {}): ExportResult {
  const file = path.resolve(outFile);
  const format = formatFromPath(file);
  const saved = getPlaylist(db, nameOrQuery);
  const query = saved?.query ?? nameOrQuery;
  const { tracks } = search(db, query, options.baseModels ? { baseModels: options.baseModels } : {});
  const { text, skipped } = renderPlaylist(tracks, format, { relativeTo: options.relative ? path.dirname(file) : null, name: saved?.name ?? null, query });
  writeFileAtomic(file, text);
  return { file, format, name: saved?.name ?? null, query, count: tracks.length - skipped, skipped };
}
