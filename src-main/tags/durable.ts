import type { Db } from '../db/database.js';

/**
 * Runs `fn` in one transaction with SQLite's synchronous=FULL, so a label
 * write reaches the disk (WAL fsync at commit) before we report success.
 * The database default (NORMAL) is restored afterwards; the pragma cannot
 * change inside a transaction, hence the order.
 */
export function durableWrite<T>(db: Db, fn: () => T): T {
  const previous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = FULL');
  try {
    return db.transaction(fn).immediate();
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}
