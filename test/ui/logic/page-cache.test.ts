import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageCache, type Page } from '../../../src-renderer/src/lib/logic/page-cache.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('fetches only the pages the window needs and serves rows from them', async () => {
  const calls: number[] = [];
  const cache = new PageCache<number>({
    pageSize: 10,
    maxPages: 4,
    onChange: () => undefined,
    fetchPage: (offset, limit) => {
      calls.push(offset);
      return Promise.resolve({ rows: Array.from({ length: limit }, (_, i) => offset + i), total: 1000 });
    },
  });
  await cache.ensure(15, 32);
  assert.deepEqual(calls, [10, 20, 30]);
  assert.equal(cache.row(15), 15);
  assert.equal(cache.row(5), undefined);
  assert.equal(cache.total, 1000);
  await cache.ensure(15, 32);
  assert.equal(calls.length, 3, 'loaded pages are not fetched again');
});

test('keeps at most maxPages pages, dropping the least recently used', async () => {
  const cache = new PageCache<number>({
    pageSize: 10,
    maxPages: 2,
    onChange: () => undefined,
    fetchPage: (offset, limit) => Promise.resolve({ rows: Array.from({ length: limit }, (_, i) => offset + i), total: 1000 }),
  });
  await cache.ensure(0, 10);
  await cache.ensure(10, 20);
  await cache.ensure(0, 10); // touch page 0
  await cache.ensure(20, 30); // evicts page 1
  assert.equal(cache.row(0), 0);
  assert.equal(cache.row(10), undefined);
  assert.equal(cache.row(20), 20);
});

test('answers for an old query (before reset) are dropped', async () => {
  const pending: { offset: number; d: ReturnType<typeof deferred<Page<string>>> }[] = [];
  let changes = 0;
  const cache = new PageCache<string>({
    pageSize: 10,
    maxPages: 4,
    onChange: () => changes++,
    fetchPage: (offset) => {
      const d = deferred<Page<string>>();
      pending.push({ offset, d });
      return d.promise;
    },
  });
  const first = cache.ensure(0, 5);
  cache.reset();
  const second = cache.ensure(0, 5);
  pending[1]!.d.resolve({ rows: ['new'], total: 1 });
  pending[0]!.d.resolve({ rows: ['old'], total: 99 });
  await Promise.all([first, second]);
  assert.equal(cache.row(0), 'new');
  assert.equal(cache.total, 1);
  assert.equal(changes, 1);
});

test('requests for pages scrolled far away are aborted', () => {
  const signals = new Map<number, AbortSignal>();
  const cache = new PageCache<number>({
    pageSize: 10,
    maxPages: 10,
    onChange: () => undefined,
    fetchPage: (offset, _limit, signal) => {
      signals.set(offset, signal);
      return new Promise(() => undefined);
    },
  });
  void cache.ensure(0, 10);
  void cache.ensure(500, 510);
  assert.equal(signals.get(0)?.aborted, true);
  assert.equal(signals.get(500)?.aborted, false);
});

test('patch replaces a row in place and reports a change', async () => {
  let changes = 0;
  const cache = new PageCache<{ id: number; v: string }>({
    pageSize: 2,
    maxPages: 4,
    onChange: () => changes++,
    fetchPage: () => Promise.resolve({ rows: [{ id: 1, v: 'a' }, { id: 2, v: 'b' }], total: 2 }),
  });
  await cache.ensure(0, 2);
  assert.equal(cache.patch((r) => r.id === 2, (r) => ({ ...r, v: 'B' })), true);
  assert.equal(cache.row(1)?.v, 'B');
  assert.equal(cache.patch((r) => r.id === 9, (r) => r), false);
  assert.equal(changes, 2);
});

test('resetWith a short first page shows its rows at once, then fetches the whole page', async () => {
  const offsets: [number, number][] = [];
  const cache = new PageCache<string>({
    pageSize: 4,
    maxPages: 4,
    onChange: () => undefined,
    fetchPage: (offset, limit) => {
      offsets.push([offset, limit]);
      return Promise.resolve({ rows: Array.from({ length: limit }, (_, i) => `full-${offset + i}`), total: 10 });
    },
  });
  cache.resetWith({ rows: ['first-0', 'first-1'], total: 10 });
  assert.equal(cache.row(1), 'first-1', 'the short page shows at once');
  assert.equal(cache.row(2), undefined, 'rows past it are not loaded yet');
  await cache.ensure(0, 3);
  assert.deepEqual(offsets, [[0, 4]], 'the whole first page is fetched once');
  assert.equal(cache.row(3), 'full-3');
  await cache.ensure(0, 3);
  assert.equal(offsets.length, 1, 'and not again');
  // A result set smaller than a page is whole already.
  cache.resetWith({ rows: ['only-0', 'only-1'], total: 2 });
  await cache.ensure(0, 2);
  assert.equal(offsets.length, 1);
});

test('resetWith seeds the first page; invalidate keeps rows visible until the refetch lands', async () => {
  let version = 'v1';
  let fetches = 0;
  const cache = new PageCache<string>({
    pageSize: 2,
    maxPages: 4,
    onChange: () => undefined,
    fetchPage: (offset) => {
      fetches++;
      return Promise.resolve({ rows: [`${version}-${offset}`, `${version}-${offset + 1}`], total: 4 });
    },
  });
  cache.resetWith({ rows: ['seed-0', 'seed-1'], total: 4 });
  await cache.ensure(0, 2);
  assert.equal(fetches, 0, 'the seeded page is not fetched again');
  assert.equal(cache.row(0), 'seed-0');
  version = 'v2';
  cache.invalidate();
  assert.equal(cache.row(1), 'seed-1', 'stale rows stay on screen');
  await cache.ensure(0, 2);
  assert.equal(cache.row(1), 'v2-1');
  assert.equal(fetches, 1);
});
