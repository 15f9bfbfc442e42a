import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LatestOnly } from '../../../src-renderer/src/lib/logic/latest.js';

test('only the newest answer is applied, even when an older one arrives later', async () => {
  const resolvers = new Map<string, (v: string) => void>();
  const applied: string[] = [];
  const l = new LatestOnly<string, string>(
    (q) => new Promise((r) => resolvers.set(q, r)),
    (out) => applied.push(out),
    () => undefined,
    0,
  );
  const a = l.now('a');
  const b = l.now('ab');
  resolvers.get('ab')!('result ab');
  resolvers.get('a')!('result a');
  await Promise.all([a, b]);
  assert.deepEqual(applied, ['result ab']);
});

test('pushes within the pause collapse into one request for the last input', async () => {
  const seen: string[] = [];
  const applied: string[] = [];
  const l = new LatestOnly<string, string>(
    (q) => {
      seen.push(q);
      return Promise.resolve(q.toUpperCase());
    },
    (out) => applied.push(out),
    () => undefined,
    20,
  );
  l.push('r');
  l.push('ro');
  l.push('roc');
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(seen, ['roc']);
  assert.deepEqual(applied, ['ROC']);
});

test('errors of stale requests are not reported; errors of the newest are', async () => {
  const errors: unknown[] = [];
  const l = new LatestOnly<string, string>(
    (q) => Promise.reject(new Error(q)),
    () => undefined,
    (err) => errors.push(err),
    0,
  );
  const a = l.now('old');
  const b = l.now('new');
  await Promise.all([a, b]);
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, 'new');
});
