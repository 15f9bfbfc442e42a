import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot, tmpDir } from '../helpers/tmp.js';
import { placeAudio } from '../library/scan-fixtures.js';
import { runCli } from './cli-helpers.js';

const fileCount = 300;

/** A library of `fileCount` files: copies of three real files, each made unique by trailing bytes. */
function makeLibrary(lib: string): void {
  const exts = ['mp3', 'ogg', 'flac'];
  const seeds = exts.map((ext) => {
    const p = path.join(lib, `seed.${ext}`);
    placeAudio(p, ext);
    return fs.readFileSync(p);
  });
  for (const ext of exts) fs.rmSync(path.join(lib, `seed.${ext}`));
  for (let i = 0; i < fileCount; i++) {
    const k = i % 3;
    const tail = Buffer.alloc(16);
    tail.writeUInt32LE(i);
    fs.mkdirSync(path.join(lib, `album ${Math.floor(i / 20)}`), { recursive: true });
    fs.writeFileSync(path.join(lib, `album ${Math.floor(i / 20)}`, `track ${i}.${exts[k]!}`), Buffer.concat([seeds[k]!, tail]));
  }
}

function trackCount(dbFile: string): number {
  if (!fs.existsSync(dbFile)) return 0;
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM tracks').get() as { n: number }).n;
  } catch {
    return 0; // not migrated yet
  } finally {
    db.close();
  }
}

/** Runs `earmark scan LIB` and kills it with SIGKILL right after it commits a batch; resolves how it ended. */
function scanAndKillAfterACommit(home: string, dbFile: string, lib: string): Promise<{ killed: boolean; rowsAtKill: number }> {
  const before = trackCount(dbFile);
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'earmark.js'), '--db', dbFile, 'scan', lib], {
    cwd: repoRoot,
    env: { ...process.env, EARMARK_HOME: home },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let rowsAtKill = -1;
    const poll = setInterval(() => {
      const n = trackCount(dbFile);
      if (n > before && rowsAtKill < 0) {
        rowsAtKill = n;
        child.kill('SIGKILL');
      }
    }, 2);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal === 'SIGKILL') resolve({ killed: true, rowsAtKill });
      else if (code === 0) resolve({ killed: false, rowsAtKill });
      else reject(new Error(`earmark scan exited with ${code}: ${stderr}`));
    });
  });
}

function catalogue(dbFile: string): unknown {
  const db = new Database(dbFile, { readonly: true });
  try {
    // Everything but ids and timestamps, keyed by path.
    const tracks = (db.prepare('SELECT * FROM tracks ORDER BY path').all() as Record<string, unknown>[]).map((r) => {
      const { id: _id, added_at: _a, updated_at: _u, ...rest } = r;
      return rest;
    });
    const roots = db.prepare('SELECT path, last_status FROM roots ORDER BY path').all();
    const problems = db.prepare('SELECT path, error FROM scan_errors ORDER BY path').all();
    return { tracks, roots, problems };
  } finally {
    db.close();
  }
}

test('SIGKILL at any moment of a scan leaves a sound database, and rescanning ends where an uninterrupted scan does', async (t) => {
  const dir = tmpDir(t);
  const home = path.join(dir, 'home');
  const lib = path.join(dir, 'lib');
  makeLibrary(lib);
  fs.symlinkSync(path.join(dir, 'gone.mp3'), path.join(lib, 'dangling.mp3'));
  fs.writeFileSync(path.join(lib, 'empty.flac'), '');

  const reference = path.join(dir, 'reference.db');
  const ref = await runCli(home, reference, ['scan', lib]);
  assert.equal(ref.code, 0, ref.stderr);

  const killedDb = path.join(dir, 'killed.db');
  // Created (and migrated) before the test starts reading it while scans write.
  assert.equal((await runCli(home, killedDb, ['stats'])).code, 0);
  const kills: number[] = [];
  // Three scans killed right after one of their commits (the next batch half-way), then one left to finish.
  for (let round = 0; round < 3; round++) {
    const { killed, rowsAtKill } = await scanAndKillAfterACommit(home, killedDb, lib);
    const db = new Database(killedDb, { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
    if (!killed) break;
    kills.push(rowsAtKill);
  }
  const last = await runCli(home, killedDb, ['scan', lib]);
  assert.equal(last.code, 0, last.stderr);
  // At least one kill landed in the middle of the scan (after some rows, before all).
  assert.ok(kills.some((n) => n > 0 && n < fileCount), `kills at row counts ${kills.join(', ')}`);
  assert.deepEqual(catalogue(killedDb), catalogue(reference));
  assert.equal(trackCount(killedDb), fileCount + 1);
});
