import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { scanLibrary } from '../../src-main/library/index.js';
import { repairUtf8ReadAsLatin1 } from '../../src-main/library/metadata.js';
import { nonAsciiTags, openTestDb, placeAudio, trackByPath } from './scan-fixtures.js';

// Container names music-metadata reports, per extension.
const formats: readonly { ext: string; format: RegExp; tags: boolean }[] = [
  { ext: 'mp3', format: /^MPEG$/, tags: true },
  { ext: 'flac', format: /^FLAC$/, tags: true },
  { ext: 'ogg', format: /^Ogg$/, tags: true },
  { ext: 'oga', format: /^Ogg$/, tags: true },
  { ext: 'opus', format: /^Ogg$/, tags: true },
  { ext: 'm4a', format: /^M4A/, tags: true },
  { ext: 'mp4', format: /^(M4A|mp4|isom)/i, tags: true },
  { ext: 'aac', format: /^ADTS/, tags: false },
  { ext: 'wav', format: /^WAVE$/, tags: true },
  { ext: 'aiff', format: /^AIFF$/, tags: false },
  { ext: 'wma', format: /^ASF/, tags: true },
];

test('every recognised format is catalogued with its tags, non-ASCII text intact', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  for (const f of formats) placeAudio(path.join(lib, `tone.${f.ext}`), f.ext);
  // Extensions in any case; AIFF's text chunks are ASCII in ffmpeg's muxer, so its title is plain.
  placeAudio(path.join(lib, 'LOUD.AIF'), 'aif', { title: 'Plain title' });
  const db = openTestDb(dir);
  t.after(() => db.close());
  const result = await scanLibrary(db, { roots: [lib] });
  assert.equal(result.files, formats.length + 1);
  assert.equal(result.errors, 0);
  for (const f of formats) {
    const row = trackByPath(db, path.join(lib, `tone.${f.ext}`));
    assert.ok(row, f.ext);
    assert.equal(row.status, 'ok', `${f.ext}: ${row.error}`);
    assert.match(row.format ?? '', f.format, f.ext);
    // music-metadata's ASF reader does not report WMA's sample rate or channels.
    if (f.ext !== 'wma') {
      assert.ok(row.sample_rate !== null && row.sample_rate > 0, f.ext);
      assert.equal(row.channels, 2, f.ext);
    }
    assert.ok(row.content_hash?.startsWith('s1:'), f.ext);
    // Raw ADTS has no duration header; the decoder finds it later.
    if (f.ext !== 'aac') assert.ok(row.duration_sec !== null && Math.abs(row.duration_sec - 1) < 0.1, `${f.ext}: ${row.duration_sec}`);
    if (f.tags) {
      assert.equal(row.title, nonAsciiTags.title, f.ext);
      assert.equal(row.artist, nonAsciiTags.artist, f.ext);
      assert.equal(row.album, nonAsciiTags.album, f.ext);
    }
  }
  const mp3 = trackByPath(db, path.join(lib, 'tone.mp3'))!;
  assert.equal(mp3.genre, 'Électro');
  assert.equal(mp3.year, 2021);
  assert.equal(trackByPath(db, path.join(lib, 'LOUD.AIF'))?.title, 'Plain title');
  // The catalogue fills the search index through the schema's triggers.
  const hits = db.prepare("SELECT count(*) AS n FROM tracks_fts WHERE tracks_fts MATCH 'bjork'").get() as { n: number };
  assert.ok(hits.n >= 9);
});

test('UTF-8 text that a RIFF/AIFF reader took for Latin-1 is repaired, real Latin-1 left alone', () => {
  assert.equal(repairUtf8ReadAsLatin1(Buffer.from('Café ☕', 'utf8').toString('latin1')), 'Café ☕');
  assert.equal(repairUtf8ReadAsLatin1('Café'), 'Café');
  assert.equal(repairUtf8ReadAsLatin1('plain'), 'plain');
  assert.equal(repairUtf8ReadAsLatin1('日本'), '日本');
});

test('an Ogg file larger than the sampled tail still gets its duration from the last page', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  const { makeAudio } = await import('../helpers/audio.js');
  makeAudio(path.join(lib, 'long.ogg'), { durationSec: 20, source: 'anoisesrc=d=20:c=pink' });
  makeAudio(path.join(lib, 'long.opus'), { durationSec: 20, source: 'anoisesrc=d=20:c=pink' });
  assert.ok(fs.statSync(path.join(lib, 'long.ogg')).size > 64 * 1024);
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib] });
  for (const name of ['long.ogg', 'long.opus']) {
    const row = trackByPath(db, path.join(lib, name))!;
    assert.ok(row.duration_sec !== null && Math.abs(row.duration_sec - 20) < 0.1, `${name}: ${row.duration_sec}`);
  }
});
