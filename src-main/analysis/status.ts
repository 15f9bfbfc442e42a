/** Where the analysis stands for the installed base model: what `earmark analyze --status` and the app show. */
import type { Db } from '../db/database.js';
import { installedBaseModel } from '../model/registry.js';
import { countPending } from './queue.js';
import { analysisStorage, type StorageReport } from './storage.js';

export interface AnalysisStatus {
  readonly model: { readonly id: string; readonly version: string } | null;
  /** Present tracks (status ok). */
  readonly tracks: number;
  /** Analysed by the installed version, from the current content. */
  readonly analysed: number;
  /** Still to do (never analysed, analysed by another version, or changed since). */
  readonly pending: number;
  /** Of pending: analysed before, by another model version or from other content. */
  readonly outdated: number;
  /** Failed with the installed version (not retried unless asked). */
  readonly errors: number;
  readonly storage: StorageReport | null;
}

export function analysisStatus(db: Db, env: NodeJS.ProcessEnv = process.env): AnalysisStatus {
  const tracks = (db.prepare("SELECT count(*) AS n FROM tracks WHERE status = 'ok'").get() as { n: number }).n;
  const model = installedBaseModel(db, env);
  if (!model) return { model: null, tracks, analysed: 0, pending: tracks, outdated: 0, errors: 0, storage: null };
  const key = { id: model.id, version: model.version };
  const counts = db
    .prepare(
      `SELECT
         sum(CASE WHEN a.status = 'done' THEN 1 ELSE 0 END) AS analysed,
         sum(CASE WHEN a.status = 'error' THEN 1 ELSE 0 END) AS errors
       FROM tracks t JOIN analyses a ON a.track_id = t.id AND a.model_id = @id
       WHERE t.status = 'ok' AND a.model_version = @version AND a.content_hash IS t.content_hash`,
    )
    .get(key) as { analysed: number | null; errors: number | null };
  const pending = countPending(db, key);
  const outdated = (
    db
      .prepare(
        `SELECT count(*) AS n FROM tracks t JOIN analyses a ON a.track_id = t.id AND a.model_id = @id
         WHERE t.status = 'ok' AND (a.model_version <> @version OR a.content_hash IS NOT t.content_hash)`,
      )
      .get(key) as { n: number }
  ).n;
  return { model: key, tracks, analysed: counts.analysed ?? 0, pending, outdated, errors: counts.errors ?? 0, storage: analysisStorage(db, model.id) };
}
