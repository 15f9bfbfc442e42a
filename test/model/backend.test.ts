import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { backendReport, effectivePreference, initBackend, wasmBinaryDir } from '../../src-main/model/backend.js';

const noEnv: NodeJS.ProcessEnv = {};

test('wasm runs with SIMD from the .wasm files on disk; switching and re-initialising are idempotent', async () => {
  assert.ok(fs.existsSync(path.join(wasmBinaryDir(), 'tfjs-backend-wasm-simd.wasm')));
  assert.equal(await initBackend('wasm', noEnv), 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(backendReport()?.wasmSimd, true);
  assert.match(backendReport()?.reason ?? '', /wasm with SIMD/);
  assert.equal(await initBackend('cpu', noEnv), 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const [a, b] = await Promise.all([initBackend('wasm', noEnv), initBackend('wasm', noEnv)]);
  assert.equal(a, 'wasm');
  assert.equal(b, 'wasm');
  // A tiny op really runs on it.
  const y = tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).dataSync()[0]);
  assert.equal(y, 6);
});

test('auto picks tfjs-node when it loads, else wasm; EARMARK_BACKEND overrides the setting', async () => {
  let hasTfjsNode = true;
  try {
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
  } catch {
    hasTfjsNode = false;
  }
  assert.equal(await initBackend('auto', noEnv), hasTfjsNode ? 'tensorflow' : 'wasm');
  if (!hasTfjsNode) {
    assert.match(backendReport()?.reason ?? '', /^tfjs-node (not installed|installed but its native addon is missing|failed to load .*); wasm with SIMD/);
    await assert.rejects(initBackend('tensorflow', noEnv), /backend "tensorflow" was requested but tfjs-node (not installed|installed but|failed)/);
  }
  assert.equal(await initBackend('wasm', { EARMARK_BACKEND: 'cpu' }), 'cpu');
  assert.equal(backendReport()?.preference, 'cpu');
  assert.equal(effectivePreference('cpu', { EARMARK_BACKEND: '' }), 'cpu');
  assert.throws(() => effectivePreference('auto', { EARMARK_BACKEND: 'gpu' }), /EARMARK_BACKEND=gpu is not one of auto, tensorflow, wasm, cpu/);
  await assert.rejects(initBackend('auto', { EARMARK_BACKEND: 'gpu' }), /EARMARK_BACKEND=gpu/);
  assert.equal(await initBackend('wasm', noEnv), 'wasm');
});
