import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openDatabase } from '../../src-main/db/database.js';
import { tmpDir } from '../helpers/tmp.js';
import { createTag, deleteTag, findTag, liveTags, mergeTags, renameTag, restoreTag, setThresholdOverride } from '../../src-main/tags/vocabulary.js';
import { clearLabels, labelCounts, labelsOfTag, setLabels } from '../../src-main/tags/labels.js';
import { listTags } from '../../src-main/tags/quality.js';
import { addSyntheticLibrary } from './fixtures.js';

function setup(t: { after(fn: () => void): void }) {
  const db = openDatabase(path.join(tmpDir(t), 'lib.db'));
  t.after(() => db.close());
  const lib = addSyntheticLibrary(db, { tracks: 8, dim: 4 });
  return { db, ids: lib.ids };
}

test('create, rename (case change allowed), and clashes refused', (t) => {
  const { db } = setup(t);
  createTag(db, ' Rainy  Sunday ');
  assert.throws(() => createTag(db, 'RAINY SUNDAY'), /already exists/);
  createTag(db, 'warm');
  assert.equal(renameTag(db, 'rainy sunday', 'rainy Sunday').name, 'rainy Sunday');
  assert.throws(() => renameTag(db, 'warm', 'RAINY sunday'), /already exists.*merge/);
  assert.throws(() => renameTag(db, 'nope', 'x'), /unknown tag "nope"/);
  assert.throws(() => createTag(db, ''), /cannot be empty/);
  assert.deepEqual(liveTags(db).map((x) => x.name), ['rainy Sunday', 'warm']);
});

test('labels: yes, no, change, clear; unknown tag or track is a clear error; --create', (t) => {
  const { db, ids } = setup(t);
  createTag(db, 'warm');
  setLabels(db, 'WARM', [ids[0]!, ids[1]!], 'yes');
  setLabels(db, 'warm', [ids[2]!], 'no');
  setLabels(db, 'warm', [ids[1]!], 'no');
  assert.deepEqual(labelCounts(db, findTag(db, 'warm')!.id), { yes: 1, no: 2 });
  assert.equal(clearLabels(db, 'warm', [ids[1]!, ids[5]!]).count, 1);
  assert.deepEqual(labelCounts(db, findTag(db, 'warm')!.id), { yes: 1, no: 1 });
  assert.throws(() => setLabels(db, 'cold', [ids[0]!], 'yes'), /unknown tag "cold".*--create/);
  assert.throws(() => setLabels(db, 'warm', [ids[0]!, 987654], 'no'), /no track with id 987654/);
  // The failed call wrote nothing: one transaction.
  assert.equal(labelsOfTag(db, findTag(db, 'warm')!.id).get(ids[0]!), 1);
  const r = setLabels(db, 'cold', [ids[3]!], 'yes', { create: true });
  assert.equal(r.createdTag, true);
  // Label writes leave the connection's durability setting as it was (NORMAL = 1).
  assert.equal(db.pragma('synchronous', { simple: true }), 1);
});

test('delete is soft and restorable with the labels; a live name blocks restore', (t) => {
  const { db, ids } = setup(t);
  createTag(db, 'warm');
  setLabels(db, 'warm', [ids[0]!, ids[1]!], 'yes');
  deleteTag(db, 'Warm');
  assert.equal(findTag(db, 'warm'), undefined);
  assert.equal(listTags(db).length, 0);
  assert.equal(listTags(db, { includeDeleted: true })[0]!.deleted, true);
  createTag(db, 'warm');
  assert.throws(() => restoreTag(db, 'warm'), /exists now; rename it first/);
  renameTag(db, 'warm', 'warm (new)');
  const back = restoreTag(db, 'WARM');
  assert.equal(back.name, 'warm');
  assert.deepEqual(labelCounts(db, back.id), { yes: 2, no: 0 });
  assert.throws(() => restoreTag(db, 'never'), /no deleted tag/);
});

test('merge copies labels into B, keeps B on conflicts, deletes A restorably', (t) => {
  const { db, ids } = setup(t);
  createTag(db, 'cosy');
  createTag(db, 'warm');
  setLabels(db, 'cosy', [ids[0]!, ids[1]!], 'yes');
  setLabels(db, 'cosy', [ids[2]!], 'no');
  setLabels(db, 'warm', [ids[1]!], 'yes');
  setLabels(db, 'warm', [ids[2]!], 'yes');
  const r = mergeTags(db, 'cosy', 'warm');
  assert.equal(r.copied, 1);
  assert.equal(r.agreed, 1);
  assert.deepEqual(r.conflicts, [{ trackId: ids[2]!, fromValue: 'no', intoValue: 'yes' }]);
  const warm = findTag(db, 'warm')!;
  assert.deepEqual(Object.fromEntries(labelsOfTag(db, warm.id)), { [ids[0]!]: 1, [ids[1]!]: 1, [ids[2]!]: 1 });
  assert.equal(findTag(db, 'cosy'), undefined);
  assert.equal(listTags(db, { includeDeleted: true }).find((x) => x.name === 'cosy')!.mergedInto, 'warm');
  const cosy = restoreTag(db, 'cosy');
  assert.deepEqual(labelCounts(db, cosy.id), { yes: 2, no: 1 });
  assert.throws(() => mergeTags(db, 'warm', 'WARM'), /into itself/);
});

test('threshold override: set, refused out of range, cleared', (t) => {
  const { db } = setup(t);
  createTag(db, 'warm');
  assert.equal(setThresholdOverride(db, 'warm', 0.7).thresholdOverride, 0.7);
  assert.equal(listTags(db)[0]!.threshold.source, 'override');
  assert.throws(() => setThresholdOverride(db, 'warm', 1), /strictly between 0 and 1/);
  assert.equal(setThresholdOverride(db, 'warm', null).thresholdOverride, null);
  assert.equal(listTags(db)[0]!.threshold.source, 'none');
});
