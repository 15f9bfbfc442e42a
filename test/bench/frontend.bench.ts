/**
 * Benchmark of the audio front-end on real music: ffmpeg decode speed
 * (seconds of audio per second), log-mel time per segment, and the whole
 * front-end (decode + windows + log-mel) in segments per second, per core.
 * Also, side by side in the same run: the cost of probing the duration when
 * the catalogue does not pass it, and seeking vs streaming a capped
 * 25-minute track.
 *
 * "Per core" figures divide by CPU time (this process plus its reaped ffmpeg
 * children, from /proc/self/stat), so they hold on a shared machine; wall
 * clock figures are printed beside them.
 *
 *   npm run bench:frontend                          (all tracks of the folder)
 *   EARMARK_BENCH_TRACKS=4 npm run bench:frontend   (a quick check)
 *   EARMARK_BENCH_MUSIC=/some/folder                (other .ogg/.mp3/.flac files)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodePcm, probeDurationSec } from '../../src-main/audio/decode.js';
import { locateFfmpeg } from '../../src-main/audio/ffmpeg-locate.js';
import { logMelSpectrogram } from '../../src-main/audio/logmel.js';
import { decodeSegments } from '../../src-main/audio/segments.js';
import { SAMPLE_RATE_HZ, SEGMENT_SAMPLES, type SegmentOptions } from '../../src-main/audio/types.js';
import { defaultSettings } from '../../src-main/core/settings.js';
import { repoRoot } from '../helpers/tmp.js';

const trackLimit = process.env.EARMARK_BENCH_TRACKS === undefined ? Infinity : Number(process.env.EARMARK_BENCH_TRACKS);
const musicDir = process.env.EARMARK_BENCH_MUSIC ?? '/usr/share/games/wesnoth/1.16/data/core/music';
const LOGMEL_SEGMENTS = 20;
const LONG_TRACK_SEC = 25 * 60;

const clockTicksPerSec = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds of this process and of its children that have ended (ffmpeg). */
function cpuSec(): number {
  const own = process.cpuUsage();
  let children = 0;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, cutime 16, cstime 17 (1-based over the whole line).
    children = (Number(fields[16 - 3]) + Number(fields[17 - 3])) / clockTicksPerSec;
  } catch {
    // not Linux: children's CPU unknown, per-core figures undercount
  }
  return (own.user + own.system) / 1e6 + children;
}

interface Measure {
  readonly wallSec: number;
  readonly cpuSec: number;
  /** Highest resident set size of this process seen during the run (ffmpeg's own is separate and bounded by its pipe). */
  readonly peakRssMb: number;
}

async function measure(fn: () => Promise<void>): Promise<Measure> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const c0 = cpuSec();
  const t0 = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { wallSec: (performance.now() - t0) / 1000, cpuSec: cpuSec() - c0, peakRssMb: Math.round(peak / 1024 / 1024) };
}

const r = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

async function countSegments(file: string, opts: SegmentOptions): Promise<number> {
  let n = 0;
  for await (const _s of decodeSegments(file, opts)) n++;
  return n;
}

