/**
 * Benchmark of the analysis job on real music: end to end (decode, log-mel,
 * CNN, store) through 2 worker threads on wasm, against the CNN alone on the
 * very same segments (log-mels precomputed, same 2 workers) in the same
 * run; their ratio; RSS over the run; database bytes per track.
 *
 *   npm run bench:analyze                       (24 tracks)
 *   EARMARK_BENCH_TRACKS=2 npm run bench:analyze (a quick check)
 *   EARMARK_BENCH_MUSIC=/some/folder            (other .ogg/.mp3/.flac files)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src-main/db/database.js';
import { installBaseModel } from '../../src-main/model/install.js';
import { scanLibrary } from '../../src-main/library/scan.js';
import { installedBaseModel } from '../../src-main/model/registry.js';
import { runAnalysis } from '../../src-main/analysis/run-analysis.js';
import { analysisStorage } from '../../src-main/analysis/storage.js';
import { AnalysisWorker } from '../../src-main/analysis/worker-pool.js';
import { blobToFloat32 } from '../../src-main/analysis/blobs.js';
import { decodeSegments, windowCount } from '../../src-main/audio/segments.js';
import { SAMPLE_RATE_HZ } from '../../src-main/audio/types.js';
import { defaultSettings } from '../../src-main/core/settings.js';
import { repoRoot, sharedDir } from '../helpers/tmp.js';

const WORKERS = 2;
const trackCount = Number(process.env.EARMARK_BENCH_TRACKS ?? 24);
const musicDir = process.env.EARMARK_BENCH_MUSIC ?? '/usr/share/games/wesnoth/1.16/data/core/music';
const weights = path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5');

function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

/** Samples this process's RSS (worker threads included; ffmpeg children are separate processes). */
function rssSampler(intervalMs = 250) {
  const t0 = performance.now();
  const samples: { tSec: number; rssMb: number; phase: string }[] = [];
  let phase = 'setup';
  const take = () => samples.push({ tSec: Math.round((performance.now() - t0) / 100) / 10, rssMb: mb(process.memoryUsage().rss), phase });
  const timer = setInterval(take, intervalMs);
  return {
    samples,
    setPhase(p: string) {
      take();
      phase = p;
    },
    stop() {
      clearInterval(timer);
      take();
    },
  };
}

