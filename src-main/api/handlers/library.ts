/** Library listing, folders and scans: the catalogue (src-main/library) behind the contract. */
import { NotFoundError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { addRoot, libraryStats, listErrors, listRoots, removeRoot, scanLibrary } from '../../library/index.js';
import { analysisStatus } from '../../analysis/status.js';
import type { Folder, Output, ParsedInput } from '../contract.js';
import type { ApiContext } from '../context.js';
import type { Handlers } from '../dispatcher.js';
import { activeModelKey, trackRowsByIds } from './track-rows.js';
import { searchPage, searchIds } from './search.js';
import { warmSearchCache } from '../../search/warm.js';
import type { OrderName } from '../../search/column-cache.js';
import { plural } from './shared.js';

type Sort = NonNullable<ParsedInput<'listTracks'>['sort']>;

// The table's orders, as the catalogue's listing orders (whitelisted SQL, never built from input); path breaks ties.
const orderExpr: Record<Exclude<Sort['by'], 'tag'>, string> = {
  path: 't.path',
  title: 't.title COLLATE NOCASE',
  artist: 't.artist COLLATE NOCASE, t.album COLLATE NOCASE, t.disc_no, t.track_no',
  album: 't.album COLLATE NOCASE, t.disc_no, t.track_no',
  durationSec: 't.duration_sec',
  addedAt: 't.added_at, t.id',
  genre: 't.genre COLLATE NOCASE',
  year: 't.year',
  trackNo: 't.disc_no, t.track_no',
  relevance: 't.path',
};

function orderedIds(db: Db, sort: Sort | undefined, offset: number, limit: number): number[] {
  const by = sort?.by ?? 'path';
  const desc = sort?.dir === 'desc';
  const dir = desc ? 'DESC' : 'ASC';
  if (by === 'tag' && sort?.tagId !== undefined) {
    return db
      .prepare(`SELECT t.id FROM tracks t LEFT JOIN predictions p ON p.track_id = t.id AND p.tag_id = ? ORDER BY p.probability IS NULL, p.probability ${dir}, t.path LIMIT ? OFFSET ?`)
      .pluck()
      .all(sort.tagId, limit, offset) as number[];
  }
  const expr = by === 'tag' ? 't.path' : orderExpr[by];
  const ordered = expr
    .split(',')
    .map((e) => `${e.trim()} ${dir}`)
    .join(', ');
  return db.prepare(`SELECT t.id FROM tracks t ORDER BY ${ordered}, t.path ${dir} LIMIT ? OFFSET ?`).pluck().all(limit, offset) as number[];
}

/**
 * Pages this deep come from the whole order, worked out once: SQLite answers OFFSET n by
 * sorting and skipping n rows on every page (0.6 s per page at row 100,000 of a 100,000-track
 * library), so scrolling deep into the table would wait that long for each page.
 */
const DEEP_OFFSET = 1000;
/** Whole orders kept per database (a 100,000-track order is 400 kB). */
const MAX_ORDERS = 3;

interface CachedOrder {
  readonly ids: Int32Array;
  /** PRAGMA data_version and total_changes() when it was read: any write since makes it stale. */
  readonly version: string;
}

const orders = new WeakMap<Db, Map<string, CachedOrder>>();

function dbVersion(db: Db): string {
  return `${String(db.pragma('data_version', { simple: true }))}:${String(db.prepare('SELECT total_changes()').pluck().get())}`;
}

/** The ids of one page in this order; deep pages slice the cached whole order (the same SQL, so the same order). */
function pageIds(db: Db, sort: Sort | undefined, offset: number, limit: number): number[] {
  if (offset < DEEP_OFFSET) return orderedIds(db, sort, offset, limit);
  let cache = orders.get(db);
  if (!cache) orders.set(db, (cache = new Map<string, CachedOrder>()));
  const key = JSON.stringify(sort ?? null);
  const version = dbVersion(db);
  let hit = cache.get(key);
  if (hit?.version !== version) {
    hit = { ids: Int32Array.from(orderedIds(db, sort, 0, -1)), version };
    cache.delete(key);
    cache.set(key, hit);
    for (const k of cache.keys()) if (cache.size > MAX_ORDERS) cache.delete(k);
  } else {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, hit);
  }
  return Array.from(hit.ids.subarray(offset, limit < 0 ? undefined : offset + limit));
}

function toFolder(db: Db, r: { id: number; path: string; addedAt: number; lastScanAt: number | null; lastStatus: string | null }): Folder {
  const trackCount = db.prepare("SELECT count(*) FROM tracks WHERE root_id = ? AND status != 'missing'").pluck().get(r.id) as number;
  return { id: r.id, path: r.path, addedAt: r.addedAt, lastScanAt: r.lastScanAt, lastStatus: r.lastStatus, trackCount };
}