async function main(): Promise<void> {
  const files = fs
    .readdirSync(musicDir)
    .filter((f) => /\.(ogg|mp3|flac|opus|m4a)$/i.test(f))
    .sort()
    .slice(0, trackLimit)
    .map((f) => path.join(musicDir, f));
  if (files.length === 0) throw new Error(`no music files in ${musicDir} (set EARMARK_BENCH_MUSIC)`);
  const ffmpeg = locateFfmpeg();
  const durations = new Map<string, number>();
  for (const f of files) {
    const d = await probeDurationSec(f);
    if (d !== undefined) durations.set(f, d);
  }
  const totalAudioSec = [...durations.values()].reduce((a, b) => a + b, 0);
  console.log(`front-end benchmark: ${files.length} tracks, ${r(totalAudioSec / 60, 1)} min of audio, ffmpeg ${ffmpeg.version} (${ffmpeg.source}), ${os.cpus().length} cores (shared: see per-core figures)`);

  // 1. Decode only: ffmpeg to mono 12 kHz float32 with the reference resampler.
  let decodedSamples = 0;
  const logmelInputs: Float32Array[] = [];
  const decode = await measure(async () => {
    for (const f of files) {
      const d = durations.get(f);
      const window = new Float32Array(SEGMENT_SAMPLES);
      let filled = 0;
      for await (const chunk of decodePcm(f, d === undefined ? {} : { durationSecHint: d })) {
        decodedSamples += chunk.length;
        // Keep a few real windows for the log-mel measurement.
        if (logmelInputs.length < LOGMEL_SEGMENTS) {
          const take = Math.min(chunk.length, SEGMENT_SAMPLES - filled);
          window.set(chunk.subarray(0, take), filled);
          filled += take;
          if (filled === SEGMENT_SAMPLES) {
            logmelInputs.push(window.slice());
            filled = 0;
          }
        }
      }
    }
  });
  const decodedSec = decodedSamples / SAMPLE_RATE_HZ;
  const decodeResult = {
    audioSec: r(decodedSec, 1),
    wallSec: r(decode.wallSec),
    cpuSec: r(decode.cpuSec),
    audioSecPerWallSec: r(decodedSec / decode.wallSec, 1),
    audioSecPerCpuSec: r(decodedSec / decode.cpuSec, 1),
  };
  console.log(`decode: ${decodeResult.audioSecPerWallSec} s of audio per s (wall), ${decodeResult.audioSecPerCpuSec} per CPU-s (one core)`);

  // 2. Log-mel alone, on real windows (first calls warm the JIT and build the plan).
  const out = new Float32Array(96 * 1366);
  for (const x of logmelInputs.slice(0, 2)) logMelSpectrogram(x, out);
  const lm = await measure(() => {
    for (const x of logmelInputs) logMelSpectrogram(x, out);
    return Promise.resolve();
  });
  const logmelResult = { segments: logmelInputs.length, msPerSegmentWall: r((lm.wallSec * 1000) / logmelInputs.length), msPerSegmentCpu: r((lm.cpuSec * 1000) / logmelInputs.length) };
  console.log(`log-mel: ${logmelResult.msPerSegmentWall} ms per segment (wall), ${logmelResult.msPerSegmentCpu} ms CPU`);

  // 3. The whole front-end as the analysis job runs it, duration passed from the catalogue...
  let segs = 0;
  const fe = await measure(async () => {
    for (const f of files) {
      const d = durations.get(f);
      segs += await countSegments(f, d === undefined ? {} : { durationSecHint: d });
    }
  });
  // ...and without it (one extra ffmpeg start per track to probe).
  let segsProbe = 0;
  const feProbe = await measure(async () => {
    for (const f of files) segsProbe += await countSegments(f, {});
  });
  const frontendResult = {
    maxSegmentsPerTrack: defaultSettings.maxSegmentsPerTrack,
    segments: segs,
    segmentsPerSecWall: r(segs / fe.wallSec),
    segmentsPerSecPerCore: r(segs / fe.cpuSec),
    withoutDurationHint: { segments: segsProbe, segmentsPerSecWall: r(segsProbe / feProbe.wallSec), segmentsPerSecPerCore: r(segsProbe / feProbe.cpuSec) },
  };
  console.log(
    `front-end: ${frontendResult.segmentsPerSecWall} segments/s (wall), ${frontendResult.segmentsPerSecPerCore} segments/s per core; ` +
      `without the duration hint: ${frontendResult.withoutDurationHint.segmentsPerSecPerCore} per core`,
  );

  // 4. A capped 25-minute real track: seeking to each chosen window vs streaming it all.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-bench-'));
  let longResult: Record<string, unknown> = {};
  try {
    const longest = [...durations.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const long = path.join(tmp, 'long.ogg');
    // Stream copy of a looped real track: 25 minutes of real Vorbis in a second, no re-encoding.
    execFileSync(ffmpeg.path, ['-nostdin', '-v', 'error', '-stream_loop', '-1', '-i', longest, '-t', String(LONG_TRACK_SEC), '-c', 'copy', long]);
    const d = (await probeDurationSec(long)) ?? LONG_TRACK_SEC;
    let nSeek = 0;
    let nStream = 0;
    const seek = await measure(async () => {
      nSeek = await countSegments(long, { durationSecHint: d, readStrategy: 'seek' });
    });
    const stream = await measure(async () => {
      nStream = await countSegments(long, { durationSecHint: d, readStrategy: 'stream' });
    });
    const ratio = r(stream.cpuSec / seek.cpuSec);
    longResult = {
      durationSec: r(d, 1),
      segments: { seek: nSeek, stream: nStream },
      seek: { wallSec: r(seek.wallSec), cpuSec: r(seek.cpuSec), peakRssMb: seek.peakRssMb },
      stream: { wallSec: r(stream.wallSec), cpuSec: r(stream.cpuSec), peakRssMb: stream.peakRssMb },
      cpuRatioStreamOverSeek: ratio,
    };
    console.log(`25-min track, ${nSeek} segments: seek ${r(seek.cpuSec)} CPU-s vs stream ${r(stream.cpuSec)} CPU-s (stream/seek ${ratio}x); peak RSS ${seek.peakRssMb} / ${stream.peakRssMb} MB`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const result = {
    benchmark: 'frontend',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', loadavg1: r(os.loadavg()[0] ?? 0) },
    ffmpeg: { version: ffmpeg.version, source: ffmpeg.source },
    music: { dir: musicDir, tracks: files.length, audioSec: r(totalAudioSec, 1) },
    decode: decodeResult,
    logmel: logmelResult,
    frontend: frontendResult,
    longTrack: longResult,
  };
  const outDir = path.join(repoRoot, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'frontend.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written ${path.join(outDir, 'frontend.json')}`);
}

await main();
