import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations/index.js';
import { EarmarkError } from '../core/errors.js';

export type Db = Database.Database;

export interface OpenOptions {
  readonly readonly?: boolean;
  /** Apply pending migrations (default true). Tests of migrations pass false. */
  readonly migrate?: boolean;
}

/**
 * Opens (creating if needed) a library database: WAL, foreign keys, a busy
 * timeout so a second reader waits instead of failing, and migrations.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Db;
  try {
    db = new Database(file, { readonly: options.readonly ?? false });
  } catch (err) {
    throw new EarmarkError('db_open', `cannot open database ${file}: ${(err as Error).message}`, { path: file, cause: err });
  }
  try {
    // busy_timeout first: switching to WAL takes a lock that another
    // connection (a running scan, the server) may hold for a moment.
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // NORMAL is durable in WAL mode except for the last transactions before a
    // power loss; user labels switch to FULL around their writes (see tags/).
    db.pragma('synchronous = NORMAL');
    if (options.migrate ?? true) migrate(db);
  } catch (err) {
    db.close();
    if (err instanceof EarmarkError) throw err;
    throw new EarmarkError('db_open', `cannot use database ${file}: ${(err as Error).message}`, { path: file, cause: err });
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies numbered migrations in order, each in its own transaction together
 * with the bump of user_version, so a crash leaves either the old or the new
 * schema, never half of one.
 */
export function migrate(db: Db, target: number = migrations.length): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new EarmarkError('db_version', `database schema version ${current} is newer than this Earmark (${migrations.length}); update Earmark`);
  }
  for (let v = current; v < target; v++) {
    const m = migrations[v]!;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