function folderById(db: Db, id: number): Folder {
  const r = listRoots(db).find((x) => x.id === id);
  if (!r) throw new NotFoundError(`no library folder with id ${id}`);
  return toFolder(db, r);
}

// The search core's name for the order of a table column (warmed ahead of the first search).
const searchOrders: Partial<Record<Sort['by'], OrderName>> = { title: 'title', artist: 'artist', album: 'album', genre: 'genre', year: 'year', durationSec: 'duration', addedAt: 'added', path: 'path' };

export function listTracksHandler(input: ParsedInput<'listTracks'>, ctx: ApiContext): Output<'listTracks'> {
  // The table is open: get search ready for the first keystroke (once per connection, in the background).
  // A failure there only means the first search builds what it needs itself, as it would anyway.
  warmSearchCache(ctx.db, { orders: [searchOrders[input.sort?.by ?? 'artist'] ?? 'artist'] });
  if (input.query !== undefined && input.query.trim() !== '') return searchPage({ query: input.query, offset: input.offset, limit: input.limit, sort: input.sort }, ctx);
  const total = ctx.db.prepare('SELECT count(*) FROM tracks').pluck().get() as number;
  const ids = pageIds(ctx.db, input.sort, input.offset, input.limit);
  return { total, offset: input.offset, tracks: trackRowsByIds(ctx.db, ids, activeModelKey(ctx.db, ctx.env)) };
}

export const libraryHandlers = {
  listTracks: listTracksHandler,

  listTrackIds: (input, ctx) => {
    if (input.query !== undefined && input.query.trim() !== '') return { ids: searchIds(input.query, input.sort, ctx) };
    return { ids: orderedIds(ctx.db, input.sort, 0, -1) };
  },

  libraryStats: (_input, ctx) => {
    const s = libraryStats(ctx.db);
    const a = analysisStatus(ctx.db, ctx.env);
    return {
      tracks: s.tracks,
      ok: s.ok,
      missing: s.missing,
      error: s.errors,
      folders: s.roots.length,
      totalDurationSec: s.totalDurationSec,
      analysed: a.analysed,
      analysisErrors: a.errors,
      pendingAnalysis: a.pending,
    };
  },

  listErrors: (input, ctx) => {
    const idByPath = ctx.db.prepare('SELECT id FROM tracks WHERE path = ?').pluck();
    const scanProblems = listErrors(ctx.db).map((p) => {
      const trackId = (idByPath.get(p.path) as number | undefined) ?? null;
      return { kind: trackId === null ? ('scan' as const) : ('track' as const), path: p.path, trackId, error: p.error, at: null };
    });
    const model = activeModelKey(ctx.db, ctx.env);
    const analysisProblems = model
      ? (
          ctx.db
            .prepare(
              `SELECT t.path, t.id AS trackId, a.error, a.analysed_at AS at FROM analyses a JOIN tracks t ON t.id = a.track_id
               WHERE a.model_id = ? AND a.model_version = ? AND a.status = 'error' ORDER BY t.path`,
            )
            .all(model.id, model.version) as { path: string; trackId: number; error: string | null; at: number }[]
        ).map((r) => ({ kind: 'analysis' as const, path: r.path, trackId: r.trackId, error: r.error ?? 'analysis failed', at: r.at }))
      : [];
    const all = [...scanProblems, ...analysisProblems];
    return { total: all.length, items: all.slice(input.offset, input.offset + input.limit) };
  },

  listFolders: (_input, ctx) => listRoots(ctx.db).map((r) => toFolder(ctx.db, r)),

  addFolder: (input, ctx) => {
    const root = addRoot(ctx.db, input.path);
    ctx.events.emit('libraryChanged', { reason: 'folders' });
    return toFolder(ctx.db, root);
  },

  removeFolder: (input, ctx) => {
    const folder = folderById(ctx.db, input.id);
    removeRoot(ctx.db, folder.path);
    ctx.events.emit('libraryChanged', { reason: 'folders' });
    return { removed: true };
  },

  startScan: (input, ctx) => {
    const roots = input.folderIds?.map((id) => folderById(ctx.db, id).path);
    return ctx.jobs.start('scan', async (run) => {
      const r = await scanLibrary(ctx.db, { ...(roots ? { roots } : {}), signal: run.signal, onProgress: (p) => { run.progress(p); } });
      for (const w of r.warnings) run.itemError({ error: w });
      return `${plural(r.files, 'file')}: ${r.added} new, ${r.updated} updated, ${r.moved} moved, ${r.missing} missing, ${plural(r.errors, 'error')}`;
    });
  },
} satisfies Partial<Handlers>;
