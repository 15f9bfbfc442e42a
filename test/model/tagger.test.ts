import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/model/backend.js';
import { chooseConvKernel, loadBaseTagger } from '../../src-main/model/tagger.js';
import { readManifest } from '../../src-main/model/registry.js';
import { MODEL_JSON, WEIGHTS_BIN } from '../../src-main/model/stored-model.js';
import { tmpDir } from '../helpers/tmp.js';
import { installFromShared, loadReference } from './fixtures.js';

const TOLERANCE = 1e-5;

function norm(a: Float32Array): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

test('the CRNN reproduces the float64 reference on the four bensound inputs', async (t) => {
  const h = await installFromShared(t);
  const ref = loadReference();
  const manifest = readManifest('choi-crnn-msd');
  assert.deepEqual(manifest.tags, ref.tags, 'manifest tag order is the reference order');

  // The Winograd kernel (the default on wasm and cpu) and tfjs's own conv2d, each held to the reference.
  const runs = [
    { backend: 'wasm', conv: 'winograd' },
    { backend: 'wasm', conv: 'tfjs' },
    { backend: 'cpu', conv: 'auto' },
  ] as const;
  const embeddings = new Map<string, Float32Array[]>();
  for (const { backend, conv } of runs) {
    await t.test(`on ${backend}, conv ${conv}: probabilities within ${TOLERANCE}, embeddings as documented, no leaked tensors`, async (t) => {
      await initBackend(backend, h.env);
      const baseline = tf.memory().numTensors;
      // maxBatch 3: the four segments run as a batch of 3 and a batch of 1.
      const tagger = await loadBaseTagger({ modelDir: h.installed.dir, backend, maxBatch: 3, conv, env: h.env });
      assert.equal(tagger.backend, backend);
      assert.equal(tagger.conv, conv === 'tfjs' ? 'tfjs' : 'winograd (blocks 2, 3, 4)', 'auto takes the Winograd kernel off native TensorFlow');
      assert.equal(tf.getBackend(), backend);
      assert.deepEqual(tagger.tags, ref.tags);
      assert.equal(tagger.embeddingDim, manifest.embedding.dim);
      const loaded = tf.memory().numTensors;

      const out = await tagger.predict(ref.songs.map((s) => s.input));
      assert.equal(tf.memory().numTensors, loaded, 'predict leaves no tensors behind');
      assert.equal(out.length, 4);
      let maxErr = 0;
      out.forEach((o, i) => {
        assert.equal(o.probs.length, 50);
        ref.songs[i]!.probs.forEach((p, j) => {
          maxErr = Math.max(maxErr, Math.abs(p - o.probs[j]!));
        });
      });
      t.diagnostic(`max |p - reference| on ${backend}, conv ${conv}: ${maxErr.toExponential(2)}`);
      embeddings.set(`${backend}/${conv}`, out.map((o) => o.embedding));
      assert.ok(maxErr < TOLERANCE, `max error ${maxErr} on ${backend}`);
      // The reference's top tag for the jazz piano piece is jazz.
      const jazz = out[ref.songs.findIndex((s) => s.name === 'bensound-thejazzpiano')]!;
      assert.equal(tagger.tags[jazz.probs.indexOf(Math.max(...jazz.probs))], 'jazz');

      // Embedding: five L2-normalised parts scaled by 1/sqrt(5): unit norm overall.
      let offset = 0;
      for (const part of manifest.embedding.parts) {
        for (const o of out) assert.ok(Math.abs(norm(o.embedding.subarray(offset, offset + part.dim)) - 1 / Math.sqrt(5)) < 1e-5, part.name);
        offset += part.dim;
      }
      assert.equal(offset, tagger.embeddingDim);
      const cos = out[0]!.embedding.reduce((s, v, k) => s + v * out[1]!.embedding[k]!, 0);
      assert.ok(cos < 0.999, 'different songs have different embeddings');

      if (backend === 'wasm') {
        // A segment alone gives what it gave inside a batch.
        const [alone] = await tagger.predict([ref.songs[2]!.input]);
        assert.ok(alone!.probs.every((p, j) => Math.abs(p - out[2]!.probs[j]!) < 1e-6));
        assert.ok(alone!.embedding.every((v, j) => Math.abs(v - out[2]!.embedding[j]!) < 1e-5));
      }
      tagger.dispose();
      assert.equal(tf.memory().numTensors, baseline, 'dispose frees every tensor');
      await assert.rejects(tagger.predict([ref.songs[0]!.input]), /disposed/);
    });
  }
  // The probabilities saturate (SOURCE.md), so they hardly see the conv blocks; the embedding's
  // per-block means do: the kernel must give tfjs's embeddings, not just its tags.
  const [wino, direct] = [embeddings.get('wasm/winograd'), embeddings.get('wasm/tfjs')];
  assert.ok(wino && direct);
  let maxDiff = 0;
  wino.forEach((e, i) => {
    e.forEach((v, k) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - direct[i]![k]!));
    });
  });
  t.diagnostic(`max |embedding difference| Winograd vs tfjs conv: ${maxDiff.toExponential(2)}`);
  assert.ok(maxDiff < 1e-5, `embeddings differ by ${maxDiff}`);
});

