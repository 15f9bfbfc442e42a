/**
 * The analysis queue is not a table: it is derived from tracks versus
 * analyses, so whatever a crash interrupts is simply still pending on the
 * next run, and nothing can drift out of step.
 */
import type { Db } from '../db/database.js';
import { trackFsPath } from '../library/track-path.js';

export interface ModelKey {
  readonly id: string;
  readonly version: string;
}

export interface PendingTrack {
  readonly trackId: number;
  /** Display path (lossy when the name is not valid UTF-8). */
  readonly path: string;
  /** What to open: the exact bytes when the name is not valid UTF-8. */
  readonly file: string | Buffer;
  /** The content hash the results will be stored against. */
  readonly contentHash: string | null;
  /** The catalogue's duration, when known: spares the decoder a probe (one ffmpeg start per track). */
  readonly durationSec: number | null;
}

export interface QueueOptions {
  /** Also take tracks whose last analysis by this model version failed. */
  readonly retryErrors?: boolean;
  readonly limit?: number;
}

// A track needs analysis when it is present (status ok) and has no row for
// the model, or a row from another version, or a row made from other bytes.
// Failed rows of the same version and content are not retried by default:
// a broken file would otherwise cost a decode on every run.
const pendingWhere = `
  t.status = 'ok' AND (
    a.track_id IS NULL
    OR a.model_version <> @version
    OR a.content_hash IS NOT t.content_hash
    OR (@retryErrors = 1 AND a.status = 'error'))`;

const pendingFrom = 'FROM tracks t LEFT JOIN analyses a ON a.track_id = t.id AND a.model_id = @modelId';

export function pendingTracks(db: Db, model: ModelKey, options: QueueOptions = {}): PendingTrack[] {
  const rows = db
    .prepare(`SELECT t.id, t.path, t.path_raw, t.content_hash, t.duration_sec ${pendingFrom} WHERE ${pendingWhere} ORDER BY t.id LIMIT @limit`)
    .all({ modelId: model.id, version: model.version, retryErrors: options.retryErrors ? 1 : 0, limit: options.limit ?? -1 }) as {
    id: number;
    path: string;
    path_raw: Uint8Array | null;
    content_hash: string | null;
    duration_sec: number | null;
  }[];
  return rows.map((r) => ({ trackId: r.id, path: r.path, file: trackFsPath(r), contentHash: r.content_hash, durationSec: r.duration_sec }));
}

export function countPending(db: Db, model: ModelKey, options: QueueOptions = {}): number {
  const row = db
    .prepare(`SELECT count(*) AS n ${pendingFrom} WHERE ${pendingWhere}`)
    .get({ modelId: model.id, version: model.version, retryErrors: options.retryErrors ? 1 : 0 }) as { n: number };
  return row.n;
}
