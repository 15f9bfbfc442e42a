/**
 * Writes analysis results. Each track's results go in ONE transaction
 * (old segments out, new segments and the song row in), so a crash leaves a
 * track either fully analysed or still pending, never half stored.
 */
import type { Db } from '../db/database.js';
import { float32ToBlob } from './blobs.js';
import { summariseSong } from './aggregate.js';
import type { ModelKey } from './queue.js';

export interface TrackSegments {
  readonly segmentCount: number;
  readonly startSec: Float64Array;
  readonly endSec: Float64Array;
  /** Packed rows of nTags probabilities. */
  readonly probs: Float32Array;
  /** Packed rows of embeddingDim values. */
  readonly embeddings: Float32Array;
}

export interface TrackRef {
  readonly trackId: number;
  readonly contentHash: string | null;
}

export interface StoreShape {
  readonly nTags: number;
  readonly embeddingDim: number;
}

/** Stores one track's segments and song-level summary; returns false when the track no longer exists. */
export function saveTrackAnalysis(db: Db, model: ModelKey, shape: StoreShape, track: TrackRef, seg: TrackSegments, nowMs = Date.now()): boolean {
  const n = seg.segmentCount;
  if (n < 1) throw new Error('no segments to store');
  if (seg.probs.length !== n * shape.nTags) throw new Error(`expected ${n} x ${shape.nTags} probabilities, got ${seg.probs.length}`);
  if (seg.embeddings.length !== n * shape.embeddingDim) throw new Error(`expected ${n} x ${shape.embeddingDim} embedding values, got ${seg.embeddings.length}`);
  if (seg.startSec.length !== n || seg.endSec.length !== n) throw new Error(`expected ${n} segment times`);
  const song = summariseSong(seg.probs, seg.embeddings, n, shape.nTags, shape.embeddingDim);
  return db.transaction(() => {
    if (!trackExists(db, track.trackId)) return false;
    deleteSegments(db, track.trackId, model.id);
    const insert = db.prepare('INSERT INTO segments (track_id, model_id, idx, start_sec, end_sec, probs, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < n; i++) {
      insert.run(
        track.trackId,
        model.id,
        i,
        seg.startSec[i],
        seg.endSec[i],
        float32ToBlob(seg.probs.subarray(i * shape.nTags, (i + 1) * shape.nTags)),
        float32ToBlob(seg.embeddings.subarray(i * shape.embeddingDim, (i + 1) * shape.embeddingDim)),
      );
    }
    upsertAnalysis(db, {
      track_id: track.trackId,
      model_id: model.id,
      model_version: model.version,
      status: 'done',
      error: null,
      content_hash: track.contentHash,
      segment_count: n,
      tags_mean: float32ToBlob(song.tagsMean),
      tags_max: float32ToBlob(song.tagsMax),
      embedding_mean: float32ToBlob(song.embeddingMean),
      analysed_at: nowMs,
    });
    return true;
  })();
}

/** Records that a track could not be analysed by this model version (its earlier results are dropped: they were for other audio or another model). */
export function saveTrackError(db: Db, model: ModelKey, track: TrackRef, message: string, nowMs = Date.now()): boolean {
  return db.transaction(() => {
    if (!trackExists(db, track.trackId)) return false;
    deleteSegments(db, track.trackId, model.id);
    upsertAnalysis(db, {
      track_id: track.trackId,
      model_id: model.id,
      model_version: model.version,
      status: 'error',
      error: message,
      content_hash: track.contentHash,
      segment_count: null,
      tags_mean: null,
      tags_max: null,
      embedding_mean: null,
      analysed_at: nowMs,
    });
    return true;
  })();
}

/** A row of `analyses` as stored (BLOBs are float32). */
export interface AnalysisRow {
  track_id: number;
  model_id: string;
  model_version: string;
  status: 'done' | 'error';
  error: string | null;
  content_hash: string | null;
  segment_count: number | null;
  tags_mean: Buffer | null;
  tags_max: Buffer | null;
  embedding_mean: Buffer | null;
  analysed_at: number;
}

function upsertAnalysis(db: Db, row: AnalysisRow): void {
  db.prepare(
    `INSERT OR REPLACE INTO analyses (track_id, model_id, model_version, status, error, content_hash, segment_count, tags_mean, tags_max, embedding_mean, analysed_at)
     VALUES (@track_id, @model_id, @model_version, @status, @error, @content_hash, @segment_count, @tags_mean, @tags_max, @embedding_mean, @analysed_at)`,
  ).run(row);
}

function deleteSegments(db: Db, trackId: number, modelId: string): void {
  db.prepare('DELETE FROM segments WHERE track_id = ? AND model_id = ?').run(trackId, modelId);
}

function trackExists(db: Db, trackId: number): boolean {
  return db.prepare('SELECT 1 FROM tracks WHERE id = ?').get(trackId) !== undefined;
}
