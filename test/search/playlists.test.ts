import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { deletePlaylist, getPlaylist, listPlaylists, savePlaylist } from '../../src-main/search/playlists.js';
import { csvField, exportPlaylist, formatFromPath, writeFileAtomic } from '../../src-main/search/playlist-export.js';
import { QueryError } from '../../src-main/search/query-error.js';
import { EarmarkError, NotFoundError, UsageError } from '../../src-main/core/errors.js';
import { baseModels, insertTrack, makeLibrary } from './fixture.js';

const opts = { baseModels };

test('playlists are saved by name (case-insensitive), replaced, listed and deleted', (t) => {
  const { db } = makeLibrary(t);
  const first = savePlaylist(db, 'Warm Evenings', 'tag:warm sort:-tag:warm', opts, 100);
  assert.equal(first.replaced, false);
  assert.equal(first.playlist.name, 'Warm Evenings');
  const again = savePlaylist(db, 'warm evenings', 'tag:warm year:1990..', opts, 200);
  assert.equal(again.replaced, true);
  assert.equal(again.playlist.id, first.playlist.id);
  assert.equal(again.playlist.createdAt, 100);
  assert.equal(again.playlist.updatedAt, 200);
  savePlaylist(db, 'Ambient', 'genre:ambient', opts);
  assert.deepEqual(listPlaylists(db).map((p) => [p.name, p.query]), [
    ['Ambient', 'genre:ambient'],
    ['warm evenings', 'tag:warm year:1990..'],
  ]);
  assert.equal(getPlaylist(db, 'WARM EVENINGS')?.query, 'tag:warm year:1990..');
  assert.equal(deletePlaylist(db, 'ambient').name, 'Ambient');
  assert.equal(getPlaylist(db, 'Ambient'), null);
  assert.throws(() => deletePlaylist(db, 'Ambient'), NotFoundError);
});

test('a playlist with a bad query or name is refused before anything is stored', (t) => {
  const { db } = makeLibrary(t);
  assert.throws(() => savePlaylist(db, 'x', 'year:', opts), QueryError);
  assert.throws(() => savePlaylist(db, 'x', 'tag:nosuchtag', opts), /unknown tag "nosuchtag"/);
  assert.throws(() => savePlaylist(db, '  ', 'love', opts), UsageError);
  assert.throws(() => savePlaylist(db, 'a\nb', 'love', opts), /control characters/);
  assert.deepEqual(listPlaylists(db), []);
});

test('export to .m3u8 with #EXTINF, absolute or relative paths', (t) => {
  const lib = makeLibrary(t);
  savePlaylist(lib.db, 'Jazz', 'path:/music/jazz/ sort:title', opts);
  const out = path.join(lib.dir, 'out', 'jazz.m3u8');
  fs.mkdirSync(path.dirname(out));
  const r = exportPlaylist(lib.db, 'jazz', out, opts);
  assert.deepEqual({ ...r, file: path.basename(r.file) }, { file: 'jazz.m3u8', format: 'm3u8', name: 'Jazz', query: 'path:/music/jazz/ sort:title', count: 2, skipped: 0 });
  assert.equal(fs.readFileSync(out, 'utf8'), ['#EXTM3U', '#PLAYLIST:Jazz', '#EXTINF:255,Bill Withers - Lovely Day', '/music/Jazz/Lovely Day.ogg', '#EXTINF:562,Miles Davis - So What', '/music/Jazz/So What.mp3', ''].join('\n'));
  exportPlaylist(lib.db, 'jazz', out, { ...opts, relative: true });
  const lines = fs.readFileSync(out, 'utf8').split('\n');
  assert.equal(lines[3], path.relative(path.dirname(out), '/music/Jazz/Lovely Day.ogg'));
  assert.match(lines[3], /^\.\.\//);
  // A track without tags shows its file name; unknown durations are -1.
  insertTrack(lib.db, { path: '/music/bare.mp3' });
  exportPlaylist(lib.db, 'path:bare', out, opts);
  assert.equal(fs.readFileSync(out, 'utf8'), '#EXTM3U\n#EXTINF:-1,bare\n/music/bare.mp3\n');
  // No temporary files are left beside the output.
  assert.deepEqual(fs.readdirSync(path.dirname(out)), ['jazz.m3u8']);
});

test('export to .csv quotes what needs quoting, and to .json with the scores', (t) => {
  const lib = makeLibrary(t);
  insertTrack(lib.db, { path: '/music/odd/a,b "c".mp3', title: 'Say "Hi", twice', artist: 'Line\nBreak', durationSec: 1.5 });
  const csv = path.join(lib.dir, 'odd.csv');
  exportPlaylist(lib.db, 'path:odd', csv, opts);
  assert.equal(
    fs.readFileSync(csv, 'utf8'),
    'id,path,title,artist,album,duration_sec,score\r\n' + `${lib.ids.gone! + 1},"/music/odd/a,b ""c"".mp3","Say ""Hi"", twice","Line\nBreak",,1.5,\r\n`,
  );
  assert.equal(csvField(' padded'), '" padded"');
  assert.equal(csvField(null), '');
  const json = path.join(lib.dir, 'warm.json');
  const r = exportPlaylist(lib.db, 'tag:warm', json, opts);
  assert.equal(r.name, null);
  const doc = JSON.parse(fs.readFileSync(json, 'utf8')) as { name: null; query: string; tracks: { id: number; score: number; tags: Record<string, number> }[] };
  assert.equal(doc.query, 'tag:warm');
  assert.deepEqual(doc.tracks.map((x) => [x.id, x.tags['tag:warm']]), [
    [lib.ids.nineties, 1],
    [lib.ids.cafe, 0.9],
    [lib.ids.lovely, 0.65],
  ]);
  const csvWarm = path.join(lib.dir, 'warm.csv');
  exportPlaylist(lib.db, 'tag:warm', csvWarm, opts);
  assert.match(fs.readFileSync(csvWarm, 'utf8').split('\r\n')[0]!, /,score,tag:warm$/);
});

test('export refuses unknown extensions and reports unwritable places with the file name', (t) => {
  const lib = makeLibrary(t);
  assert.throws(() => formatFromPath('/x/list.txt'), /cannot tell the playlist format of \/x\/list.txt/);
  const missingDir = path.join(lib.dir, 'no', 'such', 'dir', 'p.m3u8');
  assert.throws(
    () => exportPlaylist(lib.db, 'love', missingDir, opts),
    (err: unknown) => err instanceof EarmarkError && err.message.startsWith(`cannot write ${missingDir}`),
  );
  const target = path.join(lib.dir, 'keep.json');
  fs.writeFileSync(target, 'old');
  assert.throws(() => exportPlaylist(lib.db, 'year:', target, opts), QueryError);
  assert.equal(fs.readFileSync(target, 'utf8'), 'old');
  writeFileAtomic(target, 'new');
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
});
