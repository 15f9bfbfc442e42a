import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { placeAudio, nonAsciiTags } from '../library/scan-fixtures.js';
import { runCli } from './cli-helpers.js';

test('scan, ls, errors and stats work end to end, in text and in --json', async (t) => {
  const dir = tmpDir(t);
  const home = path.join(dir, 'home');
  const db = path.join(dir, 'lib.db');
  const lib = path.join(dir, 'My Music');
  placeAudio(path.join(lib, 'a.mp3'), 'mp3');
  placeAudio(path.join(lib, 'b.flac'), 'flac');
  placeAudio(path.join(lib, '-dash.ogg'), 'ogg');
  fs.writeFileSync(path.join(lib, 'broken.mp3'), '');

  const scan = await runCli(home, db, ['--json', 'scan', lib]);
  assert.equal(scan.code, 0, scan.stderr);
  assert.equal(scan.stderr, '', 'no progress noise when stderr is not a terminal');
  const result = JSON.parse(scan.stdout) as { files: number; added: number; errors: number };
  assert.equal(result.files, 4);
  assert.equal(result.added, 4);
  assert.equal(result.errors, 1);

  const ls = await runCli(home, db, ['--json', 'ls']);
  assert.equal(ls.code, 0, ls.stderr);
  const tracks = JSON.parse(ls.stdout) as Record<string, unknown>[];
  assert.equal(tracks.length, 4);
  for (const tr of tracks) for (const key of ['id', 'path', 'title', 'artist', 'album', 'durationSec', 'format', 'status']) assert.ok(key in tr, key);
  const a = tracks.find((tr) => tr.path === path.join(lib, 'a.mp3'))!;
  assert.equal(a.title, nonAsciiTags.title);
  assert.equal(a.artist, nonAsciiTags.artist);
  assert.equal(a.format, 'MPEG');
  assert.equal(a.status, 'ok');
  assert.equal(typeof a.durationSec, 'number');
  assert.equal(tracks.find((tr) => tr.path === path.join(lib, 'broken.mp3'))?.status, 'error');

  const errors = await runCli(home, db, ['--json', 'errors']);
  assert.deepEqual(JSON.parse(errors.stdout), [{ path: path.join(lib, 'broken.mp3'), error: 'empty file (0 bytes)' }]);
  const errorsText = await runCli(home, db, ['errors']);
  assert.equal(errorsText.stdout, `${path.join(lib, 'broken.mp3')}: empty file (0 bytes)\n`);

  const stats = await runCli(home, db, ['--json', 'stats']);
  const s = JSON.parse(stats.stdout) as { tracks: number; ok: number; missing: number; errors: number; formats: Record<string, number>; totalDurationSec: number };
  assert.equal(s.tracks, 4);
  assert.equal(s.ok, 3);
  assert.equal(s.missing, 0);
  assert.equal(s.errors, 1);
  assert.deepEqual(s.formats, { FLAC: 1, MPEG: 1, Ogg: 1 });
  assert.ok(Math.abs(s.totalDurationSec - 3) < 0.2, String(s.totalDurationSec));

  const lsText = await runCli(home, db, ['ls', '--sort', 'title', '--status', 'ok']);
  assert.match(lsText.stdout, /^ID\s+STATUS\s+TIME\s+ARTIST\s+TITLE/);
  assert.equal(lsText.stdout.trim().split('\n').length, 4);
  assert.match(lsText.stdout, /Björk/);
  const statsText = await runCli(home, db, ['stats']);
  assert.match(statsText.stdout, /Tracks:\s+4 \(3 ok, 0 missing, 1 unreadable\)/);

  // A rescan with no folder rescans the remembered root.
  const rescan = await runCli(home, db, ['scan']);
  assert.equal(rescan.code, 0, rescan.stderr);
  assert.match(rescan.stdout, /Scanned 4 audio files in 1 of 1 folders .*4 unchanged/);
});

test('an unavailable root gives a warning on stderr and leaves its tracks alone', async (t) => {
  const dir = tmpDir(t);
  const home = path.join(dir, 'home');
  const db = path.join(dir, 'lib.db');
  const lib = path.join(dir, 'usb');
  placeAudio(path.join(lib, 'a.mp3'), 'mp3');
  assert.equal((await runCli(home, db, ['scan', lib])).code, 0);
  fs.renameSync(lib, `${lib}-away`);
  const run = await runCli(home, db, ['--json', 'scan']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /^earmark: warning: library folder .*usb is unavailable \(not found\); its tracks were left as they were\n$/);
  assert.equal((JSON.parse(run.stdout) as { missing: number }).missing, 0);
  const ls = JSON.parse((await runCli(home, db, ['--json', 'ls'])).stdout) as { status: string }[];
  assert.deepEqual(
    ls.map((x) => x.status),
    ['ok'],
  );
});

test('bad arguments fail with one line on stderr and exit code 2', async (t) => {
  const dir = tmpDir(t);
  const home = path.join(dir, 'home');
  const db = path.join(dir, 'lib.db');
  const missing = await runCli(home, db, ['scan', path.join(dir, 'no such folder')]);
  assert.equal(missing.code, 2, missing.stderr);
  assert.equal(missing.stderr, `earmark: cannot add folder ${path.join(dir, 'no such folder')}: not found\n`);
  const none = await runCli(home, db, ['scan']);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /^earmark: no library folders yet/);
  const badSort = await runCli(home, db, ['ls', '--sort', 'colour']);
  assert.equal(badSort.code, 2, badSort.stderr);
  assert.match(badSort.stderr, /unknown --sort colour/);
});
