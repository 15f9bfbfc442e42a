import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanAndMax, summariseSong } from '../../src-main/analysis/aggregate.js';
import { blobToFloat32, float32ToBlob } from '../../src-main/analysis/blobs.js';

test('song tags are the mean and the max of the segments, per tag', () => {
  const rows = new Float32Array([0.1, 0.9, 0.5, 0.3, 0.7, 0.5]);
  const { mean, max } = meanAndMax(rows, 2, 3);
  assert.deepEqual([...mean].map((x) => +x.toFixed(6)), [0.2, 0.8, 0.5]);
  assert.deepEqual([...max].map((x) => +x.toFixed(6)), [0.3, 0.9, 0.5]);
  const song = summariseSong(rows, new Float32Array([1, 2, 3, 4]), 2, 3, 2);
  assert.deepEqual([...song.embeddingMean], [2, 3]);
});

test('summaries refuse zero segments and a wrong shape', () => {
  assert.throws(() => meanAndMax(new Float32Array(0), 0, 3), /zero segments/);
  assert.throws(() => meanAndMax(new Float32Array(5), 2, 3), /expected 2 x 3 values, got 5/);
});

test('float32 BLOBs round-trip, also from an unaligned buffer', () => {
  const a = new Float32Array([0.25, -1.5, 3e-8]);
  const blob = float32ToBlob(a);
  assert.equal(blob.length, 12);
  assert.deepEqual(blobToFloat32(blob), a);
  const unaligned = Buffer.alloc(13);
  blob.copy(unaligned, 1);
  assert.deepEqual(blobToFloat32(unaligned.subarray(1)), a);
  assert.throws(() => blobToFloat32(Buffer.alloc(6), 'segments.probs'), /segments.probs: 6 bytes/);
});
