import type { Db } from '../db/database.js';
import type { RootStatus } from './roots.js';

/** A track as the doors (CLI, HTTP, app) show it; field names are the --json contract. */
export interface TrackSummary {
  readonly id: number;
  readonly path: string;
  readonly title: string | null;
  readonly artist: string | null;
  readonly album: string | null;
  readonly albumArtist: string | null;
  readonly trackNo: number | null;
  readonly year: number | null;
  readonly genre: string | null;
  readonly durationSec: number | null;
  readonly format: string | null;
  readonly codec: string | null;
  readonly status: 'ok' | 'missing' | 'error';
  readonly error: string | null;
  /** Unix ms since when the file has been gone, for missing tracks. */
  readonly missingSince: number | null;
}

export type TrackSort = 'path' | 'title' | 'artist' | 'album' | 'duration' | 'added';

export interface ListTracksOptions {
  readonly offset?: number;
  /** Default: all. */
  readonly limit?: number;
  readonly sort?: TrackSort;
  readonly status?: 'ok' | 'missing' | 'error';
}

// Whitelisted ORDER BY clauses (never built from user text); path breaks ties.
const orderBy: Record<TrackSort, string> = {
  path: 'path',
  title: 'title COLLATE NOCASE, path',
  artist: 'artist COLLATE NOCASE, album COLLATE NOCASE, disc_no, track_no, path',
  album: 'album COLLATE NOCASE, disc_no, track_no, path',
  duration: 'duration_sec, path',
  added: 'added_at, id',
};

interface TrackRow {
  id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  album_artist: string | null;
  track_no: number | null;
  year: number | null;
  genre: string | null;
  duration_sec: number | null;
  format: string | null;
  codec: string | null;
  status: 'ok' | 'missing' | 'error';
  error: string | null;
  missing_since: number | null;
}

export function listTracks(db: Db, options: ListTracksOptions = {}): TrackSummary[] {
  const sort = orderBy[options.sort ?? 'path'];
  const where = options.status ? 'WHERE status = @status' : '';
  const rows = db
    .prepare(
      `SELECT id, path, title, artist, album, album_artist, track_no, year, genre, duration_sec, format, codec, status, error, missing_since
       FROM tracks ${where} ORDER BY ${sort} LIMIT @limit OFFSET @offset`,
    )
    .all({ limit: options.limit ?? -1, offset: options.offset ?? 0, ...(options.status ? { status: options.status } : {}) }) as TrackRow[];
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    title: r.title,
    artist: r.artist,
    album: r.album,
    albumArtist: r.album_artist,
    trackNo: r.track_no,
    year: r.year,
    genre: r.genre,
    durationSec: r.duration_sec,
    format: r.format,
    codec: r.codec,
    status: r.status,
    error: r.error,
    missingSince: r.missing_since,
  }));
}

export interface ScanProblem {
  readonly path: string;
  readonly error: string;
}

/** Files recorded with an error, then things that are not tracks (dangling links, unreadable folders). */
export function listErrors(db: Db): ScanProblem[] {
  return db
    .prepare(
      `SELECT path, error FROM (
         SELECT path, error, 0 AS kind FROM tracks WHERE status = 'error'
         UNION ALL
         SELECT path, error, 1 AS kind FROM scan_errors
       ) ORDER BY kind, path`,
    )
    .all() as ScanProblem[];
}

export interface LibraryStats {
  /** Every catalogued track, whatever its status. */
  readonly tracks: number;
  readonly ok: number;
  readonly missing: number;
  /** Tracks with an error plus other scan problems. */
  readonly errors: number;
  /** Tracks per container format (ok tracks). */
  readonly formats: Readonly<Record<string, number>>;
  /** Summed duration of ok tracks. */
  readonly totalDurationSec: number;
  readonly roots: readonly { readonly path: string; readonly lastStatus: RootStatus | null; readonly lastScanAt: number | null; readonly tracks: number }[];
}

export function libraryStats(db: Db): LibraryStats {
  const c = db
    .prepare(
      `SELECT count(*) AS tracks,
              coalesce(sum(status = 'ok'), 0) AS ok,
              coalesce(sum(status = 'missing'), 0) AS missing,
              coalesce(sum(status = 'error'), 0) AS errors,
              coalesce(sum(CASE WHEN status = 'ok' THEN duration_sec END), 0) AS total
       FROM tracks`,
    )
    .get() as { tracks: number; ok: number; missing: number; errors: number; total: number };
  const problems = (db.prepare('SELECT count(*) AS n FROM scan_errors').get() as { n: number }).n;
  const formats: Record<string, number> = {};
  const formatRows = db
    .prepare("SELECT coalesce(format, '?') AS format, count(*) AS n FROM tracks WHERE status = 'ok' GROUP BY 1 ORDER BY 2 DESC, 1")
    .all() as { format: string; n: number }[];
  for (const f of formatRows) formats[f.format] = f.n;
  const roots = (
    db
      .prepare(
        `SELECT r.path, r.last_status AS lastStatus, r.last_scan_at AS lastScanAt,
                (SELECT count(*) FROM tracks t WHERE t.root_id = r.id AND t.status != 'missing') AS tracks
         FROM roots r ORDER BY r.path`,
      )
      .all() as { path: string; lastStatus: RootStatus | null; lastScanAt: number | null; tracks: number }[]
  ).map((r) => ({ ...r }));
  return { tracks: c.tracks, ok: c.ok, missing: c.missing, errors: c.errors + problems, formats, totalDurationSec: c.total, roots };
}
