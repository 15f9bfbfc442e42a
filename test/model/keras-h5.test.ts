import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { convertKerasWeights, oihwToHwio } from '../../src-main/model/crnn-weights.js';
import { readKerasWeights, shortWeightName } from '../../src-main/model/keras-h5.js';
import { readManifest } from '../../src-main/model/registry.js';
import { tmpDir } from '../helpers/tmp.js';
import { weightsFile } from './fixtures.js';

test('reads the Keras 1 HDF5 weights: 48 float32 arrays in layer order, clean names', async () => {
  const w = await readKerasWeights(weightsFile);
  assert.equal(w.length, 48);
  assert.equal(w.reduce((n, x) => n + x.data.length, 0), 400_562);
  assert.deepEqual(w.slice(0, 4).map((x) => `${x.layer}/${x.name}`), ['bn_0_freq/gamma', 'bn_0_freq/beta', 'bn_0_freq/running_mean', 'bn_0_freq/running_std']);
  const conv2 = w.find((x) => x.layer === 'conv2' && x.name === 'W');
  assert.deepEqual(conv2?.shape, [128, 64, 3, 3]);
  assert.ok(w.every((x) => !x.name.includes('\0') && x.data.every(Number.isFinite)));
});

test('weight names: layer prefix, variable counter and trailing NULs are dropped', () => {
  assert.equal(shortWeightName('conv1', 'conv1_W_1:0'), 'W');
  assert.equal(shortWeightName('bn1', 'bn1_running_std_1:0\0\0'), 'running_std');
  assert.equal(shortWeightName('gru1', 'gru1_W_z:0'), 'W_z');
});

test('conv kernels go from (out, in, kh, kw) to (kh, kw, in, out)', () => {
  // out=2, in=1, kh=1, kw=2: value = 10*out + kw.
  const { data, shape } = oihwToHwio(Float32Array.from([0, 1, 10, 11]), [2, 1, 1, 2]);
  assert.deepEqual(shape, [1, 2, 1, 2]);
  assert.deepEqual([...data], [0, 10, 1, 11]);
});

test('a file that is not the expected model is refused with the file and the mismatch named', async (t) => {
  const manifest = readManifest('choi-crnn-msd');
  const weights = await readKerasWeights(weightsFile);
  const fewerTags = { ...manifest, tags: manifest.tags.slice(0, 49) };
  assert.throws(() => convertKerasWeights(weights, fewerTags, 'w.h5'), /^EarmarkError: w\.h5: output\/W: expected shape \[32,49\], got \[32,50\]$/);
  assert.throws(() => convertKerasWeights(weights.filter((x) => x.layer !== 'gru2'), manifest, 'w.h5'), /w\.h5: weight gru2\/W_z not found/);
  const dir = tmpDir(t);
  const text = path.join(dir, 'not.h5');
  fs.writeFileSync(text, 'hello');
  await assert.rejects(readKerasWeights(text), /not\.h5 is not an HDF5 file/);
});
