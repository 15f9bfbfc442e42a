import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { tmpDir } from '../helpers/tmp.js';
import { createTag, deleteTag, findTag } from '../../src-main/tags/vocabulary.js';
import { setLabels } from '../../src-main/tags/labels.js';
import { listTags } from '../../src-main/tags/quality.js';
import { trainTagModels } from '../../src-main/tags/train.js';
import { predictForTracks, userTagsForTrack } from '../../src-main/tags/predict.js';
import { suggestTracks } from '../../src-main/tags/suggest.js';
import { runTraining } from '../../src-main/tags/trainer.js';
import { ensureTagBackend } from '../../src-main/tags/tf-backend.js';
import { readModel, parseModel, serialiseModel } from '../../src-main/tags/model-store.js';
import { loadTrainingData } from '../../src-main/tags/training-data.js';
import { addSyntheticLibrary, labelByClass, BASE_MODEL, type SyntheticLibrary } from './fixtures.js';
import { runCli } from '../cli/cli-helpers.js';

/** Small and fast: few GRU steps; the logic is the same at any size. */
const FAST = { targetUpdates: 12, units: 32 } as const;

function setup(t: { after(fn: () => void): void }, tracks = 60): { db: Db; dir: string; lib: SyntheticLibrary } {
  const dir = tmpDir(t);
  const db = openDatabase(path.join(dir, 'lib.db'));
  t.after(() => db.close());
  const lib = addSyntheticLibrary(db, { tracks, dim: 24, separation: 2, maxSegments: 6 });
  createTag(db, 'Rainy Sunday');
  const { yes, no } = labelByClass(lib, 30, 0);
  setLabels(db, 'rainy sunday', yes, 'yes');
  setLabels(db, 'rainy sunday', no, 'no');
  createTag(db, 'sparse');
  setLabels(db, 'sparse', [lib.ids[0]!, lib.ids[1]!], 'yes');
  setLabels(db, 'sparse', [lib.ids[2]!], 'no');
  return { db, dir, lib };
}

function predictionRows(db: Db): unknown[] {
  return db.prepare('SELECT track_id, tag_id, probability, hex(segment_probs) AS s FROM predictions ORDER BY track_id, tag_id').all();
}

test('train: cross-validated quality stored, too-few-label tags skipped, every analysed track predicted (song and segments)', async (t) => {
  const { db, dir, lib } = setup(t);
  const r = await trainTagModels(db, { dataDir: dir, seed: 5, settings: FAST });
  assert.ok(r.modelId !== null);
  assert.deepEqual(r.skipped.map((s) => s.name), ['sparse']);
  assert.match(r.skipped[0]!.reason, /needs at least 3 yes and 3 no.*has 2 yes, 1 no.*1 more yes and 2 more no/);
  const q = r.trained[0]!;
  assert.equal(q.name, 'Rainy Sunday');
  assert.ok(q.rocAuc! > 0.9, `separable signal learned (ROC-AUC ${q.rocAuc})`);
  assert.ok(q.details.candidates.gru !== null && q.details.candidates.logreg.rocAuc !== null);
  assert.equal(q.details.k, 5);
  assert.deepEqual(q.details.learningCurve.points.map((p) => p.fraction), [0.25, 0.5, 0.75, 1]);
  assert.ok(q.threshold > 0 && q.threshold < 1);
  assert.equal(q.nYes + q.nNo, 30);

  const listed = listTags(db).find((x) => x.name === 'Rainy Sunday')!;
  assert.equal(listed.quality!.rocAuc, q.rocAuc);
  assert.equal(listed.quality!.details!.learningCurve.points.length, 4);
  assert.equal(listed.threshold.source, 'trained');

  assert.equal(r.predictedTracks, lib.ids.length);
  const tag = findTag(db, 'rainy sunday')!;
  const n = db.prepare('SELECT COUNT(*) FROM predictions WHERE tag_id = ? AND tag_model_id = ?').pluck().get(tag.id, r.modelId);
  assert.equal(n, lib.ids.length);
  // Unlabelled tracks of the yes class score higher than the others.
  const unl = lib.ids.map((id, i) => ({ id, c: lib.classes[i]! })).slice(30);
  const view = unl.map((u) => ({ c: u.c, u: userTagsForTrack(db, u.id) }));
  const mean = (c: boolean) => {
    const v = view.filter((x) => (x.c === 0) === c).map((x) => x.u.song['Rainy Sunday']!.probability!);
    return v.reduce((a, b) => a + b, 0) / v.length;
  };
  assert.ok(mean(true) > mean(false) + 0.3);
  const one = userTagsForTrack(db, lib.ids[0]!);
  assert.equal(one.song['Rainy Sunday']!.label, 'yes');
  assert.deepEqual(one.song.sparse, { probability: null, label: 'yes' });
  const segCount = db.prepare('SELECT COUNT(*) FROM segments WHERE track_id = ?').pluck().get(lib.ids[0]) as number;
  assert.equal(one.segments.length, segCount);
  for (const s of one.segments) assert.ok(s['Rainy Sunday']! >= 0 && s['Rainy Sunday']! <= 1);
  // The files: the model folder, loadable and valid.
  const m = readModel(path.join(dir, 'tag-models', String(r.modelId)));
  assert.equal(m.baseModelId, BASE_MODEL);
});

