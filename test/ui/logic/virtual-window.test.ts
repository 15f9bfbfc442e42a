import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeWindow, pagesFor, scrollToReveal } from '../../../src-renderer/src/lib/logic/virtual-window.js';

const base = { viewportHeightPx: 300, rowHeightPx: 30, rowCount: 100_000, overscanRows: 5 };

test('at the top the window starts at row 0 and covers the viewport plus overscan', () => {
  const w = computeWindow({ ...base, scrollTopPx: 0 });
  assert.deepEqual(w, { start: 0, end: 16, offsetPx: 0, totalHeightPx: 3_000_000 });
});

test('in the middle the window is centred on the visible rows with overscan on both sides', () => {
  const w = computeWindow({ ...base, scrollTopPx: 30 * 50_000 + 10 });
  assert.equal(w.start, 50_000 - 5);
  assert.equal(w.end, 50_000 + 11 + 5);
  assert.equal(w.offsetPx, w.start * 30);
});

test('scrolling past the end (overscroll, shrunk result set) is clamped to the last rows', () => {
  const w = computeWindow({ ...base, rowCount: 20, scrollTopPx: 99_999 });
  assert.equal(w.end, 20);
  assert.ok(w.start >= 0 && w.start < 20);
  const empty = computeWindow({ ...base, rowCount: 0, scrollTopPx: 500 });
  assert.deepEqual(empty, { start: 0, end: 0, offsetPx: 0, totalHeightPx: 0 });
});

test('the number of rendered rows does not grow with the library size', () => {
  const small = computeWindow({ ...base, rowCount: 1000, scrollTopPx: 3000 });
  const huge = computeWindow({ ...base, rowCount: 1_000_000, scrollTopPx: 3000 });
  assert.equal(small.end - small.start, huge.end - huge.start);
});

test('pagesFor lists the pages covering a row range, none for an empty range', () => {
  assert.deepEqual(pagesFor(0, 16, 100), [0]);
  assert.deepEqual(pagesFor(95, 216, 100), [0, 1, 2]);
  assert.deepEqual(pagesFor(100, 200, 100), [1]);
  assert.deepEqual(pagesFor(10, 10, 100), []);
});

test('scrollToReveal moves only as far as needed', () => {
  assert.equal(scrollToReveal(5, 0, 300, 30), 0);
  assert.equal(scrollToReveal(10, 0, 300, 30), 30);
  assert.equal(scrollToReveal(2, 300, 300, 30), 60);
});
