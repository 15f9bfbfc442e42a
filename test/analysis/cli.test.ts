import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeAudio } from '../helpers/audio.js';
import { repoRoot, tmpDir } from '../helpers/tmp.js';
import { addTrack, bensoundDir, libraryWithModel } from './fixtures.js';
import type { Db } from '../../src-main/db/database.js';
import type { AnalysisResult } from '../../src-main/analysis/run-analysis.js';
import type { AnalysisStatus } from '../../src-main/analysis/status.js';
import type { TrackDetail } from '../../src-main/analysis/track-detail.js';

const bin = path.join(repoRoot, 'bin', 'earmark.js');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function startEarmark(args: readonly string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }); }));
  return { child, done };
}

/** Waits until the running CLI has stored its first track; fails (with its stderr) if it ends first. */
async function untilFirstStored(run: ReturnType<typeof startEarmark>, db: Db): Promise<void> {
  const count = db.prepare('SELECT count(*) AS n FROM analyses');
  let ended: Run | undefined;
  void run.done.then((r) => {
    ended = r;
  });
  while ((count.get() as { n: number }).n === 0) {
    if (ended) assert.fail(`earmark ended (code ${ended.code}) before storing a track: ${ended.stderr}`);
    await sleep(50);
  }
  assert.equal(ended, undefined, 'the run was still going when the first track was stored');
}

const earmark = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> => startEarmark(args, env).done;

test('earmark analyze: SIGKILL at any moment loses nothing; the next run redoes at most the track in flight; show gives plausible tags', async (t) => {
  const lib = await libraryWithModel(t);
  const { db } = lib;
  const jazz = path.join(bensoundDir, 'bensound-thejazzpiano.mp3');
  addTrack(db, jazz);
  for (let i = 0; i < 4; i++) addTrack(db, makeAudio(path.join(lib.dir, `clip ${i}.ogg`), { durationSec: 3, freqHz: 220 * (i + 1) }));
  const total = 5;
  const args = ['--db', lib.dbPath];

  const first = startEarmark([...args, 'analyze', '--workers', '1'], lib.env);
  await untilFirstStored(first, db);
  first.child.kill('SIGKILL');
  const killed = await first.done;
  assert.equal(killed.signal, 'SIGKILL');

  const before = db.prepare('SELECT track_id, status, analysed_at FROM analyses ORDER BY track_id').all() as { track_id: number; status: string; analysed_at: number }[];
  assert.ok(before.length >= 1 && before.length < total, `${before.length} tracks stored before the kill`);
  const consistent = db.prepare("SELECT a.track_id FROM analyses a WHERE a.status = 'done' AND a.segment_count <> (SELECT count(*) FROM segments s WHERE s.track_id = a.track_id)");
  assert.deepEqual(consistent.all(), [], 'every stored track has all its segments');

  const second = await earmark([...args, '--json', 'analyze', '--workers', '2'], lib.env);
  assert.equal(second.code, 0, second.stderr);
  const result = JSON.parse(second.stdout) as AnalysisResult;
  assert.equal(result.total, total - before.length, 'only the tracks not stored before the kill are analysed again');
  assert.equal(result.analysed, total - before.length);
  assert.equal(result.workers, 2);
  assert.deepEqual(
    result.laneTensors.map((l) => l.last - l.ready),
    result.laneTensors.map(() => 0),
    'workers end with the tensors they started with',
  );
  const after = db.prepare('SELECT track_id, status, analysed_at FROM analyses WHERE track_id IN (SELECT value FROM json_each(?)) ORDER BY track_id').all(JSON.stringify(before.map((b) => b.track_id)));
  assert.deepEqual(after, before, 'tracks stored before the kill were not redone');
  assert.deepEqual(consistent.all(), []);

  const status = JSON.parse((await earmark([...args, '--json', 'analyze', '--status'], lib.env)).stdout) as AnalysisStatus;
  assert.deepEqual([status.analysed, status.pending, status.errors], [total, 0, 0]);

  const shown = await earmark([...args, '--json', 'show', jazz], lib.env);
  assert.equal(shown.code, 0, shown.stderr);
  const detail = JSON.parse(shown.stdout) as TrackDetail;
  assert.equal(detail.segments.length, 1, 'a 32 s song is one 29.12 s segment (the 2.6 s rest is dropped)');
  const ours = Object.entries(detail.baseTags!).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([tag]) => tag);
  assert.ok(ours.includes('jazz'), `jazz is among the top tags of the jazz piano song: ${ours.join(', ')}`);
  // The reference is the centred window, ours the first: compare loosely.
  const expected = JSON.parse(fs.readFileSync(path.join(bensoundDir, 'expected-crnn-msd.json'), 'utf8')) as { tags: string[]; probabilities: Record<string, number[]> };
  const ref = expected.tags.map((tag, i) => [tag, expected.probabilities['bensound-thejazzpiano']![i]!] as const).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([tag]) => tag);
  const shared = ours.filter((tag) => ref.includes(tag));
  assert.ok(shared.length >= 3, `top 5 tags ${ours.join(', ')} vs reference ${ref.join(', ')}`);

  const human = await earmark([...args, 'show', String(detail.id)], lib.env);
  assert.match(human.stdout, /Top tags/);
  assert.match(human.stdout, /Taggram/);
  assert.match(human.stdout, /0:00-0:29 +\S+ 0\.\d\d/);
});

/** Processes whose command line mentions `needle` (ffmpeg decoding a file, say). */
function processesMentioning(needle: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(needle)) found.push(`${pid}: ${cmd.replace(/\0/g, ' ')}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

test('Ctrl-C abandons the track in flight, leaves no ffmpeg behind, and keeps what was finished', async (t) => {
  const lib = await libraryWithModel(t);
  const { db } = lib;
  const short = addTrack(db, makeAudio(path.join(lib.dir, 'short.ogg'), { durationSec: 2 }));
  const longFile = makeAudio(path.join(lib.dir, `long-${process.pid}.ogg`), { durationSec: 150, source: 'anoisesrc=d=150:c=brown' });
  addTrack(db, longFile);
  const run = startEarmark(['--db', lib.dbPath, 'analyze', '--workers', '1'], lib.env);
  await untilFirstStored(run, db);
  run.child.kill('SIGINT');
  const r = await run.done;
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /analysis cancelled: 1 of 2 tracks done, the rest stay pending/);
  assert.deepEqual(processesMentioning(path.basename(longFile)), [], 'no ffmpeg left decoding the abandoned track');
  assert.deepEqual(db.prepare('SELECT track_id, status FROM analyses').all(), [{ track_id: short, status: 'done' }]);
});

test('earmark analyze without a model, and show of an unknown track, fail with one clear line', async (t) => {
  const home = tmpDir(t);
  const env = { ...process.env, EARMARK_HOME: home };
  const analyze = await earmark(['analyze'], env);
  assert.equal(analyze.code, 1);
  assert.match(analyze.stderr, /^earmark: no base model is installed: run `earmark models install` first\n$/);
  const show = await earmark(['show', '/no/such/song.mp3'], env);
  assert.notEqual(show.code, 0);
  assert.match(show.stderr, /no track with id or path \/no\/such\/song.mp3/);
  const bad = await earmark(['analyze', '--workers', 'two'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--workers must be a whole number >= 0, not two/);
});
