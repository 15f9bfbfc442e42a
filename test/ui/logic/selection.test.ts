import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clickRow, emptySelection, moveFocus, selectAll } from '../../../src-renderer/src/lib/logic/selection.js';

const plain = { shift: false, toggle: false };

test('click selects one row; ctrl-click toggles; shift-click selects a range from the anchor', () => {
  let s = clickRow(emptySelection, 3, plain);
  assert.deepEqual([...s.selected], [3]);
  s = clickRow(s, 5, { shift: false, toggle: true });
  assert.deepEqual([...s.selected].sort(), [3, 5]);
  s = clickRow(s, 3, { shift: false, toggle: true });
  assert.deepEqual([...s.selected], [5]);
  s = clickRow(s, 8, { shift: true, toggle: false });
  assert.deepEqual([...s.selected].sort((a, b) => a - b), [3, 4, 5, 6, 7, 8], 'the last ctrl-clicked row is the anchor');
  assert.equal(s.anchor, 3);
  s = clickRow(s, 1, { shift: true, toggle: false });
  assert.deepEqual([...s.selected].sort((a, b) => a - b), [1, 2, 3], 'shift range replaces the previous range');
});

test('ctrl+shift adds a range to the existing selection', () => {
  let s = clickRow(emptySelection, 0, plain);
  s = clickRow(s, 10, { shift: false, toggle: true });
  s = clickRow(s, 12, { shift: true, toggle: true });
  assert.deepEqual([...s.selected].sort((a, b) => a - b), [0, 10, 11, 12]);
});

test('arrow keys move focus within bounds, shift extends', () => {
  let s = moveFocus(emptySelection, 1, 5, false);
  assert.equal(s.focus, 0);
  s = moveFocus(s, 1, 5, true);
  s = moveFocus(s, 1, 5, true);
  assert.deepEqual([...s.selected].sort(), [0, 1, 2]);
  s = moveFocus(s, 100, 5, false);
  assert.equal(s.focus, 4);
  assert.deepEqual(moveFocus(s, 1, 0, false), emptySelection);
});

test('select all is capped', () => {
  assert.equal(selectAll(10).selected.size, 10);
  assert.equal(selectAll(500, 100).selected.size, 100);
});
