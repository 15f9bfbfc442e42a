import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { audioMimeType, audioReply, parseRange, parseTrackId } from '../../src-main/api/audio-source.js';
import { openDatabase } from '../../src-main/db/database.js';
import { tmpDir } from '../helpers/tmp.js';

test('track ids from a URL: digits only', () => {
  assert.equal(parseTrackId('12'), 12);
  for (const bad of ['', '0', '-1', '1.5', '01', '1e3', '../1', '%31', ' 1', '12345678901234567890', 'abc']) assert.equal(parseTrackId(bad), null, bad);
});

test('byte ranges: single ranges within the file, suffixes, open ends; the rest is the whole file or unsatisfiable', () => {
  assert.equal(parseRange(undefined, 100), null);
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
  assert.deepEqual(parseRange('bytes=95-200', 100), { start: 95, end: 99 });
  assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=5-2', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
  assert.equal(parseRange('bytes=0-1,5-6', 100), null);
  assert.equal(parseRange('items=0-1', 100), null);
});

test('content types follow the extension', () => {
  assert.equal(audioMimeType('/a/b.MP3'), 'audio/mpeg');
  assert.equal(audioMimeType('/a/b.flac'), 'audio/flac');
  assert.equal(audioMimeType('/a/b.ogg'), 'audio/ogg');
  assert.equal(audioMimeType('/a/b.m4a'), 'audio/mp4');
  assert.equal(audioMimeType('/a/b.xyz'), 'application/octet-stream');
});

test('audioReply serves only a catalogued track, by id, with ranges', (t) => {
  const dir = tmpDir(t);
  const db = openDatabase(path.join(dir, 'e.db'));
  t.after(() => {
    db.close();
  });
  const file = path.join(dir, 'song.ogg');
  fs.writeFileSync(file, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251)));
  db.prepare("INSERT INTO tracks (id, path, added_at, updated_at) VALUES (1, ?, 0, 0), (2, ?, 0, 0)").run(file, path.join(dir, 'gone.mp3'));
  const whole = audioReply(db, '1', null);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['Content-Length'], '1000');
  assert.equal(whole.headers['Accept-Ranges'], 'bytes');
  assert.equal(whole.headers['Content-Type'], 'audio/ogg');
  const part = audioReply(db, '1', 'bytes=10-19');
  assert.equal(part.status, 206);
  assert.equal(part.headers['Content-Range'], 'bytes 10-19/1000');
  assert.deepEqual(part.body && { start: part.body.start, end: part.body.end }, { start: 10, end: 19 });
  assert.equal(audioReply(db, '1', 'bytes=5000-').status, 416);
  assert.equal(audioReply(db, '2', null).status, 404, 'a file that is gone');
  assert.equal(audioReply(db, '3', null).status, 404, 'an unknown id');
  assert.equal(audioReply(db, '..%2F..%2Fetc%2Fpasswd', null).status, 400);
  assert.equal(audioReply(db, file, null).status, 400, 'a path is never accepted');
});
