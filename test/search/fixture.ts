import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { vocabularyOf, type BaseModelVocabulary } from '../../src-main/search/base-models.js';
import { tmpDir } from '../helpers/tmp.js';

/** A small stand-in base model (the real manifest's tags start the same way): 5 tags, 4-d embeddings. */
export const MODEL_ID = 'choi-crnn-msd';
export const BASE_TAGS = ['rock', 'pop', 'jazz', 'female vocalists', 'Hip-Hop'] as const;
export const baseModels: readonly BaseModelVocabulary[] = [vocabularyOf(MODEL_ID, BASE_TAGS)];

export interface TrackSpec {
  readonly path: string;
  readonly title?: string | null;
  readonly artist?: string | null;
  readonly album?: string | null;
  readonly genre?: string | null;
  readonly year?: number | null;
  readonly durationSec?: number | null;
  readonly format?: string | null;
  readonly codec?: string | null;
  readonly status?: 'ok' | 'missing' | 'error';
  readonly trackNo?: number | null;
}

export function blob(values: readonly number[]): Buffer {
  return Buffer.from(Float32Array.from(values).buffer);
}

export function insertTrack(db: Db, t: TrackSpec, now = 1_700_000_000_000): number {
  const r = db
    .prepare(
      `INSERT INTO tracks (path, status, title, artist, album, genre, year, duration_sec, format, codec, track_no, added_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(t.path, t.status ?? 'ok', t.title ?? null, t.artist ?? null, t.album ?? null, t.genre ?? null, t.year ?? null, t.durationSec ?? null, t.format ?? null, t.codec ?? null, t.trackNo ?? null, now, now);
  return Number(r.lastInsertRowid);
}

export function insertAnalysis(db: Db, trackId: number, tagsMean: readonly number[], embedding: readonly number[], options: { tagsMax?: readonly number[]; analysedAt?: number } = {}): void {
  db.prepare(
    `INSERT OR REPLACE INTO analyses (track_id, model_id, model_version, status, segment_count, tags_mean, tags_max, embedding_mean, analysed_at)
     VALUES (?, ?, '1.0.0', 'done', 1, ?, ?, ?, ?)`,
  ).run(trackId, MODEL_ID, blob(tagsMean), blob(options.tagsMax ?? tagsMean), blob(embedding), options.analysedAt ?? 1_700_000_000_000);
}

export function insertUserTag(db: Db, name: string, thresholdOverride: number | null = null): number {
  const r = db.prepare('INSERT INTO user_tags (name, name_key, created_at, threshold_override) VALUES (?, ?, 1, ?)').run(name, name.normalize('NFKC').toLowerCase(), thresholdOverride);
  return Number(r.lastInsertRowid);
}

export function insertTagModel(db: Db, status: 'active' | 'previous' = 'active'): number {
  const r = db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status) VALUES (1, 'm', ?, 1, ?)").run(MODEL_ID, status);
  return Number(r.lastInsertRowid);
}

export function setQuality(db: Db, modelId: number, tagId: number, threshold: number): void {
  db.prepare("INSERT OR REPLACE INTO tag_quality (tag_model_id, tag_id, chosen, threshold, n_yes, n_no) VALUES (?, ?, 'logreg', ?, 5, 5)").run(modelId, tagId, threshold);
}

export function predict(db: Db, modelId: number, tagId: number, trackId: number, probability: number, segmentProbs: readonly number[] | null = null): void {
  db.prepare('INSERT OR REPLACE INTO predictions (track_id, tag_id, tag_model_id, probability, segment_probs) VALUES (?, ?, ?, ?, ?)').run(trackId, tagId, modelId, probability, segmentProbs ? blob(segmentProbs) : null);
}

export function label(db: Db, tagId: number, trackId: number, value: 0 | 1, at = Date.now()): void {
  db.prepare('INSERT OR REPLACE INTO labels (tag_id, track_id, value, updated_at) VALUES (?, ?, ?, ?)').run(tagId, trackId, value, at);
}

export interface Library {
  readonly db: Db;
  readonly dir: string;
  /** Track ids by a short name. */
  readonly ids: Readonly<Record<string, number>>;
  readonly warm: number;
  readonly tagModel: number;
}

/**
 * A small library with names that exercise accents, case and odd characters,
 * analyses for all but one track, and one user tag "warm" with predictions,
 * segment probabilities and labels.
 */
export function makeLibrary(t: { after(fn: () => void): void }): Library {
  const dir = tmpDir(t, 'earmark-search-');
  const db = openDatabase(path.join(dir, 'lib.db'));
  t.after(() => db.close());
  const ids: Record<string, number> = {};
  const add = (key: string, spec: TrackSpec) => (ids[key] = insertTrack(db, spec));
  add('cafe', { path: '/music/Ébène/01 Café del Mar.mp3', title: 'Café del Mar', artist: 'Énergie', album: 'Ébène', genre: 'Ambient', year: 1993, durationSec: 412.4, format: 'MPEG', codec: 'MPEG 1 Layer 3', trackNo: 1 });
  add('love', { path: '/music/Beatles/Love Me Do.flac', title: 'Love Me Do', artist: 'The Beatles', album: 'Please Please Me', genre: 'Rock', year: 1963, durationSec: 142, format: 'FLAC', codec: 'FLAC', trackNo: 8 });
  add('lovely', { path: '/music/Jazz/Lovely Day.ogg', title: 'Lovely Day', artist: 'Bill Withers', album: 'Menagerie', genre: 'Soul', year: 1977, durationSec: 255, format: 'Ogg', codec: 'Vorbis', trackNo: 1 });
  add('blue', { path: '/music/Jazz/So What.mp3', title: 'So What', artist: 'Miles Davis', album: 'Kind of Blue', genre: 'Jazz', year: 1959, durationSec: 562, format: 'MPEG', codec: 'MPEG 1 Layer 3', trackNo: 1 });
  add('nineties', { path: '/music/Rock/Smells Like Teen Spirit.mp3', title: 'Smells Like Teen Spirit', artist: 'Nirvana', album: 'Nevermind', genre: 'Grunge', year: 1991, durationSec: 301, format: 'MPEG', codec: 'MPEG 1 Layer 3', trackNo: 1 });
  add('untagged', { path: '/music/Unknown/track 07 "live".wav', title: null, artist: null, album: null, genre: null, year: null, durationSec: 61, format: 'WAVE', codec: 'PCM' });
  add('gone', { path: '/music/Gone/Vanished.mp3', title: 'Vanished Love', artist: 'Ghost', album: 'Nowhere', genre: 'Rock', year: 1995, durationSec: 200, format: 'MPEG', status: 'missing' });

  // Base tags: rock, pop, jazz, female vocalists, Hip-Hop. Embeddings: 4-d, "cafe" and "lovely" close.
  insertAnalysis(db, ids.cafe!, [0.1, 0.2, 0.45, 0.3, 0.05], [1, 0, 0, 0]);
  insertAnalysis(db, ids.love!, [0.9, 0.6, 0.01, 0.02, 0.03], [0, 1, 0, 0]);
  insertAnalysis(db, ids.lovely!, [0.2, 0.3, 0.35, 0.6, 0.4], [0.9, 0.1, 0, 0], { tagsMax: [0.3, 0.5, 0.9, 0.8, 0.6] });
  insertAnalysis(db, ids.blue!, [0.05, 0.02, 0.95, 0.01, 0.01], [0.5, 0, 0.5, 0]);
  insertAnalysis(db, ids.nineties!, [0.8, 0.3, 0.02, 0.05, 0.1], [0, 0.7, 0, 0.7]);
  insertAnalysis(db, ids.gone!, [0.5, 0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0]);

  // User tag "warm": threshold 0.6 from the active model (0.2 from an older one must not count).
  const warm = insertUserTag(db, 'warm');
  const old = insertTagModel(db, 'previous');
  const tagModel = insertTagModel(db, 'active');
  setQuality(db, old, warm, 0.2);
  setQuality(db, tagModel, warm, 0.6);
  predict(db, tagModel, warm, ids.cafe!, 0.9, [0.7, 0.95]);
  predict(db, tagModel, warm, ids.love!, 0.3, [0.1, 0.65]);
  predict(db, tagModel, warm, ids.lovely!, 0.65, [0.6, 0.7]);
  predict(db, tagModel, warm, ids.blue!, 0.85, [0.8, 0.9]);
  predict(db, tagModel, warm, ids.nineties!, 0.1, [0.05, 0.2]);
  label(db, warm, ids.blue!, 0); // the user says no, whatever the model thinks
  label(db, warm, ids.nineties!, 1); // and yes here
  insertUserTag(db, 'late night');
  return { db, dir, ids, warm, tagModel };
}
