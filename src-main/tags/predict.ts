import type { Db } from '../db/database.js';
import { CancelledError } from '../core/errors.js';
import { ProgressTracker, type ProgressListener } from '../core/progress.js';
import { segmentsReader } from './dataset.js';
import { loadActiveModel } from './model-store.js';
import { predictPart } from './inference.js';
import { ensureTagBackend } from './tf-backend.js';

export interface PredictOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Tracks per batch (read, predicted and written in one transaction). */
  readonly batchSize?: number;
}

export interface PredictResult {
  readonly modelId: number | null;
  /** Tracks that got predictions (tracks without segments of the model's base model are skipped). */
  readonly tracks: number;
}

/**
 * Writes the active tag model's probabilities (song level and per segment)
 * for the given tracks into `predictions`. Called after training for the
 * whole library and by the analysis job for tracks it has just analysed,
 * so new tracks get predictions without retraining. Without an active
 * model it does nothing.
 */
export async function predictForTracks(db: Db, trackIds: readonly number[], options: PredictOptions = {}): Promise<PredictResult> {
  const active = loadActiveModel(db);
  if (!active) return { modelId: null, tracks: 0 };
  const { row, model } = active;
  // The projection runs on the tfjs backend for every model (and the GRU where a tag chose it).
  await ensureTagBackend();
  const live = new Set(db.prepare('SELECT id FROM user_tags WHERE deleted_at IS NULL').pluck().all() as number[]);
  const reader = segmentsReader(db, model.baseModelId);
  const upsert = db.prepare(
    `INSERT INTO predictions (track_id, tag_id, tag_model_id, probability, segment_probs) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(track_id, tag_id) DO UPDATE SET tag_model_id = excluded.tag_model_id, probability = excluded.probability, segment_probs = excluded.segment_probs`,
  );
  const progress = new ProgressTracker('predict', trackIds.length);
  const batchSize = options.batchSize ?? 256;
  let written = 0;
  for (let start = 0; start < trackIds.length; start += batchSize) {
    if (options.signal?.aborted) throw new CancelledError('prediction cancelled');
    const ids: number[] = [];
    const raws: Float32Array[] = [];
    for (const id of trackIds.slice(start, start + batchSize)) {
      const raw = reader.read(id);
      if (!raw) continue;
      if (reader.dim !== model.embeddingDim) continue;
      ids.push(id);
      raws.push(raw);
    }
    const results = model.parts.map((part) => predictPart(part, raws, true));
    db.transaction(() => {
      for (const res of results) {
        const nHeads = res.tagIds.length;
        res.tagIds.forEach((tagId, hi) => {
          if (!live.has(tagId)) return;
          ids.forEach((trackId, i) => {
            const segs = res.segments[i]!;
            const s = segs.length / nHeads;
            const col = new Float32Array(s);
            for (let k = 0; k < s; k++) col[k] = segs[k * nHeads + hi]!;
            upsert.run(trackId, tagId, row.id, res.song[i]![hi]!, Buffer.from(col.buffer));
          });
        });
      }
    })();
    written += ids.length;
    progress.done = Math.min(trackIds.length, start + batchSize);
    options.onProgress?.(progress.snapshot());
  }
  return { modelId: row.id, tracks: written };
}

export { userTagsForTrack, type UserTagValue, type TrackUserTags } from './user-tags-view.js';
