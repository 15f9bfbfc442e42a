import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { tmpDir, repoRoot } from '../helpers/tmp.js';
import { createTag } from '../../src-main/tags/vocabulary.js';
import { setLabels } from '../../src-main/tags/labels.js';
import { trainTagModels } from '../../src-main/tags/train.js';
import { addSyntheticLibrary, labelByClass } from './fixtures.js';

const labelsOf = (db: Db) => db.prepare('SELECT tag_id, track_id, value FROM labels ORDER BY tag_id, track_id').all();
const models = (db: Db) => db.prepare('SELECT id, status FROM tag_models ORDER BY id').all() as { id: number; status: string }[];

test('SIGKILL of `earmark train` while it trains leaves the previous model active and every label intact', async (t) => {
  const dir = tmpDir(t);
  const dbFile = path.join(dir, 'lib.db');
  const db = openDatabase(dbFile);
  t.after(() => db.close());
  const lib = addSyntheticLibrary(db, { tracks: 160, dim: 32, separation: 1, maxSegments: 8 });
  createTag(db, 'warm');
  const { yes, no } = labelByClass(lib, 150, 0);
  setLabels(db, 'warm', yes, 'yes');
  setLabels(db, 'warm', no, 'no');
  const first = await trainTagModels(db, { dataDir: dir, seed: 1, settings: { noGru: true } });
  setLabels(db, 'warm', [lib.ids[155]!], 'yes');
  const before = labelsOf(db);

  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'earmark.js'), '--db', dbFile, 'train', '--seed', '2'], {
    env: { ...process.env, EARMARK_HOME: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => { resolve(signal ?? code); }));
  // Let it get into training (the GRU cross-validation takes many seconds here), then kill it hard.
  await Promise.race([delay(2500), exited]);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL', 'training must still be running when killed (make the fixture larger if this fails)');

  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(labelsOf(db), before);
  assert.deepEqual(models(db), [{ id: first.modelId, status: 'active' }]);
  assert.ok(fs.existsSync(path.join(dir, 'tag-models', String(first.modelId), 'model.json')));

  // The next run recovers and activates a new version, the old one kept as previous.
  const again = await trainTagModels(db, { dataDir: dir, seed: 2, settings: { noGru: true } });
  assert.deepEqual(models(db).filter((m) => m.status !== 'failed'), [
    { id: first.modelId, status: 'previous' },
    { id: again.modelId, status: 'active' },
  ]);
  assert.deepEqual(labelsOf(db), before);
});

test('a save interrupted by a crash (pending row, half-written folder) is never used and is cleaned up', async (t) => {
  const dir = tmpDir(t);
  const db = openDatabase(path.join(dir, 'lib.db'));
  t.after(() => db.close());
  const lib = addSyntheticLibrary(db, { tracks: 30, dim: 16, separation: 2, maxSegments: 4 });
  createTag(db, 'warm');
  const { yes, no } = labelByClass(lib, 30, 0);
  setLabels(db, 'warm', yes, 'yes');
  setLabels(db, 'warm', no, 'no');
  const first = await trainTagModels(db, { dataDir: dir, seed: 1, settings: { noGru: true } });
  // What SIGKILL between "row inserted" and "activated" leaves behind.
  const pendingId = Number(db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status) VALUES (1, ?, 'x', 1, 'pending')").run(path.join(dir, 'tag-models', '999')).lastInsertRowid);
  const tmp = path.join(dir, 'tag-models', '.tmp-999-1-1');
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(tmp, 'model.json'), '{"format":');
  const { userTagsForTrack } = await import('../../src-main/tags/predict.js');
  assert.equal(typeof userTagsForTrack(db, lib.ids[0]!).song.warm!.probability, 'number');
  assert.equal((db.prepare("SELECT id FROM tag_models WHERE status = 'active'").get() as { id: number }).id, first.modelId);
  const second = await trainTagModels(db, { dataDir: dir, seed: 1, settings: { noGru: true } });
  assert.equal(db.prepare('SELECT status FROM tag_models WHERE id = ?').pluck().get(pendingId), 'failed');
  assert.equal(fs.existsSync(tmp), false);
  assert.equal(db.prepare("SELECT id FROM tag_models WHERE status = 'active'").pluck().get(), second.modelId);
});

test('cancelling training (AbortSignal) stops the worker, activates nothing and changes no label', async (t) => {
  const dir = tmpDir(t);
  const db = openDatabase(path.join(dir, 'lib.db'));
  t.after(() => db.close());
  const lib = addSyntheticLibrary(db, { tracks: 40, dim: 16, separation: 2, maxSegments: 4 });
  createTag(db, 'warm');
  const { yes, no } = labelByClass(lib, 40, 0);
  setLabels(db, 'warm', yes, 'yes');
  setLabels(db, 'warm', no, 'no');
  const before = labelsOf(db);
  const controller = new AbortController();
  const run = trainTagModels(db, {
    dataDir: dir,
    seed: 1,
    signal: controller.signal,
    onProgress: () => { controller.abort(); },
  });
  await assert.rejects(run, (err: Error) => err.name === 'CancelledError');
  assert.deepEqual(models(db), []);
  assert.deepEqual(labelsOf(db), before);
});
