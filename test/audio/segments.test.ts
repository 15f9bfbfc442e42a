import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DecodeError, probeDurationSec } from '../../src-main/audio/decode.js';
import { slaneyMelFilterbank } from '../../src-main/audio/mel-filterbank.js';
import { chooseWindows, decodeSegments, MIN_LAST_WINDOW_SEC, windowCount } from '../../src-main/audio/segments.js';
import { MEL_FMAX_HZ, N_FFT, N_FRAMES, N_MELS, SAMPLE_RATE_HZ, SEGMENT_SAMPLES, SEGMENT_SEC, type AudioPath, type Segment, type SegmentOptions } from '../../src-main/audio/types.js';
import { CancelledError } from '../../src-main/core/errors.js';
import { makeAudio } from '../helpers/audio.js';
import { tmpDir } from '../helpers/tmp.js';
import { childPids, steppedToneBand, steppedToneWav } from './fixtures.js';

const bank = slaneyMelFilterbank({ sampleRateHz: SAMPLE_RATE_HZ, nFft: N_FFT, nMels: N_MELS, fMinHz: 0, fMaxHz: MEL_FMAX_HZ });
/** A tone at the centre of band 30 (875 Hz). */
const TONE_BAND = 30;

async function collect(file: AudioPath, opts: SegmentOptions = {}): Promise<Segment[]> {
  const out: Segment[] = [];
  for await (const s of decodeSegments(file, opts)) out.push(s);
  // Whatever happened, no ffmpeg of ours is left behind.
  assert.deepEqual(childPids(), []);
  return out;
}

function checkSegment(s: Segment): void {
  assert.deepEqual(s.shape, [N_MELS, N_FRAMES]);
  assert.equal(s.data.length, N_MELS * N_FRAMES);
  for (const v of s.data) assert.ok(Number.isFinite(v));
}

/** The loudest band in frames [from, to). */
function peakBand(s: Segment, from: number, to: number): number {
  let best = 0;
  let bestDb = -Infinity;
  for (let m = 0; m < N_MELS; m++) {
    let sum = 0;
    for (let t = from; t < to; t++) sum += s.data[m * N_FRAMES + t]!;
    if (sum > bestDb) {
      bestDb = sum;
      best = m;
    }
  }
  return best;
}

test('window rules: full windows, a last partial one of at least 10 s, one segment for short songs', () => {
  assert.equal(windowCount(0), 0);
  assert.equal(windowCount(1), 1);
  assert.equal(windowCount(SEGMENT_SAMPLES - 1), 1);
  assert.equal(windowCount(SEGMENT_SAMPLES), 1);
  assert.equal(windowCount(SEGMENT_SAMPLES + MIN_LAST_WINDOW_SEC * SAMPLE_RATE_HZ - 1), 1);
  assert.equal(windowCount(SEGMENT_SAMPLES + MIN_LAST_WINDOW_SEC * SAMPLE_RATE_HZ), 2);
  assert.equal(windowCount(5 * SEGMENT_SAMPLES), 5);
});

test('the cap takes evenly spread windows, the centre of each equal share', () => {
  assert.deepEqual(chooseWindows(5, 21), [0, 1, 2, 3, 4]);
  assert.deepEqual(chooseWindows(21, 21), Array.from({ length: 21 }, (_, i) => i));
  assert.deepEqual(chooseWindows(9, 1), [4]);
  assert.deepEqual(chooseWindows(10, 2), [2, 7]);
  const picks = chooseWindows(52, 21);
  assert.equal(picks.length, 21);
  assert.equal(new Set(picks).size, 21);
  assert.ok(picks.every((p, i) => p >= 0 && p < 52 && (i === 0 || p > picks[i - 1]!)));
  const gaps = picks.slice(1).map((p, i) => p - picks[i]!);
  assert.ok(Math.max(...gaps) - Math.min(...gaps) <= 1, `gaps ${gaps.join(',')}`);
});

