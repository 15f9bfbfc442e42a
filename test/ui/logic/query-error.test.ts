import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeError, splitAtError } from '../../../src-renderer/src/lib/logic/query-error.js';

test('the span at the error position is cut out of the query', () => {
  const s = splitAtError('tag:rock AND (year>', 14, 5);
  assert.equal(s.before, 'tag:rock AND (');
  assert.equal(s.at, 'year>');
  assert.equal(s.after, '');
  assert.equal(s.before + s.at + s.after, 'tag:rock AND (year>');
});

test('an error at or past the end underlines a placeholder space at the end', () => {
  const s = splitAtError('tag:', 4);
  assert.deepEqual(s, { before: 'tag:', at: ' ', after: '', start: 4, end: 4 });
  assert.equal(splitAtError('abc', 99).start, 3);
});

test('negative, fractional and NaN positions are clamped, length at least 1', () => {
  assert.equal(splitAtError('abc', -5).start, 0);
  assert.equal(splitAtError('abc', 1.7).at, 'b');
  assert.equal(splitAtError('abc', Number.NaN, 0).at, 'a');
});

test('the description counts characters from 1 for people', () => {
  assert.equal(describeError('unknown field', splitAtError('foo:bar', 0, 3)), 'unknown field (at character 1)');
});
