import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { baseTagKey, loadBaseModels } from '../../src-main/search/base-models.js';
import { repoRoot, sharedDir, tmpDir } from '../helpers/tmp.js';

test('base model manifests give the id, a short prefix and the tag order; other files are skipped', (t) => {
  const dir = tmpDir(t);
  const tags = (JSON.parse(fs.readFileSync(path.join(sharedDir, 'audio', 'bensound', 'expected-crnn-msd.json'), 'utf8')) as { tags: string[] }).tags;
  fs.writeFileSync(path.join(dir, 'choi-crnn-msd.json'), JSON.stringify({ id: 'choi-crnn-msd', version: '1', tags }));
  fs.writeFileSync(path.join(dir, 'card.json'), JSON.stringify({ title: 'not a manifest' }));
  fs.writeFileSync(path.join(dir, 'broken.json'), '{');
  fs.writeFileSync(path.join(dir, 'other-msd.json'), JSON.stringify({ id: 'other-msd', tags: ['a'] }));
  const models = loadBaseModels(dir);
  assert.deepEqual(models.map((m) => m.id), ['choi-crnn-msd', 'other-msd']);
  // Both end in "msd": the short prefix is ambiguous, so only the ids remain.
  assert.deepEqual(models.map((m) => m.prefixes), [['choi-crnn-msd'], ['other-msd']]);
  assert.equal(models[0]?.tags.length, 50);
  assert.equal(models[0].tags[9], 'jazz');
  fs.rmSync(path.join(dir, 'other-msd.json'));
  fs.utimesSync(dir, new Date(), new Date(Date.now() + 5000));
  assert.deepEqual(loadBaseModels(dir)[0]?.prefixes, ['choi-crnn-msd', 'msd']);
  assert.deepEqual(loadBaseModels(path.join(dir, 'missing')), []);
});

test('the installed manifest (models/) is read when present', () => {
  const file = path.join(repoRoot, 'models', 'choi-crnn-msd.json');
  if (!fs.existsSync(file)) return;
  const m = loadBaseModels().find((x) => x.id === 'choi-crnn-msd');
  assert.ok(m, 'models/choi-crnn-msd.json should be readable as a manifest');
  assert.ok(m.prefixes.includes('msd'));
  assert.ok(m.tags.map(baseTagKey).includes('femalevocalists'));
});