test('same seed, same metrics and predictions; another seed may differ but stays valid', async (t) => {
  const a = setup(t);
  const b = setup(t);
  const ra = await trainTagModels(a.db, { dataDir: a.dir, seed: 11, settings: FAST });
  const rb = await trainTagModels(b.db, { dataDir: b.dir, seed: 11, settings: FAST });
  assert.deepEqual(ra.trained, rb.trained);
  assert.deepEqual(predictionRows(a.db), predictionRows(b.db));
});

test('versions: a retrain activates a new model, keeps the previous, carries untrained tags, never touches labels', async (t) => {
  const { db, dir, lib } = setup(t);
  createTag(db, 'other');
  const o = labelByClass(lib, 30, 1);
  setLabels(db, 'other', o.yes, 'yes');
  setLabels(db, 'other', o.no, 'no');
  const labelsBefore = db.prepare('SELECT * FROM labels ORDER BY tag_id, track_id').all();
  const first = await trainTagModels(db, { dataDir: dir, seed: 1, settings: { ...FAST, noGru: true } });
  const second = await trainTagModels(db, { dataDir: dir, tags: ['RAINY SUNDAY'], seed: 2, settings: { ...FAST, noGru: true } });
  assert.deepEqual(second.carried, ['other']);
  const rows = db.prepare('SELECT id, status FROM tag_models ORDER BY id').all();
  assert.deepEqual(rows, [
    { id: first.modelId, status: 'previous' },
    { id: second.modelId, status: 'active' },
  ]);
  assert.ok(fs.existsSync(path.join(dir, 'tag-models', String(first.modelId), 'model.json')));
  const other = listTags(db).find((x) => x.name === 'other')!;
  assert.equal(other.quality!.modelId, second.modelId);
  assert.equal(other.quality!.details!.carriedFromModel, first.modelId);
  assert.deepEqual(db.prepare('SELECT * FROM labels ORDER BY tag_id, track_id').all(), labelsBefore);
  // A deleted tag's predictions are not shown.
  deleteTag(db, 'other');
  assert.equal(userTagsForTrack(db, lib.ids[0]!).song.other, undefined);
});

