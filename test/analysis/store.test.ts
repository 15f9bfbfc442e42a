import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { countPending, pendingTracks } from '../../src-main/analysis/queue.js';
import { saveTrackAnalysis, saveTrackError } from '../../src-main/analysis/store.js';
import { analysisStorage } from '../../src-main/analysis/storage.js';
import { blobToFloat32 } from '../../src-main/analysis/blobs.js';
import { resolveTrackId, trackDetail, topTags } from '../../src-main/analysis/track-detail.js';
import { tmpDir } from '../helpers/tmp.js';

const model = { id: 'choi-crnn-msd', version: '1.0.0' };
const shape = { nTags: 50, embeddingDim: 4 };

function insertTrack(db: Db, file: string, opts: { status?: string; hash?: string | null; raw?: Buffer } = {}): number {
  return Number(
    db
      .prepare("INSERT INTO tracks (path, path_raw, status, content_hash, title, added_at, updated_at) VALUES (?, ?, ?, ?, 'Café ☕', 1, 1)")
      .run(file, opts.raw ?? null, opts.status ?? 'ok', opts.hash === undefined ? `h-${file}` : opts.hash).lastInsertRowid,
  );
}

function segs(n: number, tagValue = (seg: number, tag: number) => (seg + 1) * 0.01 + tag * 0.001) {
  const probs = new Float32Array(n * 50);
  for (let s = 0; s < n; s++) for (let t = 0; t < 50; t++) probs[s * 50 + t] = tagValue(s, t);
  return {
    segmentCount: n,
    startSec: Float64Array.from({ length: n }, (_, i) => i * 29.12),
    endSec: Float64Array.from({ length: n }, (_, i) => (i + 1) * 29.12),
    probs,
    embeddings: Float32Array.from({ length: n * 4 }, (_, i) => i),
  };
}

function open(t: { after(fn: () => void): void }): Db {
  const db = openDatabase(path.join(tmpDir(t), 'lib.db'));
  t.after(() => db.close());
  return db;
}

test('the queue is every present track without a current analysis', (t) => {
  const db = open(t);
  const a = insertTrack(db, '/m/a.mp3');
  const b = insertTrack(db, '/m/b.mp3');
  insertTrack(db, '/m/gone.mp3', { status: 'missing' });
  const raw = Buffer.from([0x2f, 0x6d, 0x2f, 0xe9, 0x2e, 0x6d, 0x70, 0x33]); // "/m/\xE9.mp3", not UTF-8
  const c = insertTrack(db, '/m/\\xE9.mp3', { raw, hash: null });
  assert.deepEqual(pendingTracks(db, model).map((p) => p.trackId), [a, b, c]);
  const pc = pendingTracks(db, model).find((p) => p.trackId === c)!;
  assert.ok(Buffer.isBuffer(pc.file) && pc.file.equals(raw), 'a non-UTF-8 name is opened by its exact bytes');

  assert.equal(saveTrackAnalysis(db, model, shape, { trackId: a, contentHash: `h-/m/a.mp3` }, segs(3)), true);
  saveTrackError(db, model, { trackId: b, contentHash: 'h-/m/b.mp3' }, '/m/b.mp3: cannot decode: invalid data');
  saveTrackAnalysis(db, model, shape, { trackId: c, contentHash: null }, segs(1));
  assert.deepEqual(pendingTracks(db, model), [], 'done and failed tracks (null hash included) are not pending');
  assert.deepEqual(pendingTracks(db, model, { retryErrors: true }).map((p) => p.trackId), [b]);

  // A new model version, or changed content, puts a track back in the queue.
  assert.deepEqual(pendingTracks(db, { ...model, version: '1.1.0' }).map((p) => p.trackId), [a, b, c]);
  db.prepare("UPDATE tracks SET content_hash = 'other' WHERE id = ?").run(a);
  assert.deepEqual(pendingTracks(db, model).map((p) => p.trackId), [a]);
  assert.equal(countPending(db, model), 1);
  assert.equal(countPending(db, { id: 'another-model', version: '1' }), 3);
});

