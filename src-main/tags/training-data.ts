import type { Db } from '../db/database.js';
import { EarmarkError } from '../core/errors.js';
import { Rng } from './rng.js';
import { analysedTrackIds, segmentsReader } from './dataset.js';
import type { TrainerTag } from './trainer.js';
import type { TrainTagInput } from './types.js';

/** Segment embeddings sampled (without labels) to fit the input projection. */
export const PROJECTION_SAMPLE_SEGMENTS = 3000;

export interface TrainingData {
  readonly tags: TrainerTag[];
  readonly sequences: Map<number, Float32Array>;
  readonly dim: number;
  readonly projectionSample: Float32Array;
}

/**
 * Labels of the given tags on tracks analysed with the base model, those
 * tracks' segment embeddings, and a seeded sample of the library's segments.
 * Labels on tracks not analysed yet are kept in the database but unused.
 */
export function loadTrainingData(db: Db, baseModelId: string, tags: readonly TrainTagInput[], seed: number): TrainingData {
  const reader = segmentsReader(db, baseModelId);
  const labelStmt = db.prepare(
    `SELECT l.track_id AS trackId, l.value FROM labels l
       JOIN analyses a ON a.track_id = l.track_id AND a.model_id = ? AND a.status = 'done'
      WHERE l.tag_id = ? ORDER BY l.track_id`,
  );
  const sequences = new Map<number, Float32Array>();
  const out: TrainerTag[] = [];
  for (const t of tags) {
    const labels = new Map<number, 0 | 1>();
    for (const r of labelStmt.all(baseModelId, t.id) as { trackId: number; value: 0 | 1 }[]) {
      let seq = sequences.get(r.trackId);
      if (!seq) {
        const read = reader.read(r.trackId);
        if (!read) continue;
        seq = read;
        sequences.set(r.trackId, seq);
      }
      labels.set(r.trackId, r.value);
    }
    out.push({ id: t.id, name: t.name, labels });
  }
  const all = Rng.derive(seed, 'projection-sample').shuffle(analysedTrackIds(db, baseModelId));
  const rows: Float32Array[] = [];
  let n = 0;
  for (const id of all) {
    if (n >= PROJECTION_SAMPLE_SEGMENTS) break;
    const seq = sequences.get(id) ?? reader.read(id);
    if (!seq) continue;
    rows.push(seq);
    n += seq.length / reader.dim;
  }
  const dim = reader.dim;
  if (dim === 0) throw new EarmarkError('no_analysis', `no segment embeddings of base model ${baseModelId}; run \`earmark analyze\` first`);
  const sample = new Float32Array(Math.min(n, PROJECTION_SAMPLE_SEGMENTS) * dim);
  let at = 0;
  for (const r of rows) {
    const take = Math.min(r.length, sample.length - at);
    sample.set(r.subarray(0, take), at);
    at += take;
  }
  return { tags: out, sequences, dim, projectionSample: sample };
}
