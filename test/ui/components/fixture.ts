/**
 * A library for the component tests, written straight into a real database: N tracks with
 * predictable names (track id i: artist "Artist 00i", title "Title (N+1-i)"), one user tag
 * "warm" with a prediction for every track, and the first few tracks analysed (embeddings,
 * so "Label next" has suggestions) with real audio (one generated file, hard-linked).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../../src-main/db/database.js';
import { makeAudio } from '../../helpers/audio.js';

export interface FixtureTrack {
  readonly id: number;
  readonly title: string;
  readonly artist: string;
  readonly year: number;
  readonly warm: number;
}

export interface Fixture {
  readonly db: Db;
  readonly dbPath: string;
  readonly tracks: readonly FixtureTrack[];
  readonly warmTagId: number;
}

const pad = (n: number): string => String(n).padStart(3, '0');

export function makeFixture(dir: string, trackCount: number, analysedCount: number): Fixture {
  const dbPath = path.join(dir, 'library.db');
  const db = openDatabase(dbPath);
  const audio = makeAudio(path.join(dir, 'music', 'tone.mp3'), { durationSec: 30, freqHz: 330 });
  const tracks: FixtureTrack[] = [];
  const warmTagId = db.transaction(() => {
    const insertTrack = db.prepare(
      `INSERT INTO tracks (id, path, status, title, artist, album, genre, year, duration_sec, format, track_no, added_at, updated_at)
       VALUES (?, ?, 'ok', ?, ?, ?, ?, ?, ?, 'MPEG', ?, ?, ?)`,
    );
    const insertAnalysis = db.prepare(
      `INSERT INTO analyses (track_id, model_id, model_version, status, segment_count, tags_mean, tags_max, embedding_mean, analysed_at)
       VALUES (?, 'choi-crnn-msd', '1.0.0', 'done', 1, ?, ?, ?, ?)`,
    );
    const tagId = Number(db.prepare("INSERT INTO user_tags (name, name_key, created_at) VALUES ('warm', 'warm', 1)").run().lastInsertRowid);
    const model = Number(db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status) VALUES (1, 'fixture', 'choi-crnn-msd', 1, 'active')").run().lastInsertRowid);
    db.prepare("INSERT INTO tag_quality (tag_model_id, tag_id, chosen, threshold, n_yes, n_no) VALUES (?, ?, 'logreg', 0.5, 10, 10)").run(model, tagId);
    const insertPrediction = db.prepare('INSERT INTO predictions (track_id, tag_id, tag_model_id, probability) VALUES (?, ?, ?, ?)');
    const tagsBlob = Buffer.from(new Float32Array(50).fill(0.1).buffer);
    for (let id = 1; id <= trackCount; id++) {
      const t: FixtureTrack = { id, title: `Title ${pad(trackCount + 1 - id)}`, artist: `Artist ${pad(id)}`, year: 1950 + (id % 60), warm: ((id * 37) % 101) / 100 };
      tracks.push(t);
      const file = path.join(dir, 'music', `${pad(id)}.mp3`);
      if (id <= analysedCount) fs.linkSync(audio, file);
      insertTrack.run(id, file, t.title, t.artist, `Album ${id % 7}`, id % 2 ? 'Jazz' : 'Rock', t.year, 30, id, id, id);
      insertPrediction.run(id, tagId, model, t.warm);
      if (id <= analysedCount) {
        // Embeddings that differ from track to track, so suggestions are spread out.
        const emb = new Float32Array(32).map((_, j) => Math.sin(id * (j + 1)));
        insertAnalysis.run(id, tagsBlob, tagsBlob, Buffer.from(emb.buffer), id);
      }
    }
    return tagId;
  })();
  return { db, dbPath, tracks, warmTagId };
}
