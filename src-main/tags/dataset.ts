import type { Db } from '../db/database.js';
import { EarmarkError } from '../core/errors.js';

/**
 * Reading what the analysis job stored: per track and base model, the
 * segment embeddings (float32 BLOBs, in order of idx).
 */

/** The base model whose embeddings the tag models use: the active installed one that has analyses, else the one most tracks were analysed with. */
export function activeBaseModelId(db: Db): string | null {
  const active = db
    .prepare(
      `SELECT b.id FROM base_models b WHERE b.active = 1
          AND EXISTS (SELECT 1 FROM analyses a WHERE a.model_id = b.id AND a.status = 'done')
        ORDER BY b.installed_at DESC LIMIT 1`,
    )
    .pluck()
    .get() as string | undefined;
  if (active !== undefined) return active;
  const most = db.prepare("SELECT model_id FROM analyses WHERE status = 'done' GROUP BY model_id ORDER BY COUNT(*) DESC, model_id LIMIT 1").pluck().get() as string | undefined;
  return most ?? null;
}

export function analysedTrackIds(db: Db, baseModelId: string): number[] {
  return db.prepare("SELECT track_id FROM analyses WHERE model_id = ? AND status = 'done' ORDER BY track_id").pluck().all(baseModelId) as number[];
}

/** A copy as Float32Array (BLOBs from SQLite need not be 4-byte aligned). */
export function blobToFloats(buf: Buffer): Float32Array {
  const out = new Float32Array(buf.byteLength >>> 2);
  new Uint8Array(out.buffer).set(buf.subarray(0, out.length * 4));
  return out;
}

export interface SegmentsReader {
  /** All segment embeddings of a track (segments x dim, row-major), or null when it has none. */
  read(trackId: number): Float32Array | null;
  /** The embedding dimension, known after the first read (0 before). */
  readonly dim: number;
}

export function segmentsReader(db: Db, baseModelId: string): SegmentsReader {
  const stmt = db.prepare('SELECT embedding FROM segments WHERE track_id = ? AND model_id = ? ORDER BY idx').pluck();
  let dim = 0;
  return {
    get dim() {
      return dim;
    },
    read(trackId: number): Float32Array | null {
      const blobs = stmt.all(trackId, baseModelId) as Buffer[];
      if (blobs.length === 0) return null;
      const d = blobs[0]!.byteLength >>> 2;
      if (dim === 0) dim = d;
      if (d === 0 || d !== dim || blobs.some((b) => b.byteLength !== d * 4)) {
        throw new EarmarkError('bad_embedding', `track ${trackId}: segment embeddings of model ${baseModelId} have inconsistent sizes (expected ${dim} floats); re-run \`earmark analyze\``);
      }
      const out = new Float32Array(blobs.length * d);
      blobs.forEach((b, i) => { out.set(blobToFloats(b), i * d); });
      return out;
    },
  };
}
