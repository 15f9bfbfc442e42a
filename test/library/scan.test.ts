import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { scanLibrary, listErrors, listRoots, trackFsPath } from '../../src-main/library/index.js';
import { allTracks, openTestDb, placeAudio, trackByPath } from './scan-fixtures.js';

const isRoot = process.getuid?.() === 0;

test('bad files are recorded with their error and the scan goes on', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  placeAudio(path.join(lib, 'a-good.mp3'), 'mp3');
  fs.writeFileSync(path.join(lib, 'zero.mp3'), '');
  fs.writeFileSync(path.join(lib, 'random.flac'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
  fs.writeFileSync(path.join(lib, 'text.ogg'), 'not audio at all, just words\n'.repeat(50));
  placeAudio(path.join(dir, 'whole.mp3'), 'mp3');
  placeAudio(path.join(dir, 'whole.wav'), 'wav');
  const cut = (from: string, to: string, keep: number) => { fs.writeFileSync(to, fs.readFileSync(from).subarray(0, keep)); };
  cut(path.join(dir, 'whole.mp3'), path.join(lib, 'truncated.mp3'), 2000);
  cut(path.join(dir, 'whole.wav'), path.join(lib, 'truncated.wav'), 20_000);
  fs.symlinkSync(path.join(dir, 'nowhere.mp3'), path.join(lib, 'dangling.mp3'));
  execFileSync('mkfifo', [path.join(lib, 'pipe.mp3')]);
  // A folder named like a file is a folder: walked into, not an error.
  placeAudio(path.join(lib, 'Album.flac', 'inside.ogg'), 'ogg');
  placeAudio(path.join(lib, 'z-good.flac'), 'flac');

  const db = openTestDb(dir);
  t.after(() => db.close());
  const result = await scanLibrary(db, { roots: [lib] });
  const errors = new Map(listErrors(db).map((e) => [path.basename(e.path), e.error]));
  assert.equal(errors.get('zero.mp3'), 'empty file (0 bytes)');
  assert.match(errors.get('random.flac') ?? '', /^cannot read metadata: /);
  assert.match(errors.get('text.ogg') ?? '', /^cannot read metadata: /);
  assert.match(errors.get('truncated.mp3') ?? '', /truncated/);
  assert.match(errors.get('truncated.wav') ?? '', /truncated/);
  assert.equal(errors.get('dangling.mp3'), 'dangling symbolic link');
  assert.equal(errors.get('pipe.mp3'), 'not a regular file');
  assert.equal(errors.size, 7);
  assert.equal(result.errors, 7);
  for (const good of ['a-good.mp3', 'z-good.flac', 'Album.flac/inside.ogg']) assert.equal(trackByPath(db, path.join(lib, good))?.status, 'ok', good);
  // Error rows are tracks with status 'error' (non-files live in scan_errors).
  assert.equal(trackByPath(db, path.join(lib, 'zero.mp3'))?.status, 'error');

  // Unchanged bad files are not re-read, but still reported; a fixed file becomes ok.
  placeAudio(path.join(lib, 'zero.mp3'), 'mp3');
  const again = await scanLibrary(db);
  assert.equal(again.updated, 1);
  assert.equal(trackByPath(db, path.join(lib, 'zero.mp3'))?.status, 'ok');
  assert.equal(again.errors, 6);
  assert.equal(listErrors(db).length, 6);
});

test('an unreadable file is an error, unless running as root', { skip: isRoot ? 'root reads every file' : false }, async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  placeAudio(path.join(lib, 'locked.mp3'), 'mp3');
  fs.chmodSync(path.join(lib, 'locked.mp3'), 0);
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib] });
  assert.equal(trackByPath(db, path.join(lib, 'locked.mp3'))?.error, 'cannot open file: permission denied');
});

