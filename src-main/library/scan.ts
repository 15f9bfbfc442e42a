import fs from 'node:fs';
import os from 'node:os';
import type { Db } from '../db/database.js';
import { CancelledError, UsageError } from '../core/errors.js';
import { ProgressTracker, type ProgressListener } from '../core/progress.js';
import { addRoot, listRoots, probeRoot, type Root, type RootStatus } from './roots.js';
import { walkAudioFiles, type FoundFile, type WalkProblem } from './walk.js';
import { WorkerPool } from './worker-pool.js';
import { trackFsPath } from './track-path.js';
import type { ParseRequest, ParseResponse } from './protocol.js';

export interface ScanOptions {
  /** Folders to add as roots and scan; when absent, every known root is rescanned. */
  readonly roots?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Per-file limit for reading metadata (default 30 s). */
  readonly timeoutMs?: number;
  /** Parser threads (default: cores, at most 4). */
  readonly workers?: number;
}

export interface RootScanResult {
  readonly path: string;
  readonly status: RootStatus;
  /** Why the root was not scanned, for the user. */
  readonly message: string | null;
}

export interface ScanResult {
  readonly roots: readonly RootScanResult[];
  /** Audio files found under the roots that were scanned. */
  readonly files: number;
  readonly added: number;
  /** Known paths whose file changed (re-read) or came back after being missing. */
  readonly updated: number;
  /** New paths recognised by content as a known track that moved (id kept). */
  readonly moved: number;
  readonly unchanged: number;
  /** Tracks newly marked missing. */
  readonly missing: number;
  /** Files found that cannot be read (new or not), plus problems such as dangling symlinks. */
  readonly errors: number;
  readonly durationSec: number;
  /** One line each, for the user (roots left alone and why). */
  readonly warnings: readonly string[];
}

type TrackStatus = 'ok' | 'missing' | 'error';

/** What the scan keeps in memory about each catalogued track (one row of tracks). */
interface Known {
  /** null until the insert of a track found in this scan is flushed. */
  id: number | null;
  path: string;
  pathRaw: Buffer | null;
  sizeBytes: number | null;
  mtimeMs: number | null;
  hash: string | null;
  status: TrackStatus;
  hasError: boolean;
}

interface KnownRow {
  id: number;
  path: string;
  path_raw: Buffer | null;
  size: number | null;
  mtime_ms: number | null;
  content_hash: string | null;
  status: TrackStatus;
  error: string | null;
}

const defaultTimeoutMs = 30_000;
const flushEveryOps = 256;
const flushEveryMs = 200;
const progressEveryMs = 100;

const parseWorkerUrl = new URL('./parse-worker.js', import.meta.url);

/**
 * Scans library roots into the tracks table.
 *
 * The main thread walks the folders (one stat per file) and is the only
 * writer; files that are new or changed (size or mtime differ) go to a pool
 * of parser threads for a sampled content hash and their tags. Writes are
 * batched in transactions, so a scan killed at any moment leaves a
 * consistent database and the next scan carries on: rows already written
 * are simply unchanged files then.
 *
 * Identity: a new path whose content hash matches a known track whose file
 * is gone takes over that track's row (its id, hence its labels). Tracks
 * whose files are gone are marked missing, never deleted; nothing is marked
 * missing under a root that is unavailable, empty or unreadable, nor under
 * a folder that could not be listed.
 */
