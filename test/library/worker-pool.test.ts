import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerPool } from '../../src-main/library/worker-pool.js';
import type { EchoRequest } from './fixtures/echo-worker.js';

interface EchoResponse {
  readonly id: number;
  readonly value: string;
}

function makePool(size: number, timeoutMs: number, depth = 1): WorkerPool<EchoRequest, EchoResponse> {
  return new WorkerPool<EchoRequest, EchoResponse>({
    workerUrl: new URL('./fixtures/echo-worker.js', import.meta.url),
    size,
    timeoutMs,
    depth,
    onTimeout: (req, ms) => ({ id: req.id, value: `timed out after ${ms} ms` }),
    onCrash: (req, err) => ({ id: req.id, value: `crashed: ${err.message}` }),
  });
}

test('a task that hangs is cut off, its worker replaced, and the pool goes on', async (t) => {
  const pool = makePool(1, 1000);
  t.after(() => pool.close());
  const answers = await Promise.all([pool.run({ id: 1, value: 'a' }), pool.run({ id: 2, value: 'hang' }), pool.run({ id: 3, value: 'b' })]);
  assert.deepEqual(answers, [
    { id: 1, value: 'a' },
    { id: 2, value: 'timed out after 1000 ms' },
    { id: 3, value: 'b' },
  ]);
  assert.equal(pool.respawns, 1);
  assert.equal(pool.pending, 0);
});

test('a worker that dies answers through onCrash and is replaced', async (t) => {
  // A generous limit: a worker's start-up counts against it on a loaded machine.
  const pool = makePool(2, 60_000);
  t.after(() => pool.close());
  const answers = await Promise.all(['x', 'crash', 'y', 'z'].map((value, id) => pool.run({ id, value })));
  assert.deepEqual(
    answers.map((a) => a.value),
    ['x', 'crashed: boom', 'y', 'z'],
  );
  assert.equal(pool.respawns, 1);
});

test('with tasks queued ahead in a worker, those behind a hang are sent again and answered', async (t) => {
  const pool = makePool(1, 1000, 3);
  t.after(() => pool.close());
  const answers = await Promise.all(['a', 'hang', 'b', 'c', 'd'].map((value, id) => pool.run({ id, value })));
  assert.deepEqual(
    answers.map((a) => a.value),
    ['a', 'timed out after 1000 ms', 'b', 'c', 'd'],
  );
  assert.equal(pool.respawns, 1);
});
