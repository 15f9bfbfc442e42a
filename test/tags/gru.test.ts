import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { trainGru, predictGru } from '../../src-main/tags/gru.js';
import { ensureTagBackend } from '../../src-main/tags/tf-backend.js';

/** Songs of `steps` segments whose class shows in every segment (a learnable signal). */
function songs(n: number, steps: number, dim: number): { seqs: Float32Array[]; y: Float32Array; mask: Float32Array } {
  const seqs: Float32Array[] = [];
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    const s = new Float32Array(steps * dim);
    for (let j = 0; j < s.length; j++) s[j] = 0.3 * Math.sin(i * 7 + j) + (cls === 1 ? 1 : -1) * (j % dim === 0 ? 1 : 0);
    seqs.push(s);
    y[i] = cls;
  }
  return { seqs, y, mask: new Float32Array(n).fill(1) };
}

// Regression: short songs have a single segment; tf.unstack's gradient failed on them
// ("Argument tensors passed to stack must be a `Tensor[]`") and every retrain of a
// library of short clips failed.
test('the GRU trains and predicts on songs of a single segment, without leaking tensors', async () => {
  await ensureTagBackend();
  const before = tf.memory().numTensors;
  const data = songs(12, 1, 6);
  const w = trainGru(data, [1], 6, { seed: 7 });
  const p = predictGru(w, data.seqs);
  assert.equal(p.length, 12);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < 12; i++) {
    if (data.y[i] === 1) pos += p[i]!;
    else neg += p[i]!;
  }
  assert.ok(pos / 6 > neg / 6, `positives should score higher: ${pos / 6} vs ${neg / 6}`);
  assert.equal(tf.memory().numTensors, before);
});
