import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../cli/cli-helpers.js';
import { makeLibrary } from './fixture.js';

test('earmark search prints JSON with the scores the query used, a table otherwise, and one-line errors', async (t) => {
  const lib = makeLibrary(t);
  const file = lib.db.name;
  const json = await runCli(lib.dir, file, ['--json', 'search', 'tag:warm year:1990..1999']);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
  assert.deepEqual(rows, [
    { id: lib.ids.nineties, path: '/music/Rock/Smells Like Teen Spirit.mp3', title: 'Smells Like Teen Spirit', artist: 'Nirvana', album: 'Nevermind', durationSec: 301, score: 1, tags: { 'tag:warm': 1 } },
    { id: lib.ids.cafe, path: '/music/Ébène/01 Café del Mar.mp3', title: 'Café del Mar', artist: 'Énergie', album: 'Ébène', durationSec: 412.4, score: 0.9, tags: { 'tag:warm': 0.9 } },
  ]);

  const table = await runCli(lib.dir, file, ['search', `like:${lib.ids.cafe}`, '--limit', '2']);
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+TIME\s+ARTIST\s+TITLE\s+ALBUM\s+SCORE\s+LIKE:\d+\s+PATH$/);
  assert.match(lines[1]!, /Café del Mar.*1\.000/);
  assert.match(lines[3]!, /^\(2 of 5 tracks; use --limit or limit: for more\)$/);

  const bad = await runCli(lib.dir, file, ['search', 'rock year:']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'earmark: at 11: expected a value after "year:" (a year, e.g. 1999)\n');
  assert.equal(bad.stdout, '');
});

test('earmark playlist save, list, export and delete', async (t) => {
  const lib = makeLibrary(t);
  const file = lib.db.name;
  const saved = await runCli(lib.dir, file, ['playlist', 'save', 'Warm', 'tag:warm sort:-tag:warm']);
  assert.equal(saved.code, 0, saved.stderr);
  assert.equal(saved.stdout, 'saved playlist "Warm": 3 tracks\n');

  const list = await runCli(lib.dir, file, ['--json', 'playlist', 'list']);
  const playlists = JSON.parse(list.stdout) as { name: string; query: string; count: number }[];
  assert.deepEqual(playlists.map((p) => [p.name, p.query, p.count]), [['Warm', 'tag:warm sort:-tag:warm', 3]]);

  const out = path.join(lib.dir, 'warm.m3u8');
  const exported = await runCli(lib.dir, file, ['playlist', 'export', 'Warm', '--out', out, '--relative']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^wrote 3 tracks to .*warm\.m3u8 \(m3u8\)\n$/);
  const m3u = fs.readFileSync(out, 'utf8').split('\n');
  assert.equal(m3u[0], '#EXTM3U');
  assert.equal(m3u[2], '#EXTINF:301,Nirvana - Smells Like Teen Spirit');
  assert.equal(m3u[3], path.relative(lib.dir, '/music/Rock/Smells Like Teen Spirit.mp3'));

  const deleted = await runCli(lib.dir, file, ['playlist', 'delete', 'warm']);
  assert.equal(deleted.stdout, 'deleted playlist "Warm"\n');
  const missing = await runCli(lib.dir, file, ['playlist', 'delete', 'warm']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'earmark: no playlist named "warm"\n');
});