test('a 2-second clip: one zero-padded segment, ending at 2 s', async (t) => {
  const file = makeAudio(path.join(tmpDir(t), 'clip.mp3'), { durationSec: 2, freqHz: bank.bands[TONE_BAND]!.centreHz });
  const segs = await collect(file);
  assert.equal(segs.length, 1);
  const s = segs[0]!;
  checkSegment(s);
  assert.equal(s.index, 0);
  assert.equal(s.startSec, 0);
  assert.ok(Math.abs(s.endSec - 2) < 0.1, `endSec ${s.endSec}`);
  // The tone is in the first 2 s only; the padding sits at the floor.
  assert.equal(peakBand(s, 5, 80), TONE_BAND);
  const padFrame = 1000;
  for (let m = 0; m < N_MELS; m++) assert.ok(s.data[m * N_FRAMES + padFrame]! <= s.data[TONE_BAND * N_FRAMES + 40]! - 60);
});

test('a 31-second clip: one full window; the 1.9 s rest is dropped', async (t) => {
  const file = makeAudio(path.join(tmpDir(t), 'clip 31.mp3'), { durationSec: 31, freqHz: 440 });
  const segs = await collect(file);
  assert.equal(segs.length, 1);
  checkSegment(segs[0]!);
  assert.ok(Math.abs(segs[0]!.endSec - SEGMENT_SEC) < 1e-9);
});

test('a 45-second song: the 15.9 s last window is kept, zero-padded', async (t) => {
  const file = makeAudio(path.join(tmpDir(t), 'song.flac'), { durationSec: 45, freqHz: 440 });
  const segs = await collect(file);
  assert.deepEqual(
    segs.map((s) => s.index),
    [0, 1],
  );
  assert.ok(Math.abs(segs[1]!.startSec - SEGMENT_SEC) < 1e-9);
  assert.ok(Math.abs(segs[1]!.endSec - 45) < 0.1, `${segs[1]!.endSec}`);
  segs.forEach(checkSegment);
});

test('silence and noise: finite log-mels', async (t) => {
  const dir = tmpDir(t);
  const silence = makeAudio(path.join(dir, 'silence.wav'), { durationSec: 3, source: 'anullsrc=r=44100:cl=stereo' });
  const [s] = await collect(silence);
  checkSegment(s!);
  assert.ok(s!.data.every((v) => v === -100), 'digital silence sits at the amin floor');
  const noise = makeAudio(path.join(dir, 'noise.wav'), { durationSec: 35, source: 'anoisesrc=d=35:c=white:a=0.5' });
  const segs = await collect(noise);
  assert.equal(segs.length, 1);
  checkSegment(segs[0]!);
});

test('a 25-minute file: 21 evenly spread segments, each cut at its place on the grid', async (t) => {
  const file = steppedToneWav(path.join(tmpDir(t), 'long.wav'), 25 * 60);
  const segs = await collect(file);
  assert.equal(segs.length, 21);
  const expectedGrid = chooseWindows(windowCount(25 * 60 * SAMPLE_RATE_HZ), 21);
  segs.forEach((s, i) => {
    checkSegment(s);
    assert.equal(s.index, i);
    const g = expectedGrid[i]!;
    assert.ok(Math.abs(s.startSec - g * SEGMENT_SEC) < 1e-9);
    // Each grid window has its own pitch: the start and the end of the
    // segment both hold it, so the cut is where it should be.
    const band = steppedToneBand(g);
    assert.equal(peakBand(s, 3, 20), band, `start of window ${g}`);
    const lastFrame = Math.min(N_FRAMES, Math.floor(((s.endSec - s.startSec) * SAMPLE_RATE_HZ) / 256));
    assert.equal(peakBand(s, lastFrame - 20, lastFrame - 3), band, `end of window ${g}`);
  });
});