test('names with spaces, newlines, a leading dash, shell syntax and non-UTF-8 bytes work', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  const names = ['with space.mp3', 'new\nline.ogg', '-leading-dash.flac', '$(touch pwned); `id` & "q" \'s\' | > <.mp3', '*?[x].wav', 'Ωμέγα 日本.opus'];
  for (const n of names) placeAudio(path.join(lib, n), path.extname(n).slice(1));
  const rawName = Buffer.concat([Buffer.from(`${lib}/caf`), Buffer.from([0xe9]), Buffer.from(' latin1.mp3')]);
  placeAudio(rawName, 'mp3');
  const rawDir = Buffer.concat([Buffer.from(`${lib}/dir-`), Buffer.from([0xff, 0xfe])]);
  fs.mkdirSync(rawDir);
  placeAudio(Buffer.concat([rawDir, Buffer.from('/in.flac')]), 'flac');

  const db = openTestDb(dir);
  t.after(() => db.close());
  const result = await scanLibrary(db, { roots: [lib] });
  assert.equal(result.errors, 0);
  assert.equal(result.files, names.length + 2);
  for (const n of names) {
    const row = trackByPath(db, path.join(lib, n));
    assert.equal(row?.status, 'ok', n);
    assert.equal(row.path_raw, null);
    assert.ok(row.title, n);
  }
  assert.ok(!fs.existsSync(path.join(lib, 'pwned')) && !fs.existsSync('pwned'));
  const latin = trackByPath(db, `${lib}/caf\\xE9 latin1.mp3`);
  assert.equal(latin?.status, 'ok', latin?.error ?? 'no row');
  assert.deepEqual(latin.path_raw, rawName);
  assert.ok(latin.title);
  assert.deepEqual(trackFsPath(latin), rawName);
  assert.ok(fs.statSync(trackFsPath(latin)).isFile());
  const inRawDir = trackByPath(db, `${lib}/dir-\\xFF\\xFE/in.flac`);
  assert.equal(inRawDir?.status, 'ok');
  // Rescanning finds them all unchanged, bytes and all.
  const again = await scanLibrary(db);
  assert.equal(again.unchanged, names.length + 2);
});

test('hidden folders are skipped; symlinks are followed without loops', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  const outside = path.join(dir, 'outside');
  placeAudio(path.join(lib, 'a', 'one.mp3'), 'mp3');
  placeAudio(path.join(lib, '.hidden', 'secret.mp3'), 'mp3');
  placeAudio(path.join(outside, 'linked.flac'), 'flac');
  fs.symlinkSync(lib, path.join(lib, 'a', 'loop-to-root'));
  fs.symlinkSync(path.join(lib, 'a'), path.join(lib, 'b-loop-to-a'));
  fs.symlinkSync(outside, path.join(lib, 'c-outside'));
  fs.symlinkSync(path.join(lib, 'a', 'one.mp3'), path.join(lib, 'd-same-file.mp3'));
  const db = openTestDb(dir);
  t.after(() => db.close());
  const result = await scanLibrary(db, { roots: [lib] });
  assert.deepEqual(
    allTracks(db).map((r) => path.relative(lib, r.path)),
    ['a/one.mp3', 'c-outside/linked.flac'],
  );
  // The real path wins over a link to the same file, whatever the order of names.
  assert.equal(result.errors, 0);
});

test('unchanged files are skipped; a changed file is re-read', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  for (const ext of ['mp3', 'flac', 'ogg']) placeAudio(path.join(lib, `x.${ext}`), ext);
  const db = openTestDb(dir);
  t.after(() => db.close());
  const first = await scanLibrary(db, { roots: [lib] });
  assert.equal(first.added, 3);
  const before = trackByPath(db, path.join(lib, 'x.mp3'))!;
  const second = await scanLibrary(db);
  assert.deepEqual({ ...second, durationSec: 0 }, { roots: [{ path: lib, status: 'ok', message: null }], files: 3, added: 0, updated: 0, moved: 0, unchanged: 3, missing: 0, errors: 0, durationSec: 0, warnings: [] });
  placeAudio(path.join(lib, 'x.mp3'), 'mp3', { title: 'Retitled' });
  const third = await scanLibrary(db);
  assert.equal(third.updated, 1);
  assert.equal(third.unchanged, 2);
  const after = trackByPath(db, path.join(lib, 'x.mp3'))!;
  assert.equal(after.id, before.id);
  assert.equal(after.title, 'Retitled');
});