async function main(): Promise<void> {
  const files = fs
    .readdirSync(musicDir)
    .filter((f) => /\.(ogg|mp3|flac|opus|m4a)$/i.test(f))
    .sort()
    .slice(0, trackCount)
    .map((f) => path.join(musicDir, f));
  if (files.length === 0) throw new Error(`no music files in ${musicDir}`);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-bench-analyze-'));
  const env: NodeJS.ProcessEnv = { ...process.env, EARMARK_HOME: home, EARMARK_BACKEND: 'wasm' };
  const db = openDatabase(path.join(home, 'earmark.db'));
  const rss = rssSampler();
  try {
    await installBaseModel(db, { fromFile: weights, env });
    const model = installedBaseModel(db, env)!;
    // Catalogued by a real scan (durations included, as for a user) from a folder of links to the files.
    const linkDir = path.join(home, 'music');
    const linkOf = (i: number) => path.join(linkDir, `${String(i).padStart(3, '0')}-${path.basename(files[i]!)}`);
    fs.mkdirSync(linkDir);
    files.forEach((f, i) => { fs.symlinkSync(f, linkOf(i)); });
    await scanLibrary(db, { roots: [linkDir] });

    // 1. End to end: decode + log-mel + CNN in the workers, stored by the main thread.
    rss.setPhase('end-to-end');
    const e2e = await runAnalysis(db, { workers: WORKERS, env });
    if (e2e.failed > 0) throw new Error(`analysis failed: ${e2e.errors.map((e) => e.message).join('; ')}`);
    const e2eRunSec = e2e.wallSec - e2e.startupSec;

    // 2. The same segments' log-mels, precomputed here, then the CNN alone through 2 workers.
    rss.setPhase('precompute log-mels');
    const perTrack: Float32Array[][] = [];
    const frontEndT0 = performance.now();
    for (const f of files) {
      const segs: Float32Array[] = [];
      for await (const s of decodeSegments(f, { maxSegments: defaultSettings.maxSegmentsPerTrack })) segs.push(s.data);
      perTrack.push(segs);
    }
    // One track at a time with nothing else running: ffmpeg's decode and resample plus the
    // log-mel, i.e. the CPU the front end needs per segment (the CNN-only run skips it).
    const frontEndSec = (performance.now() - frontEndT0) / 1000;
    const cnnSegments = perTrack.reduce((n, s) => n + s.length, 0);
    if (cnnSegments !== e2e.segments) throw new Error(`the end-to-end run made ${e2e.segments} segments, the precomputation ${cnnSegments}`);
    rss.setPhase('cnn-only');
    const init = { modelDir: model.dir, backend: 'wasm' as const, ffmpegPath: null, maxSegments: defaultSettings.maxSegmentsPerTrack };
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => AnalysisWorker.start(init, env)));
    const firstProbs: Float32Array[] = new Array<Float32Array>(files.length);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      workers.map(async (w) => {
        for (let i = next++; i < perTrack.length; i = next++) {
          const out = await w.predict(perTrack[i]!);
          firstProbs[i] = out.probs;
        }
      }),
    );
    const cnnSec = (performance.now() - t0) / 1000;
    await Promise.all(workers.map((w) => w.close()));
    rss.stop();

    // Same segments, same model: the stored probabilities must be what the CNN-only run gives.
    let maxDiff = 0;
    const probsOf = db.prepare('SELECT probs FROM segments s JOIN tracks t ON t.id = s.track_id WHERE t.path = ? ORDER BY idx');
    files.forEach((f, i) => {
      const stored = (probsOf.all(linkOf(i)) as { probs: Buffer }[]).map((r) => blobToFloat32(r.probs));
      const cnn = firstProbs[i]!;
      if (stored.length === 0 || stored.length * stored[0]!.length !== cnn.length) throw new Error(`${f}: ${stored.length} stored segments do not match the CNN-only run`);
      stored.forEach((p, s) => { p.forEach((v, k) => (maxDiff = Math.max(maxDiff, Math.abs(v - cnn[s * p.length + k]!)))); });
    });

    const storage = analysisStorage(db, model.id);
    const e2eRate = e2e.segments / e2eRunSec;
    const cnnRate = cnnSegments / cnnSec;
    // The best a CPU-bound pipeline can do on these cores if decoding overlapped the CNN
    // perfectly and the CNN kept its CNN-only speed: every segment costs cores/cnnRate
    // core-seconds of CNN plus frontEndPerSegSec of front end.
    const cores = os.cpus().length;
    const frontEndPerSegSec = frontEndSec / cnnSegments;
    const ceilingRate = cores / (cores / cnnRate + frontEndPerSegSec);
    const segmentsPer4MinTrack = windowCount(240 * SAMPLE_RATE_HZ);
    const byPhase = (p: string) => rss.samples.filter((s) => s.phase === p).map((s) => s.rssMb);
    const e2eRss = byPhase('end-to-end');
    // Flat or growing: the middle third against the last, after the first third's start-up
    // (workers loading the model, wasm heaps growing to their working size).
    const third = Math.floor(e2eRss.length / 3);
    const mean = (a: number[]) => (a.length ? Math.round((a.reduce((x, y) => x + y, 0) / a.length) * 10) / 10 : null);
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '?', node: process.version, loadavg1: os.loadavg()[0] },
      backend: e2e.backend,
      conv: e2e.conv,
      workers: WORKERS,
      tracks: files.length,
      music: musicDir,
      audioMin: Math.round((e2e.audioSec / 60) * 10) / 10,
      segments: e2e.segments,
      endToEnd: {
        wallSec: round(e2e.wallSec),
        startupSec: round(e2e.startupSec),
        segmentsPerSec: round(e2eRate),
        segmentsPerSecWithStartup: round(e2e.segments / e2e.wallSec),
        fourMinuteTracksPerMin: round((e2eRate * 60) / segmentsPer4MinTrack),
        modelWaitedForDecoderSec: round(e2e.decodeWaitSec),
        inModelSec: round(e2e.predictSec),
      },
      cnnOnly: { wallSec: round(cnnSec), segmentsPerSec: round(cnnRate) },
      ratioEndToEndOverCnnOnly: round(e2eRate / cnnRate),
      frontEnd: { perSegmentSec: round(frontEndPerSegSec * 1000) / 1000, note: 'decode + resample + log-mel, one segment at a time, nothing else running' },
      cpuBoundCeiling: { segmentsPerSec: round(ceilingRate), ratio: round(ceilingRate / cnnRate), note: `${cores} cores shared by the CNN and the front end, perfect overlap, CNN at its CNN-only speed` },
      sameProbabilitiesMaxAbsDiff: maxDiff,
      rss: {
        peakMb: Math.max(...rss.samples.map((s) => s.rssMb)),
        endToEndMiddleThirdMeanMb: mean(e2eRss.slice(third, 2 * third)),
        endToEndLastThirdMeanMb: mean(e2eRss.slice(2 * third)),
        samples: rss.samples.filter((_, i) => i % 4 === 0),
      },
      workerTensors: e2e.laneTensors,
      database: { bytesPerTrack: storage.bytesPerTrack, payloadBytesPerTrack: Math.round(storage.payloadBytes / storage.tracks), tableBytes: storage.tableBytes, segmentsPerTrack: round(storage.segments / storage.tracks) },
      targets: { ratioAtLeast: 0.9, segmentsPerSecAtLeast: 4 },
    };
    const out = path.join(repoRoot, 'bench-results', 'analyze.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    const mark = (ok: boolean) => (ok ? 'meets target' : 'BELOW target');
    console.log(`analysis benchmark: ${files.length} tracks, ${e2e.segments} segments (${result.audioMin} min of audio), ${WORKERS} workers, ${e2e.backend}, conv ${e2e.conv ?? '?'}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
    console.log(`  end to end   ${result.endToEnd.segmentsPerSec} segments/s (${mark(e2eRate >= 4)} 4), ${result.endToEnd.fourMinuteTracksPerMin} four-minute tracks/min; start-up ${result.endToEnd.startupSec} s`);
    console.log(`  CNN only     ${result.cnnOnly.segmentsPerSec} segments/s on the same segments`);
    console.log(`  ratio        ${result.ratioEndToEndOverCnnOnly} (${mark(result.ratioEndToEndOverCnnOnly >= 0.9)} 0.9); model waited ${result.endToEnd.modelWaitedForDecoderSec} s for the decoder in all`);
    console.log(`  front end    ${(frontEndPerSegSec * 1000).toFixed(0)} ms of CPU per segment (decode, resample, log-mel; one at a time)`);
    console.log(`  ceiling      ${result.cpuBoundCeiling.segmentsPerSec} segments/s, ratio ${result.cpuBoundCeiling.ratio}: the most ${cores} cores allow when the front end shares them with a CNN at its CNN-only speed`);
    console.log(`  same probabilities in both runs: max |diff| ${maxDiff.toExponential(1)}`);
    console.log(`  RSS          peak ${result.rss.peakMb} MB; end to end after start-up: mean ${result.rss.endToEndMiddleThirdMeanMb} MB (middle third) vs ${result.rss.endToEndLastThirdMeanMb} MB (last third)`);
    console.log(`  database     ${storage.bytesPerTrack ?? '?'} bytes per track (${result.database.payloadBytesPerTrack} of float32 data, ${result.database.segmentsPerTrack} segments per track)`);
    console.log(`  wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    rss.stop();
    db.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
