import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runAnalysis, startAnalysis, type TrackDone } from '../../src-main/analysis/run-analysis.js';
import { analysisStatus } from '../../src-main/analysis/status.js';
import { trackDetail } from '../../src-main/analysis/track-detail.js';
import { CancelledError } from '../../src-main/core/errors.js';
import { openDatabase } from '../../src-main/db/database.js';
import { initBackend } from '../../src-main/model/backend.js';
import { installedBaseModel } from '../../src-main/model/registry.js';
import { makeAudio } from '../helpers/audio.js';
import { tmpDir } from '../helpers/tmp.js';
import { addTrack, libraryWithModel } from './fixtures.js';

test('inline analysis stores every track, records bad files as errors, leaks no tensors, and redoes tracks of an older model version', async (t) => {
  const lib = await libraryWithModel(t);
  const { db } = lib;
  const tone = addTrack(db, makeAudio(path.join(lib.dir, 'tone é.ogg'), { durationSec: 4, freqHz: 330 }));
  const noise = addTrack(db, makeAudio(path.join(lib.dir, 'noise.flac'), { durationSec: 3, source: 'anoisesrc=d=3:c=pink' }));
  const corruptFile = path.join(lib.dir, 'corrupt.mp3');
  fs.writeFileSync(corruptFile, Buffer.from('this is not audio at all, just text with an mp3 name\n'.repeat(50)));
  const corrupt = addTrack(db, corruptFile);
  const goneFile = path.join(lib.dir, 'gone.ogg');
  const gone = addTrack(db, goneFile);

  await initBackend('wasm');
  const baseline = tf.memory().numTensors;
  const done: TrackDone[] = [];
  const r = await runAnalysis(db, { workers: 0, env: lib.env, onTrackDone: (d) => done.push(d) });
  assert.equal(tf.memory().numTensors, baseline, 'every tensor made for the analysis is disposed');
  assert.equal(r.workers, 0);
  assert.equal(r.total, 4);
  assert.equal(r.analysed, 2);
  assert.equal(r.failed, 2);
  assert.equal(r.segments, 2);
  assert.deepEqual(r.laneTensors.map((l) => l.last - l.ready), [0]);
  assert.deepEqual(done.map((d) => [d.trackId, d.status]), [
    [tone, 'done'],
    [noise, 'done'],
    [corrupt, 'error'],
    [gone, 'error'],
  ]);
  const errors = db.prepare("SELECT track_id, error FROM analyses WHERE status = 'error' ORDER BY track_id").all() as { track_id: number; error: string }[];
  assert.equal(errors.length, 2);
  assert.ok(errors[0]!.error.includes(corruptFile) && errors[0]!.error.length > corruptFile.length + 5, `names the file and a cause: ${errors[0]!.error}`);
  assert.ok(errors[1]!.error.includes(goneFile), errors[1]!.error);

  const d = trackDetail(db, tone, lib.env);
  assert.equal(d.analysis?.current, true);
  assert.equal(d.segments.length, 1);
  assert.equal(d.segments[0]!.startSec, 0);
  assert.ok(Math.abs(d.segments[0]!.endSec - 4) < 0.1, `a 4 s clip ends near 4 s: ${d.segments[0]!.endSec}`);
  const probs = Object.values(d.baseTags!);
  assert.equal(probs.length, 50);
  assert.ok(probs.every((p) => p >= 0 && p <= 1));
  const row = db.prepare('SELECT length(embedding) AS eb FROM segments WHERE track_id = ?').get(tone) as { eb: number };
  assert.ok(row.eb >= 4 * 32, `an embedding of at least the 32-d GRU state: ${row.eb} bytes`);

  const status = analysisStatus(db, lib.env);
  assert.deepEqual([status.tracks, status.analysed, status.pending, status.errors], [4, 2, 0, 2]);
  assert.ok(status.storage!.bytesPerTrack! > 0);

  const again = await runAnalysis(db, { workers: 0, env: lib.env });
  assert.equal(again.total, 0, 'nothing left to do');

  // Results of an older model version are redone, errors included; current ones are kept.
  db.prepare("UPDATE analyses SET model_version = '0.9.0', analysed_at = 1 WHERE track_id IN (?, ?)").run(tone, corrupt);
  assert.equal(analysisStatus(db, lib.env).outdated, 2);
  const kept = db.prepare('SELECT analysed_at FROM analyses WHERE track_id = ?').get(noise);
  const redo = await runAnalysis(db, { workers: 0, env: lib.env });
  assert.deepEqual([redo.total, redo.analysed, redo.failed], [2, 1, 1]);
  const versions = db.prepare('SELECT DISTINCT model_version, analysed_at > 1 AS fresh FROM analyses').all();
  assert.deepEqual(versions, [{ model_version: '1.0.0', fresh: 1 }]);
  assert.deepEqual(db.prepare('SELECT analysed_at FROM analyses WHERE track_id = ?').get(noise), kept);
  assert.equal(tf.memory().numTensors, baseline);
});

