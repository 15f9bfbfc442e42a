import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourFor, colourLut, heatmapPixels, textOn } from '../../../src-renderer/src/lib/logic/colormap.js';

test('ends of the ramp are viridis dark purple and yellow; out-of-range and NaN are clamped', () => {
  assert.deepEqual(colourFor(0), [68, 1, 84]);
  assert.deepEqual(colourFor(1), [253, 231, 37]);
  assert.deepEqual(colourFor(-3), colourFor(0));
  assert.deepEqual(colourFor(7), colourFor(1));
  assert.deepEqual(colourFor(Number.NaN), colourFor(0));
});

test('brightness grows monotonically with the value (a heatmap reads as more = brighter)', () => {
  let prev = -1;
  for (let i = 0; i <= 100; i++) {
    const [r, g, b] = colourFor(i / 100);
    const luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    assert.ok(luma >= prev - 0.5, `luma dropped at ${i / 100}`);
    prev = luma;
  }
});

test('heatmapPixels lays out rows by tag and columns by time, opaque, missing cells as 0', () => {
  const lut = colourLut();
  const px = heatmapPixels([[0, 1], [1]], 2, lut);
  assert.equal(px.length, 2 * 2 * 4);
  assert.deepEqual([...px.slice(0, 4)], [...colourFor(0), 255]);
  assert.deepEqual([...px.slice(4, 8)], [...colourFor(1), 255]);
  assert.deepEqual([...px.slice(8, 12)], [...colourFor(1), 255]);
  assert.deepEqual([...px.slice(12, 16)], [...colourFor(0), 255], 'short row padded with 0');
});

test('text on a cell is white on dark colours and black on light ones', () => {
  assert.equal(textOn(colourFor(0)), 'white');
  assert.equal(textOn(colourFor(1)), 'black');
});