test('EARMARK_CONV chooses the conv kernel, and a wrong value is refused', () => {
  assert.equal(chooseConvKernel('wasm', 'auto', {}), 'winograd');
  assert.equal(chooseConvKernel('cpu', 'auto', {}), 'winograd');
  assert.equal(chooseConvKernel('tensorflow', 'auto', {}), 'tfjs');
  assert.equal(chooseConvKernel('tensorflow', 'winograd', {}), 'winograd');
  assert.equal(chooseConvKernel('wasm', 'auto', { EARMARK_CONV: 'tfjs' }), 'tfjs');
  assert.throws(() => chooseConvKernel('wasm', 'auto', { EARMARK_CONV: 'fast' }), /EARMARK_CONV=fast is not one of auto, winograd, tfjs/);
});

test('predict rejects segments of the wrong size', async (t) => {
  const h = await installFromShared(t);
  const tagger = await loadBaseTagger({ modelDir: h.installed.dir, backend: 'wasm', env: h.env });
  assert.equal(tagger.backend, 'wasm');
  t.after(() => {
    tagger.dispose();
  });
  const before = tf.memory().numTensors;
  await assert.rejects(tagger.predict([new Float32Array(96 * 1366), new Float32Array(10)]), /segment 1 has 10 values, expected 131136 \(96 x 1366\)/);
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(await tagger.predict([]), []);
});

test('loading checks the stored model against its manifest and its checksum', async (t) => {
  const h = await installFromShared(t);
  const copy = (edit: (json: { manifest: { tags: string[]; input: Record<string, number | string> } }) => void): string => {
    const dir = tmpDir(t, 'earmark-badmodel-');
    fs.copyFileSync(path.join(h.installed.dir, WEIGHTS_BIN), path.join(dir, WEIGHTS_BIN));
    const json = JSON.parse(fs.readFileSync(path.join(h.installed.dir, MODEL_JSON), 'utf8')) as Parameters<typeof edit>[0];
    edit(json);
    fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json));
    return dir;
  };
  await initBackend('cpu', h.env);
  const before = tf.memory().numTensors;
  await assert.rejects(loadBaseTagger({ modelDir: copy((j) => j.manifest.tags.pop()), backend: 'cpu', env: h.env }), /expected 49 tags, got 50/);
  await assert.rejects(loadBaseTagger({ modelDir: copy((j) => (j.manifest.input.timePadFrames = 30)), backend: 'cpu', env: h.env }), /expected input of 1426 padded frames, got 1440/);
  await assert.rejects(loadBaseTagger({ modelDir: copy((j) => (j.manifest.input.nFrames = 1000)), backend: 'cpu', env: h.env }), /expected input 96 x 1366, got 96 x 1000/);

  const corrupt = copy(() => undefined);
  const bin = fs.readFileSync(path.join(corrupt, WEIGHTS_BIN));
  bin[1000] = bin[1000]! ^ 0xff;
  fs.writeFileSync(path.join(corrupt, WEIGHTS_BIN), bin);
  await assert.rejects(loadBaseTagger({ modelDir: corrupt, backend: 'cpu', env: h.env }), /weights\.bin: checksum mismatch/);
  fs.writeFileSync(path.join(corrupt, WEIGHTS_BIN), bin.subarray(0, 100));
  await assert.rejects(loadBaseTagger({ modelDir: corrupt, backend: 'cpu', env: h.env }), /expected 1602248 bytes, got 100/);
  await assert.rejects(loadBaseTagger({ modelDir: path.join(corrupt, 'nowhere'), backend: 'cpu', env: h.env }), /cannot read .*nowhere.*model\.json/);
  assert.equal(tf.memory().numTensors, before, 'failed loads leave no tensors');
});