export async function scanLibrary(db: Db, options: ScanOptions = {}): Promise<ScanResult> {
  const startedMs = Date.now();
  const signal = options.signal;
  const roots: Root[] = options.roots && options.roots.length > 0 ? options.roots.map((r) => addRoot(db, r)) : listRoots(db);
  if (roots.length === 0) throw new UsageError('no library folders yet: give one, as in `earmark scan ~/Music`');

  const stmts = prepareStatements(db);
  const state = loadKnown(db);
  const writer = new BatchWriter(db);
  const tracker = new ProgressTracker('scan');
  let lastProgressMs = 0;
  const report = (force = false): void => {
    if (!options.onProgress) return;
    const t = Date.now();
    if (!force && t - lastProgressMs < progressEveryMs) return;
    lastProgressMs = t;
    options.onProgress(tracker.snapshot());
  };

  const counts = { files: 0, added: 0, updated: 0, moved: 0, unchanged: 0, missing: 0, errors: 0 };
  const seen = new Set<string>();
  const warnings: string[] = [];
  const rootResults: RootScanResult[] = [];
  // Probe every root first: a move between roots must not take over a track on a disk that is merely unmounted.
  const probes = await Promise.all(roots.map((r) => probeRoot(r.path)));
  const okRoots = roots.filter((_, i) => probes[i]!.status === 'ok').map((r) => r.path);
  const underOkRoot = (p: string): boolean => okRoots.some((r) => isUnder(p, r));
  const unreadableDirs: string[] = [];

  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  let pool: WorkerPool<ParseRequest, ParseResponse> | null = null;
  const getPool = (): WorkerPool<ParseRequest, ParseResponse> => {
    pool ??= new WorkerPool<ParseRequest, ParseResponse>({
      workerUrl: parseWorkerUrl,
      size: options.workers ?? Math.max(1, Math.min(4, os.availableParallelism())),
      timeoutMs,
      // A few files queued per worker: small files take about a millisecond, less than a round trip to this thread.
      depth: 4,
      onTimeout: (req, ms) => ({ id: req.id, ok: false, contentHash: null, error: `metadata parser timed out after ${Math.round(ms / 1000)}s` }),
      onCrash: (req, err) => ({ id: req.id, ok: false, contentHash: null, error: `metadata parser crashed: ${err.message}` }),
    });
    return pool;
  };
  const parses: Promise<void>[] = [];
  let nextId = 0;

  const now = (): number => Date.now();

  /** Applies a parse result to memory now and queues its write. */
  const apply = (f: FoundFile, rootId: number, res: ParseResponse): void => {
    const params = trackParams(f, rootId, res, now());
    const known = state.byPath.get(f.path);
    if (!res.ok) {
      counts.errors++;
      tracker.failed++;
    }
    if (known) {
      setKnown(state, known, f, res);
      writer.add(() => stmts.update.run({ ...params, id: known.id }));
      counts.updated++;
    } else {
      const heir = res.contentHash === null ? undefined : findMovedTrack(state, res.contentHash, seen, underOkRoot);
      if (heir) {
        state.byPath.delete(heir.path);
        setKnown(state, heir, f, res);
        state.byPath.set(f.path, heir);
        writer.add(() => stmts.update.run({ ...params, id: heir.id }));
        counts.moved++;
      } else {
        const entry: Known = { id: null, path: f.path, pathRaw: f.pathRaw, sizeBytes: null, mtimeMs: null, hash: null, status: 'ok', hasError: false };
        setKnown(state, entry, f, res);
        state.byPath.set(f.path, entry);
        writer.add(() => {
          entry.id = Number(stmts.insert.run({ ...params, added_at: params.updated_at }).lastInsertRowid);
        });
        counts.added++;
      }
    }
    tracker.done++;
    report();
  };

  try {
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i]!;
      const probe = probes[i]!;
      if (probe.status !== 'ok') {
        rootResults.push({ path: root.path, status: probe.status, message: probe.message });
        if (probe.message) warnings.push(probe.message);
        writer.add(() => stmts.rootStatus.run(probe.status, root.id));
        continue;
      }
      const problems: WalkProblem[] = [];
      for await (const entry of walkAudioFiles(root.path, signal)) {
        if (entry.kind === 'problem') {
          problems.push(entry);
          if (entry.unreadableDir) unreadableDirs.push(entry.path);
          continue;
        }
        if (seen.has(entry.path)) continue; // under two nested roots
        seen.add(entry.path);
        counts.files++;
        const known = state.byPath.get(entry.path);
        if (known && known.sizeBytes === entry.sizeBytes && known.mtimeMs === entry.mtimeMs) {
          if (known.status === 'missing') {
            // The same file is back where it was (a disk mounted again).
            known.status = known.hasError ? 'error' : 'ok';
            writer.add(() => stmts.revive.run({ id: known.id, root_id: root.id, now: now() }));
            counts.updated++;
          } else {
            counts.unchanged++;
          }
          if (known.status === 'error') counts.errors++;
          tracker.done++;
          report();
          continue;
        }
        if (entry.sizeBytes === 0) {
          apply(entry, root.id, { id: -1, ok: false, contentHash: null, error: 'empty file (0 bytes)' });
          continue;
        }
        const req: ParseRequest = { id: nextId++, path: entry.pathRaw ?? entry.path };
        parses.push(getPool().run(req).then((res) => { apply(entry, root.id, res); }));
      }
      // Problems (dangling links, unreadable folders) replace the previous scan's for this root.
      writer.add(() => {
        stmts.clearProblems.run(root.id);
        const at = now();
        for (const p of problems) stmts.addProblem.run(root.id, p.path, p.error, at);
      });
      counts.errors += problems.length;
      rootResults.push({ path: root.path, status: 'ok', message: null });
    }
    tracker.total = counts.files;
    report(true);
    await Promise.all(parses);
    signal?.throwIfAborted();

    // Whatever was known under a scanned root and not seen now is gone.
    const at = now();
    for (const known of state.byPath.values()) {
      if (known.status === 'missing' || seen.has(known.path) || !underOkRoot(known.path)) continue;
      if (unreadableDirs.some((d) => isUnder(known.path, d))) continue;
      known.status = 'missing';
      writer.add(() => stmts.markMissing.run({ id: known.id, now: at }));
      counts.missing++;
    }
    for (let i = 0; i < roots.length; i++) {
      if (probes[i]!.status !== 'ok') continue;
      const id = roots[i]!.id;
      writer.add(() => stmts.rootScanned.run(at, id));
    }
    writer.flush();
    report(true);
  } catch (err) {
    if (signal?.aborted) throw new CancelledError('scan cancelled');
    throw err;
  } finally {
    // Keep what was already read: it is correct, and saves the next scan the work.
    writer.flush();
    await (pool as WorkerPool<ParseRequest, ParseResponse> | null)?.close();
  }

  return { roots: rootResults, ...counts, durationSec: (Date.now() - startedMs) / 1000, warnings };
}

