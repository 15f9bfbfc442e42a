import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DecodeError, decodePcm, ffmpegDecodeArgs, probeDurationSec, RESAMPLER_FILTER } from '../../src-main/audio/decode.js';
import { SAMPLE_RATE_HZ } from '../../src-main/audio/types.js';
import { CancelledError } from '../../src-main/core/errors.js';
import { makeAudio } from '../helpers/audio.js';
import { tmpDir } from '../helpers/tmp.js';
import { pidAlive, writeWav } from './fixtures.js';

async function decodeAll(file: string | Buffer, opts: Parameters<typeof decodePcm>[1] = {}): Promise<Float32Array> {
  const chunks: Float32Array[] = [];
  for await (const c of decodePcm(file, opts)) chunks.push(c);
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function isDecodeError(code: string, name: string) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof DecodeError, `expected a DecodeError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(e.message.includes(name), `the message names the file: ${e.message}`);
    assert.equal(e.path?.endsWith(name), true);
    return true;
  };
}

test('ffmpeg arguments: no stdin, errors only, the reference resampler, f32le mono 12 kHz on stdout', () => {
  const args = ffmpegDecodeArgs('file:/x/-y.mp3', { startSec: 12.5, maxDurationSec: 29.12 });
  for (const a of ['-nostdin', '-hide_banner', 'pipe:1', 'f32le', 'pcm_f32le', RESAMPLER_FILTER]) assert.ok(args.includes(a), a);
  assert.deepEqual(args.slice(args.indexOf('-v'), args.indexOf('-v') + 2), ['-v', 'error']);
  assert.equal(args[args.indexOf('-ar') + 1], '12000');
  assert.equal(args[args.indexOf('-ac') + 1], '1');
  assert.match(RESAMPLER_FILTER, /aresample=12000:filter_type=kaiser:kaiser_beta=14\.77:filter_size=128:cutoff=0\.9476/);
  assert.ok(args.indexOf('-ss') < args.indexOf('-i'), 'input seeking');
  assert.ok(args.indexOf('-t') > args.indexOf('-i'));
});

test('decodes to mono float32 at 12 kHz: a 2 s stereo 44.1 kHz sine', async (t) => {
  const file = makeAudio(path.join(tmpDir(t), 'tone.flac'), { durationSec: 2, freqHz: 1000 });
  let pid = 0;
  const pcm = await decodeAll(file, {
    onSpawn: (p) => {
      pid = p;
    },
  });
  assert.ok(Math.abs(pcm.length - 2 * SAMPLE_RATE_HZ) <= 16, `${pcm.length} samples`);
  // lavfi's sine has amplitude 1/8; stereo averaged to mono keeps it.
  const peak = pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak > 0.1 && peak < 0.15, `peak ${peak}`);
  assert.ok(pid > 0 && !pidAlive(pid), 'ffmpeg is gone after success');
});

test('corrupt file: a DecodeError naming the file, with ffmpeg last line, and no ffmpeg left', async (t) => {
  const file = path.join(tmpDir(t), 'corrupt song.mp3');
  let seed = 7;
  fs.writeFileSync(file, Buffer.from(Array.from({ length: 5000 }, () => (seed = (seed * 75 + 74) % 65537) & 0xff)));
  let pid = 0;
  await assert.rejects(
    decodeAll(file, {
      onSpawn: (p) => {
        pid = p;
      },
    }),
    (e: unknown) => isDecodeError('decode_failed', 'corrupt song.mp3')(e) && (e as DecodeError).ffmpegMessage !== undefined,
  );
  assert.ok(!pidAlive(pid));
});

test('truncated files: MP4 without its index fails; FLAC cut short is reported as truncated', async (t) => {
  const dir = tmpDir(t);
  const m4a = makeAudio(path.join(dir, 'whole.m4a'), { durationSec: 5 });
  const cutM4a = path.join(dir, 'cut.m4a');
  fs.writeFileSync(cutM4a, fs.readFileSync(m4a).subarray(0, 10_000));
  await assert.rejects(decodeAll(cutM4a), isDecodeError('decode_failed', 'cut.m4a'));

  const flac = makeAudio(path.join(dir, 'whole.flac'), { durationSec: 15, source: 'anoisesrc=d=15:c=pink:a=0.2' });
  const cutFlac = path.join(dir, 'cut.flac');
  const bytes = fs.readFileSync(flac);
  fs.writeFileSync(cutFlac, bytes.subarray(0, Math.floor(bytes.length / 3)));
  const declared = await probeDurationSec(cutFlac);
  assert.ok(declared !== undefined && Math.abs(declared - 15) < 0.1, `FLAC declares its full length: ${declared}`);
  await assert.rejects(decodeAll(cutFlac, { durationSecHint: declared }), (e: unknown) => isDecodeError('decode_truncated', 'cut.flac')(e) && /decoded \d/.test((e as Error).message));
});

test('missing file, directory, no audio stream: clean DecodeErrors', async (t) => {
  const dir = tmpDir(t);
  await assert.rejects(decodeAll(path.join(dir, 'nope.mp3')), isDecodeError('decode_open', 'nope.mp3'));
  fs.mkdirSync(path.join(dir, 'folder.mp3'));
  await assert.rejects(decodeAll(path.join(dir, 'folder.mp3')), isDecodeError('decode_open', 'folder.mp3'));
  const txt = path.join(dir, 'notes.mp3');
  fs.writeFileSync(txt, 'just some text, not audio\n'.repeat(50));
  await assert.rejects(decodeAll(txt), isDecodeError('decode_failed', 'notes.mp3'));
});

test('an ffmpeg that cannot run: DecodeError', async (t) => {
  const file = writeWav(path.join(tmpDir(t), 'a.wav'), 8000, 8000, () => 0);
  await assert.rejects(decodeAll(file, { ffmpegPath: '/nonexistent/ffmpeg' }), isDecodeError('decode_spawn', 'a.wav'));
});

test('cancellation mid-decode kills ffmpeg', async (t) => {
  const file = writeWav(path.join(tmpDir(t), 'long.wav'), 8000, 8000 * 600, (i) => 0.3 * Math.sin(i / 5));
  const controller = new AbortController();
  let pid = 0;
  let got = 0;
  await assert.rejects(
    (async () => {
      for await (const c of decodePcm(file, {
        signal: controller.signal,
        onSpawn: (p) => {
          pid = p;
        },
      })) {
        got += c.length;
        if (got > 100_000 && !controller.signal.aborted) {
          assert.ok(pidAlive(pid), 'ffmpeg runs mid-decode');
          controller.abort();
        }
      }
    })(),
    CancelledError,
  );
  assert.ok(got < 600 * SAMPLE_RATE_HZ, 'stopped early');
  assert.ok(pid > 0 && !pidAlive(pid), 'no ffmpeg left after cancel');
  // Already aborted: refused before anything starts.
  await assert.rejects(decodeAll(file, { signal: controller.signal }), CancelledError);
});

test('leaving the loop early (break) kills ffmpeg', async (t) => {
  const file = writeWav(path.join(tmpDir(t), 'long.wav'), 8000, 8000 * 600, (i) => 0.3 * Math.sin(i / 5));
  let pid = 0;
  for await (const _c of decodePcm(file, {
    onSpawn: (p) => {
      pid = p;
    },
  })) {
    break;
  }
  assert.ok(pid > 0 && !pidAlive(pid));
});

test('a decode that hangs is stopped by the timeout', async (t) => {
  // ffmpeg blocks opening a FIFO that nobody writes to: a stand-in for a stuck network drive.
  const fifo = path.join(tmpDir(t), 'stuck.mp3');
  execFileSync('mkfifo', [fifo]);
  let pid = 0;
  await assert.rejects(
    decodeAll(fifo, {
      timeoutMs: 300,
      onSpawn: (p) => {
        pid = p;
      },
    }),
    isDecodeError('decode_timeout', 'stuck.mp3'),
  );
  assert.ok(pid > 0 && !pidAlive(pid), 'no ffmpeg left after the timeout');
});

test('seeking: startSec and maxDurationSec cut the expected stretch', async (t) => {
  const rate = 8000;
  // A ramp makes the position of every sample visible.
  const file = writeWav(path.join(tmpDir(t), 'ramp.wav'), rate, rate * 60, (i) => (i / (rate * 60)) * 0.9);
  const pcm = await decodeAll(file, { startSec: 30, maxDurationSec: 5 });
  assert.ok(Math.abs(pcm.length - 5 * SAMPLE_RATE_HZ) <= 16, `${pcm.length}`);
  const mid = pcm[Math.floor(pcm.length / 2)]!;
  assert.ok(Math.abs(mid - (32.5 / 60) * 0.9) < 0.01, `value at 32.5 s: ${mid}`);
});

test('probeDurationSec reads the declared length', async (t) => {
  // A tag that looks like ffmpeg's own Duration line must not fool it.
  const file = makeAudio(path.join(tmpDir(t), 'x.mp3'), { durationSec: 3, metadata: { comment: 'Duration: 09:00:00.00\n  Duration: 08:00:00.00' } });
  const d = await probeDurationSec(file);
  assert.ok(d !== undefined && Math.abs(d - 3) < 0.1, String(d));
});