test('a track is stored whole in one go; re-analysis replaces its segments', (t) => {
  const db = open(t);
  const a = insertTrack(db, '/m/a.mp3');
  saveTrackAnalysis(db, model, shape, { trackId: a, contentHash: 'h' }, segs(3));
  const row = db.prepare('SELECT * FROM analyses WHERE track_id = ?').get(a) as { status: string; segment_count: number; tags_mean: Buffer; tags_max: Buffer; embedding_mean: Buffer; model_version: string };
  assert.equal(row.status, 'done');
  assert.equal(row.segment_count, 3);
  const mean = blobToFloat32(row.tags_mean);
  const max = blobToFloat32(row.tags_max);
  assert.equal(mean.length, 50);
  assert.ok(Math.abs(mean[0]! - 0.02) < 1e-6, `mean of tag 0 over 3 segments: ${mean[0]}`);
  assert.ok(Math.abs(max[0]! - 0.03) < 1e-6);
  assert.deepEqual([...blobToFloat32(row.embedding_mean)], [4, 5, 6, 7]);
  const segRows = db.prepare('SELECT idx, start_sec, end_sec, length(probs) AS pb, length(embedding) AS eb FROM segments WHERE track_id = ? ORDER BY idx').all(a);
  assert.deepEqual(segRows, [0, 1, 2].map((i) => ({ idx: i, start_sec: i * 29.12, end_sec: (i + 1) * 29.12, pb: 200, eb: 16 })));

  saveTrackAnalysis(db, { ...model, version: '2.0.0' }, shape, { trackId: a, contentHash: 'h' }, segs(2));
  assert.equal((db.prepare('SELECT count(*) AS n FROM segments').get() as { n: number }).n, 2);
  assert.equal((db.prepare('SELECT model_version FROM analyses').get() as { model_version: string }).model_version, '2.0.0');

  // An error under a new version drops the results made from the old one.
  saveTrackError(db, { ...model, version: '3.0.0' }, { trackId: a, contentHash: 'h' }, 'boom');
  assert.equal((db.prepare('SELECT count(*) AS n FROM segments').get() as { n: number }).n, 0);

  // Results for a track deleted meanwhile are dropped, not an error.
  assert.equal(saveTrackAnalysis(db, model, shape, { trackId: 999, contentHash: 'h' }, segs(1)), false);
  // A wrong shape is refused before anything is written.
  assert.throws(() => saveTrackAnalysis(db, model, shape, { trackId: a, contentHash: 'h' }, { ...segs(2), probs: new Float32Array(10) }), /expected 2 x 50 probabilities/);
});

test('storage reports bytes per analysed track', (t) => {
  const db = open(t);
  for (let i = 0; i < 4; i++) saveTrackAnalysis(db, model, shape, { trackId: insertTrack(db, `/m/${i}.mp3`), contentHash: null }, segs(8));
  const s = analysisStorage(db, model.id);
  assert.equal(s.tracks, 4);
  assert.equal(s.segments, 32);
  // Per segment 50 + 4 floats; per song 2 x 50 + 4.
  assert.equal(s.payloadBytes, 4 * (8 * 54 * 4 + 104 * 4));
  assert.ok(s.tableBytes !== null && s.tableBytes >= s.payloadBytes, `table bytes ${s.tableBytes} hold the payload ${s.payloadBytes}`);
  assert.equal(s.bytesPerTrack, Math.round(s.tableBytes / 4));
});

test('track detail: song-level and per-segment tags by name, found by id or path', (t) => {
  const db = open(t);
  const dir = tmpDir(t);
  const file = path.join(dir, 'song.mp3');
  const a = insertTrack(db, file, { hash: 'h' });
  const pending = trackDetail(db, String(a), {});
  assert.equal(pending.analysis, null);
  assert.equal(pending.baseTags, null);

  // Tag 9 (jazz in the model's order) strong in segment 1 only.
  saveTrackAnalysis(db, model, shape, { trackId: a, contentHash: 'h' }, segs(2, (s, tag) => (tag === 9 ? (s === 1 ? 0.9 : 0.5) : 0.01)));
  const d = trackDetail(db, path.relative(process.cwd(), file), {});
  assert.equal(d.id, a);
  assert.equal(d.metadata.title, 'Café ☕');
  assert.equal(d.analysis?.status, 'done');
  assert.equal(d.analysis.segmentCount, 2);
  assert.equal(Object.keys(d.baseTags!).length, 50);
  assert.deepEqual(topTags(d.baseTags!, 1), [['jazz', 0.7]]);
  assert.equal(d.baseTagsMax!.jazz, 0.9);
  assert.equal(d.segments.length, 2);
  assert.deepEqual(d.segments.map((s) => [s.index, s.startSec, s.baseTags.jazz]), [
    [0, 0, 0.5],
    [1, 29.12, 0.9],
  ]);
  assert.throws(() => resolveTrackId(db, '/no/such.mp3'), /no track with id or path \/no\/such.mp3/);
  assert.throws(() => resolveTrackId(db, '4242'), /no track with id or path 4242/);
});