/** True when `p` is `dir` or inside it (display paths, '/'-separated). */
function isUnder(p: string, dir: string): boolean {
  if (p === dir) return true;
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return p.startsWith(prefix);
}

interface KnownState {
  readonly byPath: Map<string, Known>;
  readonly byHash: Map<string, Known[]>;
}

function loadKnown(db: Db): KnownState {
  const byPath = new Map<string, Known>();
  const byHash = new Map<string, Known[]>();
  const rows = db.prepare('SELECT id, path, path_raw, size, mtime_ms, content_hash, status, error FROM tracks').all() as KnownRow[];
  for (const r of rows) {
    const k: Known = { id: r.id, path: r.path, pathRaw: r.path_raw, sizeBytes: r.size, mtimeMs: r.mtime_ms, hash: r.content_hash, status: r.status, hasError: r.error !== null };
    byPath.set(k.path, k);
    if (k.hash !== null) addToHashIndex(byHash, k);
  }
  return { byPath, byHash };
}

function addToHashIndex(byHash: Map<string, Known[]>, k: Known): void {
  if (k.hash === null) return;
  const list = byHash.get(k.hash);
  if (list) {
    if (!list.includes(k)) list.push(k);
  } else byHash.set(k.hash, [k]);
}

function setKnown(state: KnownState, k: Known, f: FoundFile, res: ParseResponse): void {
  if (k.hash !== null && k.hash !== res.contentHash) {
    const list = state.byHash.get(k.hash);
    if (list) state.byHash.set(k.hash, list.filter((x) => x !== k));
  }
  k.path = f.path;
  k.pathRaw = f.pathRaw;
  k.sizeBytes = f.sizeBytes;
  k.mtimeMs = f.mtimeMs;
  k.hash = res.contentHash;
  k.status = res.ok ? 'ok' : 'error';
  k.hasError = !res.ok;
  addToHashIndex(state.byHash, k);
}

/**
 * A known track with this content whose file is gone: marked missing
 * earlier, or (this scan has not got to marking yet) not seen and no longer
 * on a disk that is mounted and being scanned. A file whose original still
 * exists is a copy, and gets its own row.
 */
function findMovedTrack(state: KnownState, hash: string, seen: ReadonlySet<string>, underOkRoot: (p: string) => boolean): Known | undefined {
  const candidates = state.byHash.get(hash);
  if (!candidates) return undefined;
  for (const c of candidates) {
    if (c.id === null || seen.has(c.path)) continue;
    if (c.status !== 'missing' && !underOkRoot(c.path)) continue;
    if (fs.existsSync(trackFsPath({ path: c.path, path_raw: c.pathRaw }))) continue;
    return c;
  }
  return undefined;
}

interface TrackParams {
  path: string;
  path_raw: Buffer | null;
  root_id: number;
  size: number;
  mtime_ms: number;
  content_hash: string | null;
  status: 'ok' | 'error';
  error: string | null;
  title: string | null;
  artist: string | null;
  artists: string | null;
  album: string | null;
  album_artist: string | null;
  track_no: number | null;
  track_total: number | null;
  disc_no: number | null;
  disc_total: number | null;
  year: number | null;
  date: string | null;
  genre: string | null;
  genres: string | null;
  duration_sec: number | null;
  format: string | null;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  bitrate: number | null;
  moods: string | null;
  comments: string | null;
  mb_recording_id: string | null;
  mb_track_id: string | null;
  mb_album_id: string | null;
  mb_artist_id: string | null;
  updated_at: number;
}

