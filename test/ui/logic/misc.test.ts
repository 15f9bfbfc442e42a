import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyCompletion, tokenAtCaret } from '../../../src-renderer/src/lib/logic/completion.js';
import { countAtOrAbove, countFromHistogram, sortAscending } from '../../../src-renderer/src/lib/logic/threshold.js';
import { answer, back, counts, currentItem, isDone, keyToAction, startQueue } from '../../../src-renderer/src/lib/logic/label-queue.js';
import { formatDurationSec, formatEta, progressFraction } from '../../../src-renderer/src/lib/logic/format.js';

test('tokenAtCaret finds the word being typed, including field prefixes and quoted values', () => {
  assert.deepEqual(tokenAtCaret('artist:bea tag:ro', 17), { start: 11, end: 17, text: 'tag:ro' });
  assert.deepEqual(tokenAtCaret('(genre:ja', 9), { start: 1, end: 9, text: 'genre:ja' });
  assert.equal(tokenAtCaret('tag:"deep ho', 12).start, 0);
  assert.deepEqual(tokenAtCaret('', 0), { start: 0, end: 0, text: '' });
});

test('applyCompletion replaces the word and leaves the caret after it', () => {
  assert.deepEqual(applyCompletion('year>1990 tag:ro', 10, 16, 'tag:rock'), { query: 'year>1990 tag:rock ', caret: 19 });
  assert.deepEqual(applyCompletion('ar', 0, 2, 'artist:'), { query: 'artist:', caret: 7 });
});

test('threshold counts from sorted values and from histograms', () => {
  const sorted = sortAscending([0.9, 0.1, 0.5, 0.5, 0.7]);
  assert.equal(countAtOrAbove(sorted, 0.5), 4);
  assert.equal(countAtOrAbove(sorted, 0.95), 0);
  assert.equal(countAtOrAbove(sorted, 0), 5);
  assert.equal(countFromHistogram([5, 4, 3, 2], 0.5), 5);
  assert.equal(countFromHistogram([5, 4, 3, 2], 0), 14);
  assert.equal(countFromHistogram([], 0.5), 0);
});

test('label queue: answers advance, back undoes, keys map to actions', () => {
  let q = startQueue(['a', 'b', 'c']);
  q = answer(q, 'yes');
  q = answer(q, 'skip');
  assert.equal(currentItem(q), 'c');
  q = back(q);
  assert.equal(currentItem(q), 'b');
  q = answer(q, 'no');
  q = answer(q, 'yes');
  assert.ok(isDone(q));
  assert.deepEqual(counts(q), { yes: 2, no: 1, skip: 0 });
  assert.equal(answer(q, 'yes'), q, 'answering past the end changes nothing');
  assert.equal(keyToAction('Y'), 'yes');
  assert.equal(keyToAction(' '), 'toggle-play');
  assert.equal(keyToAction('x'), null);
});

test('formatting of durations, ETA and progress', () => {
  assert.equal(formatDurationSec(65), '1:05');
  assert.equal(formatDurationSec(3725), '1:02:05');
  assert.equal(formatDurationSec(null), '–');
  assert.equal(formatEta(null), 'estimating…');
  assert.equal(formatEta(30.2), '31 s left');
  assert.equal(progressFraction(5, null), null);
  assert.equal(progressFraction(5, 10), 0.5);
});
