import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFromWorker, parseToWorker, parseWorkerInit, transferList, type FromWorker } from '../../src-main/analysis/messages.js';

test('well-formed messages pass both ways, typed arrays included', () => {
  const analysed: FromWorker = {
    type: 'analysed',
    jobId: 1,
    trackId: 7,
    segmentCount: 2,
    probs: new Float32Array(100),
    embeddings: new Float32Array(8),
    numTensors: 40,
    startSec: new Float64Array([0, 29.12]),
    endSec: new Float64Array([29.12, 40]),
    decodeWaitMs: 3,
    predictMs: 900,
  };
  assert.deepEqual(parseFromWorker(analysed), analysed);
  const bytes = Buffer.from([0x2f, 0x61, 0xff]);
  assert.equal(parseToWorker({ type: 'analyse', jobId: 1, trackId: 2, file: bytes }).type, 'analyse');
  assert.equal(parseToWorker({ type: 'shutdown' }).type, 'shutdown');
  assert.equal(parseWorkerInit({ modelDir: '/m', backend: 'wasm', ffmpegPath: null, maxSegments: 21 }).backend, 'wasm');
});

test('malformed messages are refused with the path of what is wrong', () => {
  assert.throws(() => parseToWorker({ type: 'analyse', jobId: 1, trackId: 'x', file: '/a.mp3' }), /message to analysis worker: trackId/);
  assert.throws(() => parseToWorker({ type: 'explode' }), /malformed message to analysis worker/);
  assert.throws(
    () => parseFromWorker({ type: 'predicted', jobId: 1, segmentCount: 1, probs: [0.5], embeddings: new Float32Array(2), numTensors: 0 }),
    /message from analysis worker: probs: expected a Float32Array/,
  );
  assert.throws(() => parseWorkerInit({ modelDir: '/m', backend: 'gpu', ffmpegPath: null, maxSegments: 21 }), /init data: backend/);
});

test('whole buffers are transferred, views on a larger buffer are not', () => {
  const whole = new Float32Array(50);
  const big = new Float32Array(100);
  const list = transferList({ type: 'predicted', jobId: 1, segmentCount: 1, probs: whole, embeddings: big.subarray(0, 10), numTensors: 0 });
  assert.deepEqual(list, [whole.buffer]);
});
