import type { Db } from '../db/database.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { validateQuery, type SearchOptions } from './search.js';

/** A smart playlist: a saved query, evaluated whenever it is played or exported. */
export interface Playlist {
  readonly id: number;
  readonly name: string;
  readonly query: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export function playlistKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim();
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw new UsageError('a playlist needs a name');
  if (trimmed.length > 200) throw new UsageError(`playlist name is too long (${trimmed.length} characters, at most 200)`);
  if (/\p{Cc}/u.test(trimmed)) throw new UsageError(`playlist name ${JSON.stringify(trimmed)} contains control characters`);
  return trimmed;
}

type Row = { id: number; name: string; query: string; created_at: number; updated_at: number };
const toPlaylist = (r: Row): Playlist => ({ id: r.id, name: r.name, query: r.query, createdAt: r.created_at, updatedAt: r.updated_at });

/**
 * Saves (or replaces, matching the name case-insensitively) a playlist. The
 * query is checked first: syntax and names must resolve now, so a typo is
 * caught when saving rather than when playing.
 */
export function savePlaylist(db: Db, name: string, query: string, options: Pick<SearchOptions, 'baseModels'> = {}, now: number = Date.now()): { playlist: Playlist; replaced: boolean } {
  const clean = checkName(name);
  validateQuery(db, query, options);
  const key = playlistKey(clean);
  const replaced = db.prepare('SELECT 1 FROM playlists WHERE name_key = ?').get(key) !== undefined;
  const row = db
    .prepare(
      `INSERT INTO playlists (name, name_key, query, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(name_key) DO UPDATE SET name = excluded.name, query = excluded.query, updated_at = excluded.updated_at
       RETURNING id, name, query, created_at, updated_at`,
    )
    .get(clean, key, query, now, now) as Row;
  return { playlist: toPlaylist(row), replaced };
}

export function listPlaylists(db: Db): Playlist[] {
  return (db.prepare('SELECT id, name, query, created_at, updated_at FROM playlists ORDER BY name COLLATE NOCASE').all() as Row[]).map(toPlaylist);
}

export function getPlaylist(db: Db, name: string): Playlist | null {
  const row = db.prepare('SELECT id, name, query, created_at, updated_at FROM playlists WHERE name_key = ?').get(playlistKey(name)) as Row | undefined;
  return row ? toPlaylist(row) : null;
}

export function deletePlaylist(db: Db, name: string): Playlist {
  const p = getPlaylist(db, name);
  if (!p) throw new NotFoundError(`no playlist named ${JSON.stringify(name)}`);
  db.prepare('DELETE FROM playlists WHERE id = ?').run(p.id);
  return p;
}
