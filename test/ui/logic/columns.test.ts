import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnWidthsPx } from '../../../src-renderer/src/lib/logic/columns.js';
import { slotRow, windowCapacity } from '../../../src-renderer/src/lib/logic/virtual-window.js';

const table = [{ minPx: 180, fr: 2 }, { minPx: 140, fr: 1 }, { minPx: 100 }, { minPx: 60 }];

test('flexible columns share what the fixed ones leave, by their fr', () => {
  assert.deepEqual(columnWidthsPx(table, 1060), [600, 300, 100, 60]);
  const w = columnWidthsPx(table, 1001);
  assert.ok(w.reduce((s, x) => s + x, 0) <= 1001, 'whole pixels, never wider than the space');
});

test('a flexible column never goes below its minimum; the others share again', () => {
  // 2fr would get 2/3 of 360 = 240 >= 180, 1fr 120 < 140: held at 140, the 2fr column takes the rest.
  assert.deepEqual(columnWidthsPx(table, 520), [220, 140, 100, 60]);
  assert.deepEqual(columnWidthsPx(table, 100), [180, 140, 100, 60], 'too narrow: every column at its minimum');
  assert.deepEqual(columnWidthsPx([], 500), []);
});

test('pooled rows: each slot shows the one row of the window congruent to it, so a move by k changes k slots', () => {
  const cap = windowCapacity(300, 30, 2);
  assert.equal(cap, 10 + 1 + 4);
  const rows = (start: number) => Array.from({ length: cap }, (_, s) => slotRow(s, start, cap));
  assert.deepEqual([...rows(0)].sort((a, b) => a - b), Array.from({ length: cap }, (_, i) => i));
  assert.deepEqual([...rows(37)].sort((a, b) => a - b), Array.from({ length: cap }, (_, i) => 37 + i), 'the window, each row once');
  const before = rows(37);
  const after = rows(40);
  assert.equal(before.filter((r, s) => r !== after[s]).length, 3, 'three rows scrolled in, three slots changed');
  assert.equal(slotRow(0, 5, 0), 5, 'no capacity: no crash');
});