test('renames and moves keep the id; deleted files are marked missing, never deleted; copies are new tracks', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  const lib2 = path.join(dir, 'lib2');
  fs.mkdirSync(lib2);
  placeAudio(path.join(lib2, 'keep.ogg'), 'ogg');
  placeAudio(path.join(lib, 'rename-me.mp3'), 'mp3', { title: 'R' });
  placeAudio(path.join(lib, 'move-me.flac'), 'flac', { title: 'M' });
  placeAudio(path.join(lib, 'other-root.ogg'), 'ogg', { title: 'O' });
  placeAudio(path.join(lib, 'delete-me.wav'), 'wav', { title: 'D' });
  placeAudio(path.join(lib, 'copy-me.opus'), 'opus', { title: 'C' });
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib, lib2] });
  const id = (p: string) => trackByPath(db, p)?.id;
  const ids = { r: id(path.join(lib, 'rename-me.mp3')), m: id(path.join(lib, 'move-me.flac')), o: id(path.join(lib, 'other-root.ogg')), d: id(path.join(lib, 'delete-me.wav')), c: id(path.join(lib, 'copy-me.opus')) };

  fs.renameSync(path.join(lib, 'rename-me.mp3'), path.join(lib, 'renamed.mp3'));
  fs.mkdirSync(path.join(lib, 'deeper', 'still'), { recursive: true });
  fs.renameSync(path.join(lib, 'move-me.flac'), path.join(lib, 'deeper', 'still', 'moved.flac'));
  fs.renameSync(path.join(lib, 'other-root.ogg'), path.join(lib2, 'arrived.ogg'));
  fs.rmSync(path.join(lib, 'delete-me.wav'));
  fs.copyFileSync(path.join(lib, 'copy-me.opus'), path.join(lib, 'copy.opus'));
  const result = await scanLibrary(db);
  assert.equal(result.moved, 3);
  assert.equal(result.added, 1);
  assert.equal(result.missing, 1);
  assert.equal(id(path.join(lib, 'renamed.mp3')), ids.r);
  assert.equal(id(path.join(lib, 'deeper', 'still', 'moved.flac')), ids.m);
  const arrived = trackByPath(db, path.join(lib2, 'arrived.ogg'))!;
  assert.equal(arrived.id, ids.o);
  assert.equal(arrived.root_id, listRoots(db).find((r) => r.path === lib2)?.id);
  assert.equal(id(path.join(lib, 'copy-me.opus')), ids.c);
  assert.notEqual(id(path.join(lib, 'copy.opus')), ids.c);
  const gone = trackByPath(db, path.join(lib, 'delete-me.wav'))!;
  assert.equal(gone.id, ids.d);
  assert.equal(gone.status, 'missing');
  assert.ok(gone.missing_since !== null);
  assert.equal(gone.title, 'D');
  assert.equal(allTracks(db).length, 7);
  // No stale rows for the old paths.
  assert.equal(trackByPath(db, path.join(lib, 'rename-me.mp3')), undefined);

  // A missing file that turns up elsewhere later, even after a scan marked it missing, keeps its id too.
  placeAudio(path.join(lib, 'back', 'returned.wav'), 'wav', { title: 'D' });
  const later = await scanLibrary(db);
  assert.equal(later.moved, 1);
  const back = trackByPath(db, path.join(lib, 'back', 'returned.wav'))!;
  assert.equal(back.id, ids.d);
  assert.equal(back.status, 'ok');
  assert.equal(back.missing_since, null);
});

test('an MP3 whose ID3 tag is edited keeps its content hash, so a rename plus a retag keeps its id', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  placeAudio(path.join(lib, 'song.mp3'), 'mp3');
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib] });
  const before = trackByPath(db, path.join(lib, 'song.mp3'))!;
  const bytes = fs.readFileSync(path.join(lib, 'song.mp3'));
  assert.equal(bytes.toString('latin1', 0, 3), 'ID3');
  const oldTagSize = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
  fs.writeFileSync(path.join(lib, 'renamed and retagged.mp3'), Buffer.concat([id3v23Title('A new title, longer than before'), bytes.subarray(oldTagSize)]));
  fs.rmSync(path.join(lib, 'song.mp3'));
  const result = await scanLibrary(db);
  assert.equal(result.moved, 1);
  const after = trackByPath(db, path.join(lib, 'renamed and retagged.mp3'))!;
  assert.equal(after.id, before.id);
  assert.equal(after.content_hash, before.content_hash);
  assert.equal(after.title, 'A new title, longer than before');
});

/** A minimal ID3v2.3 tag with one TIT2 (title) frame in Latin-1. */
function id3v23Title(title: string): Buffer {
  const text = Buffer.concat([Buffer.from([0]), Buffer.from(title, 'latin1')]);
  const frame = Buffer.alloc(10);
  frame.write('TIT2', 0, 'latin1');
  frame.writeUInt32BE(text.length, 4);
  const body = Buffer.concat([frame, text, Buffer.alloc(100)]); // with padding, as taggers write
  const size = body.length;
  const header = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
  return Buffer.concat([header, body]);
}