test('cancelling keeps finished tracks and leaves the rest pending; pause holds the queue until resumed', async (t) => {
  const lib = await libraryWithModel(t);
  const { db } = lib;
  for (let i = 0; i < 3; i++) addTrack(db, makeAudio(path.join(lib.dir, `c${i}.ogg`), { durationSec: 2, freqHz: 200 + 100 * i }));

  const abort = new AbortController();
  await assert.rejects(
    runAnalysis(db, {
      workers: 1,
      env: lib.env,
      signal: abort.signal,
      onTrackDone: () => {
        abort.abort();
      },
    }),
    (err: unknown) => err instanceof CancelledError && /1 of 3 tracks done/.test(err.message),
  );
  assert.equal(analysisStatus(db, lib.env).analysed, 1);
  assert.equal(analysisStatus(db, lib.env).pending, 2);

  let doneWhilePaused = -1;
  const finished: number[] = [];
  const job = startAnalysis(db, {
    workers: 0,
    env: lib.env,
    onTrackDone: (d) => {
      finished.push(d.trackId);
      if (finished.length === 1) {
        job.pause();
        setTimeout(() => {
          doneWhilePaused = finished.length;
          assert.equal(job.paused, true);
          job.resume();
        }, 1000);
      }
    },
  });
  const r = await job.done;
  assert.equal(doneWhilePaused, 1, 'no track finished while paused');
  assert.deepEqual([r.analysed, r.failed], [2, 0]);
  assert.equal(analysisStatus(db, lib.env).pending, 0);

  // A damaged model stops the run at start-up with one clear error, in worker threads too.
  addTrack(db, makeAudio(path.join(lib.dir, 'later.ogg'), { durationSec: 2 }));
  const weightsBin = path.join(installedBaseModel(db, lib.env)!.dir, 'weights.bin');
  const bytes = fs.readFileSync(weightsBin);
  bytes[100] = bytes[100]! ^ 0xff;
  fs.writeFileSync(weightsBin, bytes);
  await assert.rejects(runAnalysis(db, { workers: 1, env: lib.env }), /cannot start the analysis: .*weights\.bin: checksum mismatch/);
  assert.equal(analysisStatus(db, lib.env).pending, 1);
});

test('with no model installed the analysis says how to install one', async (t) => {
  const home = tmpDir(t);
  const db = openDatabase(path.join(home, 'earmark.db'));
  t.after(() => db.close());
  addTrack(db, '/music/a.mp3');
  await assert.rejects(runAnalysis(db, { env: { ...process.env, EARMARK_HOME: home } }), /no base model is installed: run `earmark models install`/);
});

test('worker lanes store exactly what the inline lane stores', async (t) => {
  const lib = await libraryWithModel(t);
  const { db } = lib;
  // 70 s: two full windows and an 11.8 s remainder, kept as a third, zero-padded segment.
  const long = addTrack(db, makeAudio(path.join(lib.dir, 'long.ogg'), { durationSec: 70, source: 'anoisesrc=d=70:c=brown' }));
  // As a scan would: the catalogue's duration goes to the decoder as a hint (no probe).
  db.prepare('UPDATE tracks SET duration_sec = 70 WHERE id = ?').run(long);
  const corruptFile = path.join(lib.dir, 'corrupt.mp3');
  fs.writeFileSync(corruptFile, Buffer.from('not audio\n'.repeat(200)));
  const corrupt = addTrack(db, corruptFile);
  const stored = () => db.prepare('SELECT idx, start_sec, end_sec, probs, embedding FROM segments WHERE track_id = ? ORDER BY idx').all(long) as { idx: number; start_sec: number; end_sec: number; probs: Buffer; embedding: Buffer }[];

  const viaWorker = await runAnalysis(db, { workers: 1, env: lib.env });
  assert.deepEqual([viaWorker.analysed, viaWorker.failed, viaWorker.segments], [1, 1, 3]);
  assert.deepEqual(viaWorker.laneTensors.map((l) => l.last - l.ready), [0], 'the worker leaks no tensors');
  const workerRows = stored();
  const workerError = db.prepare('SELECT error FROM analyses WHERE track_id = ?').pluck().get(corrupt) as string;
  assert.ok(workerError.includes(corruptFile), workerError);

  db.prepare("UPDATE analyses SET model_version = '0.9.0'").run();
  const inline = await runAnalysis(db, { workers: 0, env: lib.env });
  assert.deepEqual([inline.analysed, inline.failed, inline.segments], [1, 1, 3]);
  const inlineRows = stored();
  assert.deepEqual(workerRows.map((r) => [r.idx, r.start_sec, r.end_sec]), inlineRows.map((r) => [r.idx, r.start_sec, r.end_sec]));
  assert.ok(Math.abs(workerRows[2]!.end_sec - 70) < 0.1, `the last segment ends with the audio: ${workerRows[2]!.end_sec}`);
  workerRows.forEach((w, i) => {
    const a = new Float32Array(w.probs.buffer.slice(w.probs.byteOffset, w.probs.byteOffset + w.probs.byteLength));
    const b = new Float32Array(inlineRows[i]!.probs.buffer.slice(inlineRows[i]!.probs.byteOffset, inlineRows[i]!.probs.byteOffset + inlineRows[i]!.probs.byteLength));
    const maxDiff = a.reduce((m, v, k) => Math.max(m, Math.abs(v - b[k]!)), 0);
    assert.ok(maxDiff < 1e-5, `segment ${i}: probabilities differ by ${maxDiff}`);
    assert.equal(w.embedding.length, inlineRows[i]!.embedding.length);
  });
  assert.equal(db.prepare('SELECT error FROM analyses WHERE track_id = ?').pluck().get(corrupt), workerError, 'the same error either way');
});