test('tracks analysed after training get predictions without retraining', async (t) => {
  const { db, dir } = setup(t);
  const r = await trainTagModels(db, { dataDir: dir, seed: 3, settings: FAST });
  const more = addSyntheticLibrary(db, { tracks: 5, dim: 24, separation: 2, maxSegments: 6, seed: 9, pathPrefix: '/music/later' });
  assert.equal(userTagsForTrack(db, more.ids[0]!).song['Rainy Sunday']!.probability, null);
  const p = await predictForTracks(db, more.ids);
  assert.deepEqual(p, { modelId: r.modelId, tracks: 5 });
  const u = userTagsForTrack(db, more.ids[0]!);
  assert.equal(typeof u.song['Rainy Sunday']!.probability, 'number');
  assert.ok(u.segments.length > 0);
});

test('suggestions: similar to the yes labels before training, uncertain and distinct after', async (t) => {
  const { db, dir, lib } = setup(t);
  const before = suggestTracks(db, 'rainy sunday', { count: 4 });
  assert.equal(before.length, 4);
  assert.ok(before.every((s) => s.reason === 'similar' && s.probability === null));
  const labelled = new Set(lib.ids.slice(0, 30));
  assert.ok(before.every((s) => !labelled.has(s.trackId)));
  createTag(db, 'fresh');
  assert.ok(suggestTracks(db, 'fresh', { count: 3 }).every((s) => s.reason === 'diverse'));
  await trainTagModels(db, { dataDir: dir, seed: 3, settings: FAST });
  const after = suggestTracks(db, 'rainy sunday', { count: 5 });
  assert.equal(after.length, 5);
  assert.equal(new Set(after.map((s) => s.trackId)).size, 5);
  assert.ok(after.every((s) => s.reason === 'uncertain' && typeof s.probability === 'number' && !labelled.has(s.trackId)));
  assert.throws(() => suggestTracks(db, 'rainy sunday', { count: 0 }), /-n must be/);
});

test('training and prediction leave no tensors behind', async (t) => {
  const { db } = setup(t);
  await ensureTagBackend();
  const before = tf.memory().numTensors;
  const tag = findTag(db, 'rainy sunday')!;
  const data = loadTrainingData(db, BASE_MODEL, [{ id: tag.id, name: tag.name }], 1);
  const out = await runTraining({ ...data, settings: { seed: 1, ...FAST, alwaysFitGru: true } });
  assert.ok(out.part?.gru);
  assert.equal(tf.memory().numTensors, before);
});

test('a damaged model file is refused with a message naming it', () => {
  const good = serialiseModel({ format: 'earmark-tag-model', formatVersion: 1, baseModelId: 'm', embeddingDim: 2, seed: 1, parts: [] });
  assert.equal(parseModel(good, 'x/model.json').embeddingDim, 2);
  assert.throws(() => parseModel('{"format":"earmark-tag-model","formatVersion":1,"baseModelId":"m","embeddingDim":2,"seed":1,"parts":[{"projection":{"inputDim":2,"outputDim":1,"matrix":{"$f32":"AAAAAA=="},"offset":{"$f32":"AAAAAA=="}},"gru":null,"heads":[]}]}', 'x/model.json'), /x\/model\.json is invalid: part 0 projection matrix has 1 numbers, expected 2/);
  assert.throws(() => parseModel('{oops', 'y/model.json'), /y\/model\.json is not valid JSON/);
});

// Song level: the synthetic base model has no manifest, so trackDetail lists
// no segments here; per-segment values come from userTagsForTrack, tested above.
test('earmark show --json gains userTags', async (t) => {
  const { db, dir, lib } = setup(t);
  await trainTagModels(db, { dataDir: dir, seed: 5, settings: FAST });
  const id = lib.ids[0]!;
  const r = await runCli(dir, path.join(dir, 'lib.db'), ['--json', 'show', String(id)]);
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout) as { userTags: Record<string, { probability: number | null; label: string | null }>; };
  const expected = userTagsForTrack(db, id);
  assert.deepEqual(shown.userTags, expected.song);
  assert.equal(shown.userTags['Rainy Sunday']!.label, 'yes');
  assert.ok(typeof shown.userTags['Rainy Sunday']!.probability === 'number');
});
