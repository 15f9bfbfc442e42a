/** How much room analysis results take in the library database. */
import type { Db } from '../db/database.js';

export interface StorageReport {
  /** Tracks with stored results (status done) for the model. */
  readonly tracks: number;
  readonly segments: number;
  /** Bytes of float32 BLOBs (segments + song rows) for the model. */
  readonly payloadBytes: number;
  /** Pages of the analyses and segments tables, indexes included (all models); null when SQLite lacks dbstat. */
  readonly tableBytes: number | null;
  /** tableBytes (else payloadBytes) divided by tracks. */
  readonly bytesPerTrack: number | null;
}

export function analysisStorage(db: Db, modelId: string): StorageReport {
  const seg = db
    .prepare('SELECT count(*) AS n, coalesce(sum(length(probs) + length(embedding)), 0) AS bytes FROM segments WHERE model_id = ?')
    .get(modelId) as { n: number; bytes: number };
  const song = db
    .prepare(
      `SELECT count(*) AS n, coalesce(sum(coalesce(length(tags_mean), 0) + coalesce(length(tags_max), 0) + coalesce(length(embedding_mean), 0)), 0) AS bytes
       FROM analyses WHERE model_id = ? AND status = 'done'`,
    )
    .get(modelId) as { n: number; bytes: number };
  let tableBytes: number | null = null;
  try {
    // The primary key of a WITHOUT ROWID table is the table itself; the
    // autoindex of analyses is counted under its own name.
    const r = db
      .prepare("SELECT coalesce(sum(pgsize), 0) AS bytes FROM dbstat WHERE name IN ('analyses', 'segments') OR name LIKE 'sqlite_autoindex_analyses_%'")
      .get() as { bytes: number };
    tableBytes = r.bytes;
  } catch {
    tableBytes = null;
  }
  const payloadBytes = seg.bytes + song.bytes;
  const tracks = song.n;
  return {
    tracks,
    segments: seg.n,
    payloadBytes,
    tableBytes,
    bytesPerTrack: tracks > 0 ? Math.round((tableBytes ?? payloadBytes) / tracks) : null,
  };
}
