import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { UsageError, NotFoundError } from '../core/errors.js';
import { fsErrorText } from './walk.js';

/** Why the last scan of a root did or did not look inside it. */
export type RootStatus = 'ok' | 'unavailable' | 'empty' | 'unreadable';

export interface Root {
  readonly id: number;
  readonly path: string;
  readonly addedAt: number;
  readonly lastScanAt: number | null;
  readonly lastStatus: RootStatus | null;
}

interface RootRow {
  id: number;
  path: string;
  added_at: number;
  last_scan_at: number | null;
  last_status: RootStatus | null;
}

const toRoot = (r: RootRow): Root => ({ id: r.id, path: r.path, addedAt: r.added_at, lastScanAt: r.last_scan_at, lastStatus: r.last_status });

/** Absolute, normalised form of a folder path as roots store it (symlinks kept as the user named them). */
export function normaliseRootPath(folder: string): string {
  const p = path.resolve(folder);
  return p.length > 1 && p.endsWith(path.sep) ? p.slice(0, -1) : p;
}

/**
 * Adds a folder as a library root (or returns the existing one). The folder
 * must exist now: a typo should fail loudly rather than be remembered.
 */
export function addRoot(db: Db, folder: string, nowMs: number = Date.now()): Root {
  const p = normaliseRootPath(folder);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    throw new UsageError(`cannot add folder ${p}: ${fsErrorText(err)}`, { path: p, cause: err });
  }
  if (!st.isDirectory()) throw new UsageError(`cannot add ${p}: not a folder`, { path: p });
  db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?) ON CONFLICT(path) DO NOTHING').run(p, nowMs);
  return toRoot(db.prepare('SELECT * FROM roots WHERE path = ?').get(p) as RootRow);
}

/**
 * Forgets a root. Its tracks stay, with their labels and analyses (root_id
 * becomes NULL); scanning the folder again later finds them by path.
 */
export function removeRoot(db: Db, folder: string): void {
  const p = normaliseRootPath(folder);
  const res = db.prepare('DELETE FROM roots WHERE path = ?').run(p);
  if (res.changes === 0) throw new NotFoundError(`${p} is not a library folder`);
}

export function listRoots(db: Db): Root[] {
  return (db.prepare('SELECT * FROM roots ORDER BY path').all() as RootRow[]).map(toRoot);
}

/**
 * Whether a root can be scanned now. Anything but 'ok' means: do not touch
 * the tracks under it (an unmounted disk is not a deleted library).
 */
export async function probeRoot(rootPath: string): Promise<{ status: RootStatus; message: string | null }> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(rootPath);
  } catch (err) {
    return { status: 'unavailable', message: `library folder ${rootPath} is unavailable (${fsErrorText(err)}); its tracks were left as they were` };
  }
  if (!st.isDirectory()) return { status: 'unavailable', message: `library folder ${rootPath} is not a folder; its tracks were left as they were` };
  let names: string[];
  try {
    names = await fs.promises.readdir(rootPath);
  } catch (err) {
    return { status: 'unreadable', message: `library folder ${rootPath} cannot be read (${fsErrorText(err)}); its tracks were left as they were` };
  }
  // An empty mount point looks exactly like an unmounted disk.
  if (names.length === 0) return { status: 'empty', message: `library folder ${rootPath} is empty (not mounted?); its tracks were left as they were` };
  return { status: 'ok', message: null };
}
