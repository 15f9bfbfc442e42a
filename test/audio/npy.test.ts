import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EarmarkError } from '../../src-main/core/errors.js';
import { parseNpy } from '../../src-main/audio/npy.js';
import { readReferenceNpy } from './fixtures.js';

/** A version-1 .npy as NumPy writes it: magic, header padded to 64 bytes, data. */
function npyBytes(descr: string, shape: number[], data: Uint8Array, extraOffset = 0): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header += ' '.repeat(pad) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  // extraOffset puts the whole file at an odd offset in a bigger buffer, as a Node Buffer pool can.
  const all = Buffer.concat([Buffer.alloc(extraOffset), head, Buffer.from(header, 'latin1'), data]);
  return all.subarray(extraOffset);
}

test('reads little-endian float64 and float32 arrays with their shape', () => {
  const f64 = new Float64Array([1.5, -2, 3.25, 1e-300, -0, 7]);
  const a = parseNpy(npyBytes('<f8', [2, 3], new Uint8Array(f64.buffer), 3));
  assert.deepEqual(a.shape, [2, 3]);
  assert.deepEqual(Array.from(a.data), Array.from(f64));
  const f32 = new Float32Array([0.5, 2]);
  const b = parseNpy(npyBytes('<f4', [2], new Uint8Array(f32.buffer)));
  assert.deepEqual(b.shape, [2]);
  assert.ok(b.data instanceof Float32Array);
  assert.deepEqual(Array.from(b.data), [0.5, 2]);
});

test('refuses what it cannot read, naming the file', () => {
  assert.throws(() => parseNpy(new Uint8Array([1, 2, 3]), 'x.npy'), (e: unknown) => e instanceof EarmarkError && /x\.npy.*magic/.test(e.message));
  assert.throws(() => parseNpy(npyBytes('<i8', [1], new Uint8Array(8)), 'y.npy'), /dtype <i8/);
  assert.throws(() => parseNpy(npyBytes('<f8', [4], new Uint8Array(8)), 'z.npy'), /expected 32 data bytes/);
});

test('reads the reference inputs beside the model', () => {
  const a = readReferenceNpy('cute');
  assert.deepEqual(a.shape, [1, 1, 96, 1366]);
  assert.ok(a.data instanceof Float64Array);
  assert.ok(a.data.every((v) => Number.isFinite(v)));
});