test('capped streaming (fewer than twice the cap): same grid, same windows', async (t) => {
  const file = steppedToneWav(path.join(tmpDir(t), 'five.wav'), 5 * SEGMENT_SEC + 1);
  const segs = await collect(file, { maxSegments: 3 });
  assert.deepEqual(
    segs.map((s) => Math.round(s.startSec / SEGMENT_SEC)),
    chooseWindows(5, 3),
  );
  for (const s of segs) assert.equal(peakBand(s, 10, 1300), steppedToneBand(Math.round(s.startSec / SEGMENT_SEC)));
});

test('no declared duration (FLAC written to a pipe): streamed once, evenly thinned to the cap', async (t) => {
  const dir = tmpDir(t);
  const wav = steppedToneWav(path.join(dir, 'five.wav'), 5 * SEGMENT_SEC + 1);
  const file = path.join(dir, 'piped.flac');
  fs.writeFileSync(file, execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-i', wav, '-f', 'flac', 'pipe:1'], { maxBuffer: 1 << 28 }));
  assert.equal(await probeDurationSec(file), undefined);
  const segs = await collect(file, { maxSegments: 2 });
  assert.equal(segs.length, 2);
  assert.deepEqual(
    segs.map((s) => s.index),
    [0, 1],
  );
  const grids = segs.map((s) => Math.round(s.startSec / SEGMENT_SEC));
  assert.ok(grids[0]! < grids[1]! && grids[1]! <= 4, grids.join(','));
  for (const s of segs) assert.equal(peakBand(s, 10, 1300), steppedToneBand(Math.round(s.startSec / SEGMENT_SEC)));
  // Uncapped, every window comes out.
  assert.equal((await collect(file)).length, 5);
});

test('unusual names: spaces, newline, leading dash, shell syntax, non-UTF-8 bytes', async (t) => {
  const dir = tmpDir(t);
  const names = ['with space.mp3', 'new\nline.ogg', '-leading-dash.flac', '$(touch pwned); rm -rf x | cat & `id` \'q\' "d".mp3', 'concat:a|b.wav'];
  for (const name of names) {
    const file = makeAudio(path.join(dir, name), { durationSec: 1 });
    const segs = await collect(file);
    assert.equal(segs.length, 1, name);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'pwned')) && !fs.existsSync('pwned'), 'no shell ran');
  // A name that is not valid UTF-8: only a Buffer can name it.
  const plain = makeAudio(path.join(dir, 'plain.mp3'), { durationSec: 1 });
  const bytes = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9, 0xff]), Buffer.from(' song.mp3')]);
  fs.renameSync(plain, bytes);
  const segs = await collect(bytes, { durationSecHint: 1 });
  assert.equal(segs.length, 1);
  checkSegment(segs[0]!);
  // ...and without the hint (the probe opens it the same way).
  assert.equal((await collect(bytes)).length, 1);
  // Errors show such a name readably.
  const missing = Buffer.concat([Buffer.from(`${dir}/gone`), Buffer.from([0xfe]), Buffer.from('.mp3')]);
  await assert.rejects(collect(missing), (e: unknown) => e instanceof DecodeError && e.message.includes('gone\\xfe.mp3'));
});

test('cancelling between segments leaves no ffmpeg behind', async (t) => {
  const file = steppedToneWav(path.join(tmpDir(t), 'cancel.wav'), 10 * SEGMENT_SEC);
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    (async () => {
      for await (const _s of decodeSegments(file, { signal: controller.signal })) {
        seen++;
        assert.equal(childPids().length, 1, 'ffmpeg is running mid-song');
        controller.abort();
      }
    })(),
    CancelledError,
  );
  assert.equal(seen, 1);
  assert.deepEqual(childPids(), []);
});

test('a file with no audio: DecodeError naming it', async (t) => {
  const file = makeAudio(path.join(tmpDir(t), 'empty.wav'), { durationSec: 0.0001, source: 'anullsrc=r=8000:cl=mono' });
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, 44)); // header only
  await assert.rejects(collect(file), (e: unknown) => e instanceof DecodeError && e.message.includes('empty.wav'));
});
