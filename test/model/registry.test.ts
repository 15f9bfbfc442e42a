import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { expectedWeights } from '../../src-main/model/crnn-weights.js';
import { DEFAULT_MODEL_ID, listBaseModels, manifestsDir, readManifest } from '../../src-main/model/registry.js';
import { loadReference, testHome } from './fixtures.js';

test('the bundled manifest describes the upstream file, the input, 50 tags in reference order and the embedding', () => {
  const m = readManifest(DEFAULT_MODEL_ID);
  assert.equal(m.source.url, 'https://github.com/keunwoochoi/music-auto_tagging-keras/raw/a3e105d0c4c529c512cc197ad8770ff1cc52aa32/data/music_tagger_crnn_weights_tensorflow.h5');
  assert.equal(m.source.url, `https://${m.source.repository}/raw/${m.source.commit}/${m.source.path}`);
  assert.equal(m.source.sizeBytes, 1649464);
  assert.equal(m.license.spdx, 'MIT');
  assert.deepEqual(
    { sr: m.input.sampleRateHz, nFft: m.input.nFft, hop: m.input.hopLength, mels: m.input.nMels, frames: m.input.nFrames },
    { sr: 12000, nFft: 512, hop: 256, mels: 96, frames: 1366 },
  );
  assert.deepEqual(m.tags, loadReference().tags);
  assert.equal(m.embedding.dim, m.embedding.parts.reduce((n, p) => n + p.dim, 0));
  assert.equal(m.embedding.dim, 480);
  // The architecture's parameter count is the file's: 400,562 numbers.
  assert.equal(expectedWeights(m).reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0), 400_562);
});

test('unknown or malformed ids are refused; every bundled manifest parses', () => {
  assert.throws(() => readManifest('nope'), /unknown base model "nope" \(no .*nope\.json\)/);
  assert.throws(() => readManifest('../package'), /unknown base model "\.\.\/package"/);
  for (const f of fs.readdirSync(manifestsDir()).filter((x) => x.endsWith('.json'))) {
    assert.equal(readManifest(path.basename(f, '.json')).id, path.basename(f, '.json'));
  }
});

test('listBaseModels lists the bundled models with their install folder in the data directory', (t) => {
  const h = testHome(t);
  const list = listBaseModels(h.env, h.db);
  const crnn = list.find((m) => m.id === DEFAULT_MODEL_ID);
  assert.ok(crnn);
  assert.equal(crnn.installed, false);
  assert.equal(crnn.active, false);
  assert.equal(crnn.dir, path.join(h.home, 'models', DEFAULT_MODEL_ID, '1.0.0'));
  assert.equal(listBaseModels(h.env).find((m) => m.id === DEFAULT_MODEL_ID)?.active, null);
});
