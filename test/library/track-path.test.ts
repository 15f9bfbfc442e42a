import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePath, trackFsPath } from '../../src-main/library/track-path.js';
import { extensionOf, isAudioName } from '../../src-main/library/formats.js';

test('valid UTF-8 paths are exact; invalid bytes are escaped as \\xNN and kept raw', () => {
  assert.deepEqual(decodePath(Buffer.from('/m/Björk – Jóga.flac')), { text: '/m/Björk – Jóga.flac', exact: true });
  const raw = Buffer.concat([Buffer.from('/m/caf'), Buffer.from([0xe9]), Buffer.from('_'), Buffer.from([0xc3]), Buffer.from('.mp3')]);
  assert.deepEqual(decodePath(raw), { text: '/m/caf\\xE9_\\xC3.mp3', exact: false });
  // A lone surrogate encoded in UTF-8 (CESU-style) is not valid UTF-8 either.
  assert.equal(decodePath(Buffer.from([0x2f, 0xed, 0xa0, 0x80])).text, '/\\xED\\xA0\\x80');
  assert.equal(trackFsPath({ path: '/a.mp3', path_raw: null }), '/a.mp3');
  assert.deepEqual(trackFsPath({ path: '/m/caf\\xE9.mp3', path_raw: raw }), raw);
});

test('audio extensions are recognised whatever their case', () => {
  for (const name of ['a.mp3', 'B.FLAC', 'c.Ogg', 'd.oga', 'e.opus', 'f.m4a', 'g.mp4', 'h.aac', 'i.wav', 'j.aif', 'k.AIFF', 'l.wma']) assert.ok(isAudioName(name), name);
  for (const name of ['cover.jpg', 'notes.txt', 'mp3', '.mp3', 'dir.mp3/readme']) assert.ok(!isAudioName(name), name);
  assert.equal(extensionOf(Buffer.from('/x/Song.MP3')), 'mp3');
});