test('nothing is marked missing under a root that is unavailable or empty, and the user is told', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'disk');
  const other = path.join(dir, 'other');
  placeAudio(path.join(lib, 'one.mp3'), 'mp3');
  placeAudio(path.join(lib, 'two.flac'), 'flac');
  placeAudio(path.join(other, 'three.ogg'), 'ogg');
  placeAudio(path.join(other, 'four.ogg'), 'ogg');
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib, other] });

  // Unmounted: the folder is gone.
  fs.renameSync(lib, `${lib}-unplugged`);
  fs.rmSync(path.join(other, 'three.ogg'));
  const r1 = await scanLibrary(db);
  assert.equal(r1.missing, 1, 'only the file under the available root');
  assert.deepEqual(r1.roots.find((r) => r.path === lib)?.status, 'unavailable');
  assert.equal(r1.warnings.length, 1);
  assert.match(r1.warnings[0]!, /disk is unavailable/);
  assert.equal(trackByPath(db, path.join(lib, 'one.mp3'))?.status, 'ok');
  assert.equal(listRoots(db).find((r) => r.path === lib)?.lastStatus, 'unavailable');

  // An empty mount point looks the same as an unmounted disk.
  fs.mkdirSync(lib);
  const r2 = await scanLibrary(db);
  assert.equal(r2.roots.find((r) => r.path === lib)?.status, 'empty');
  assert.equal(r2.missing, 0);
  assert.equal(trackByPath(db, path.join(lib, 'two.flac'))?.status, 'ok');

  // Plugged back in: all there, unchanged.
  fs.rmdirSync(lib);
  fs.renameSync(`${lib}-unplugged`, lib);
  const r3 = await scanLibrary(db);
  assert.equal(r3.unchanged, 3);
  assert.deepEqual(r3.warnings, []);
  assert.equal(listRoots(db).find((r) => r.path === lib)?.lastStatus, 'ok');
});

test('an unreadable root or sub-folder leaves its tracks alone', { skip: isRoot ? 'root reads every folder' : false }, async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  placeAudio(path.join(lib, 'sub', 'a.mp3'), 'mp3');
  placeAudio(path.join(lib, 'b.mp3'), 'mp3');
  const db = openTestDb(dir);
  t.after(() => db.close());
  await scanLibrary(db, { roots: [lib] });
  try {
    fs.chmodSync(path.join(lib, 'sub'), 0);
    const r1 = await scanLibrary(db);
    assert.equal(r1.missing, 0);
    assert.match(listErrors(db)[0]?.error ?? '', /cannot list folder: permission denied/);
    fs.chmodSync(lib, 0);
    const r2 = await scanLibrary(db);
    assert.equal(r2.roots[0]?.status, 'unreadable');
    assert.match(r2.warnings[0] ?? '', /cannot be read \(permission denied\)/);
    assert.equal(allTracks(db).filter((r) => r.status === 'missing').length, 0);
  } finally {
    // Before tmpDir's clean-up, which needs to get in.
    fs.chmodSync(lib, 0o755);
    fs.chmodSync(path.join(lib, 'sub'), 0o755);
  }
});

test('a folder that does not exist is refused, and scanning with no folders at all is a usage error', async (t) => {
  const dir = tmpDir(t);
  const db = openTestDb(dir);
  t.after(() => db.close());
  await assert.rejects(scanLibrary(db, { roots: [path.join(dir, 'nope')] }), /cannot add folder .*nope: not found/);
  await assert.rejects(scanLibrary(db), /no library folders yet/);
  assert.deepEqual(listRoots(db), []);
});

test('a scan can be cancelled through its AbortSignal', async (t) => {
  const dir = tmpDir(t);
  const lib = path.join(dir, 'lib');
  placeAudio(path.join(lib, 'a.mp3'), 'mp3');
  const db = openTestDb(dir);
  t.after(() => db.close());
  await assert.rejects(scanLibrary(db, { roots: [lib], signal: AbortSignal.abort() }), { name: 'CancelledError' });
  const result = await scanLibrary(db);
  assert.equal(result.added, 1);
});
