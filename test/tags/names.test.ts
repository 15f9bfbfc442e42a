import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanTagName, tagKey, MAX_TAG_NAME_CODE_POINTS } from '../../src-main/tags/names.js';

test('names are trimmed, inner white space collapsed, NFC', () => {
  assert.equal(cleanTagName('  rainy \t  sunday\u00a0'), 'rainy sunday');
  assert.equal(cleanTagName('Cafe\u0301'), 'Café');
});

test('keys compare case-insensitively with NFKC and full case folding', () => {
  assert.equal(tagKey('Rainy Sunday'), tagKey('  rAINY   sunday '));
  assert.equal(tagKey('Straße'), tagKey('STRASSE'));
  assert.equal(tagKey('ﬁre'), tagKey('FIRE'));
  assert.equal(tagKey('ＷＡＲＭ'), tagKey('warm'));
  assert.equal(tagKey('ΟΔΟΣ'), tagKey('οδος'));
  assert.equal(tagKey('Café'), tagKey('CAFE\u0301'));
  assert.notEqual(tagKey('warm'), tagKey('warmer'));
  assert.equal(tagKey('😀 happy'), tagKey('😀 HAPPY'));
});

test('empty, too long and invisible names are refused with a clear error', () => {
  assert.throws(() => cleanTagName('   '), /cannot be empty/);
  assert.throws(() => cleanTagName('x'.repeat(MAX_TAG_NAME_CODE_POINTS + 1)), /too long/);
  assert.equal(Array.from(cleanTagName('😀'.repeat(MAX_TAG_NAME_CODE_POINTS))).length, MAX_TAG_NAME_CODE_POINTS);
  assert.throws(() => cleanTagName('bad\u0007name'), /control or invisible/);
});