function trackParams(f: FoundFile, rootId: number, res: ParseResponse, nowMs: number): TrackParams {
  const m = res.ok ? res.meta : null;
  const json = (xs: readonly string[] | undefined): string | null => (xs === undefined ? null : JSON.stringify(xs));
  return {
    path: f.path,
    path_raw: f.pathRaw,
    root_id: rootId,
    size: f.sizeBytes,
    mtime_ms: f.mtimeMs,
    content_hash: res.contentHash,
    status: res.ok ? 'ok' : 'error',
    error: res.ok ? null : res.error,
    title: m?.title ?? null,
    artist: m?.artist ?? null,
    artists: json(m?.artists),
    album: m?.album ?? null,
    album_artist: m?.albumArtist ?? null,
    track_no: m?.trackNo ?? null,
    track_total: m?.trackTotal ?? null,
    disc_no: m?.discNo ?? null,
    disc_total: m?.discTotal ?? null,
    year: m?.year ?? null,
    date: m?.date ?? null,
    genre: m && m.genres.length > 0 ? m.genres.join(', ') : null,
    genres: json(m?.genres),
    duration_sec: m?.durationSec ?? null,
    format: m?.format ?? null,
    codec: m?.codec ?? null,
    sample_rate: m?.sampleRateHz ?? null,
    channels: m?.channels ?? null,
    bitrate: m?.bitrateBps ?? null,
    moods: json(m?.moods),
    comments: json(m?.comments),
    mb_recording_id: m?.mbRecordingId ?? null,
    mb_track_id: m?.mbTrackId ?? null,
    mb_album_id: m?.mbAlbumId ?? null,
    mb_artist_id: m?.mbArtistId ?? null,
    updated_at: nowMs,
  };
}

const trackColumns = [
  'path', 'path_raw', 'root_id', 'size', 'mtime_ms', 'content_hash', 'status', 'error', 'title', 'artist', 'artists', 'album',
  'album_artist', 'track_no', 'track_total', 'disc_no', 'disc_total', 'year', 'date', 'genre', 'genres', 'duration_sec',
  'format', 'codec', 'sample_rate', 'channels', 'bitrate', 'moods', 'comments', 'mb_recording_id', 'mb_track_id',
  'mb_album_id', 'mb_artist_id', 'updated_at',
] as const satisfies readonly (keyof TrackParams)[];

function prepareStatements(db: Db) {
  return {
    insert: db.prepare(
      `INSERT INTO tracks (${trackColumns.join(', ')}, added_at) VALUES (${trackColumns.map((c) => `@${c}`).join(', ')}, @added_at)`,
    ),
    update: db.prepare(`UPDATE tracks SET ${trackColumns.map((c) => `${c} = @${c}`).join(', ')}, missing_since = NULL WHERE id = @id`),
    revive: db.prepare(
      "UPDATE tracks SET status = CASE WHEN error IS NULL THEN 'ok' ELSE 'error' END, missing_since = NULL, root_id = @root_id, updated_at = @now WHERE id = @id",
    ),
    markMissing: db.prepare("UPDATE tracks SET status = 'missing', missing_since = @now, updated_at = @now WHERE id = @id"),
    clearProblems: db.prepare('DELETE FROM scan_errors WHERE root_id = ?'),
    addProblem: db.prepare('INSERT INTO scan_errors (root_id, path, error, at) VALUES (?, ?, ?, ?)'),
    rootStatus: db.prepare('UPDATE roots SET last_status = ? WHERE id = ?'),
    rootScanned: db.prepare("UPDATE roots SET last_scan_at = ?, last_status = 'ok' WHERE id = ?"),
  };
}

/**
 * Queues writes and runs them in one transaction per batch: the single
 * writer of a scan. Operations run in the order they were queued.
 */
class BatchWriter {
  private ops: (() => void)[] = [];
  private lastFlushMs = Date.now();

  constructor(private readonly db: Db) {}

  add(op: () => void): void {
    this.ops.push(op);
    if (this.ops.length >= flushEveryOps || Date.now() - this.lastFlushMs >= flushEveryMs) this.flush();
  }

  flush(): void {
    this.lastFlushMs = Date.now();
    if (this.ops.length === 0) return;
    const ops = this.ops;
    this.ops = [];
    this.db.transaction(() => {
      for (const op of ops) op();
    })();
  }
}
