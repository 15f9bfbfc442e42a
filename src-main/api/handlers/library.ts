/** Library listing, folders and scans: the catalogue (src-main/library) behind the contract. */
import { NotFoundError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { addRoot, libraryStats, listErrors, listRoots, listTracks, removeRoot, scanLibrary, type TrackSort } from '../../library/index.js';
import { analysisStatus } from '../../analysis/status.js';
import type { Folder, Output, ParsedInput } from '../contract.js';
import type { ApiContext } from '../context.js';
import type { Handlers } from '../dispatcher.js';
import { activeModelKey, trackRowsByIds } from './track-rows.js';
import { searchPage, searchIds } from './search.js';
import { plural } from './shared.js';

type Sort = NonNullable<ParsedInput<'listTracks'>['sort']>;

// The catalogue's own orders, where the contract's field has one.
const catalogueSort: Partial<Record<Sort['by'], TrackSort>> = { path: 'path', title: 'title', artist: 'artist', album: 'album', durationSec: 'duration', addedAt: 'added' };

// Orders the catalogue lacks (whitelisted SQL, never built from input); path breaks ties.
const extraOrder: Partial<Record<Sort['by'], string>> = {
  genre: 't.genre COLLATE NOCASE',
  year: 't.year',
  trackNo: 't.disc_no, t.track_no',
};

function orderedIds(db: Db, sort: Sort | undefined, offset: number, limit: number): number[] {
  const by = sort?.by ?? 'path';
  const desc = sort?.dir === 'desc';
  const fromCatalogue = catalogueSort[by];
  if (fromCatalogue && !desc) return listTracks(db, { sort: fromCatalogue, offset, limit }).map((t) => t.id);
  const dir = desc ? 'DESC' : 'ASC';
  if (by === 'tag' && sort?.tagId !== undefined) {
    return db
      .prepare(`SELECT t.id FROM tracks t LEFT JOIN predictions p ON p.track_id = t.id AND p.tag_id = ? ORDER BY p.probability IS NULL, p.probability ${dir}, t.path LIMIT ? OFFSET ?`)
      .pluck()
      .all(sort.tagId, limit, offset) as number[];
  }
  const expr = extraOrder[by] ?? { path: 't.path', title: 't.title COLLATE NOCASE', artist: 't.artist COLLATE NOCASE, t.album COLLATE NOCASE, t.disc_no, t.track_no', album: 't.album COLLATE NOCASE, t.disc_no, t.track_no', durationSec: 't.duration_sec', addedAt: 't.added_at' }[by as string] ?? 't.path';
  const ordered = expr
    .split(',')
    .map((e) => `${e.trim()} ${dir}`)
    .join(', ');
  return db.prepare(`SELECT t.id FROM tracks t ORDER BY ${ordered}, t.path ${dir} LIMIT ? OFFSET ?`).pluck().all(limit, offset) as number[];
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

export function listTracksHandler(input: ParsedInput<'listTracks'>, ctx: ApiContext): Output<'listTracks'> {
  if (input.query !== undefined && input.query.trim() !== '') return searchPage({ query: input.query, offset: input.offset, limit: input.limit, sort: input.sort }, ctx);
  const total = ctx.db.prepare('SELECT count(*) FROM tracks').pluck().get() as number;
  const ids = orderedIds(ctx.db, input.sort, input.offset, input.limit);
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
