/**
 * The analysis job: every present track not yet analysed by the installed
 * base model version is decoded, cut into segments, run through the model
 * and stored. Work runs in worker threads (one lane each); this thread
 * hands out tracks and is the only database writer, one transaction per
 * track, so a kill at any moment costs at most the tracks in flight.
 */
import path from 'node:path';
import type { Db } from '../db/database.js';
import { getSettings } from '../core/settings.js';
import { CancelledError, EarmarkError, UsageError, errorMessage } from '../core/errors.js';
import { ProgressTracker, type ProgressListener } from '../core/progress.js';
import { installedBaseModel } from '../model/registry.js';
import type { WorkerInit } from './messages.js';
import { pendingTracks, type ModelKey, type PendingTrack } from './queue.js';
import { saveTrackAnalysis, saveTrackError } from './store.js';
import { trackErrorMessage } from './track-pipeline.js';
import { InlineLane, WorkerLane, type Lane, type LaneInfo } from './lanes.js';
import { WorkerCrashedError } from './worker-pool.js';

export interface AnalysisOptions {
  /** Worker threads; default the workerThreads setting (all cores). 0 runs inline in this thread. */
  readonly workers?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly onTrackDone?: (track: TrackDone) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Also retry tracks whose analysis by this model version failed before. */
  readonly retryErrors?: boolean;
  /** Analyse at most this many tracks. */
  readonly limit?: number;
}

export interface TrackDone {
  readonly trackId: number;
  readonly path: string;
  readonly status: 'done' | 'error';
  readonly segmentCount: number;
  /** Names the file and the cause. */
  readonly error: string | null;
}

export interface AnalysisResult {
  readonly modelId: string;
  readonly modelVersion: string;
  /** TensorFlow.js backend the lanes ran on; null when there was nothing to do. */
  readonly backend: string | null;
  /** How the CNN's convolutions ran (BaseTagger.conv); null when there was nothing to do. */
  readonly conv: string | null;
  /** Lanes used: worker threads, or 0 when run inline. */
  readonly workers: number;
  readonly total: number;
  readonly analysed: number;
  readonly failed: number;
  readonly segments: number;
  /** Audio covered by the analysed segments. */
  readonly audioSec: number;
  readonly wallSec: number;
  /** Part of wallSec spent starting lanes (backend + model load). */
  readonly startupSec: number;
  /** Summed over lanes: time the model waited for the decoder, and time in the model. */
  readonly decodeWaitSec: number;
  readonly predictSec: number;
  readonly errors: readonly { readonly trackId: number; readonly path: string; readonly message: string }[];
  /** Per lane: live tensors when the model was loaded and after its last track (equal unless something leaks). */
  readonly laneTensors: readonly { readonly ready: number; readonly last: number }[];
}

/** A running analysis: its result, and pause/resume for the app. */
export interface AnalysisJob {
  readonly done: Promise<AnalysisResult>;
  /** Stops handing out tracks; tracks in flight finish and are stored. */
  pause(): void;
  resume(): void;
  readonly paused: boolean;
}

export function noModelError(): EarmarkError {
  return new EarmarkError('no_model', 'no base model is installed: run `earmark models install` first');
}

/** Analyses every pending track; rejects with CancelledError when the signal fires (finished tracks stay stored). */
export function runAnalysis(db: Db, options: AnalysisOptions = {}): Promise<AnalysisResult> {
  return startAnalysis(db, options).done;
}

export function startAnalysis(db: Db, options: AnalysisOptions = {}): AnalysisJob {
  const gate = new PauseGate();
  const done = execute(db, options, gate);
  return {
    done,
    pause: () => {
      gate.pause();
    },
    resume: () => {
      gate.resume();
    },
    get paused() {
      return gate.paused;
    },
  };
}

async function execute(db: Db, options: AnalysisOptions, gate: PauseGate): Promise<AnalysisResult> {
  const startMs = performance.now();
  const env = options.env ?? process.env;
  const model = installedBaseModel(db, env);
  if (!model) throw noModelError();
  const key: ModelKey = { id: model.id, version: model.version };
  const settings = getSettings(db, env);
  const queue = pendingTracks(db, key, { ...(options.retryErrors ? { retryErrors: true } : {}), ...(options.limit === undefined ? {} : { limit: options.limit }) });
  const requested = options.workers ?? settings.workerThreads;
  if (!Number.isInteger(requested) || requested < 0) throw new UsageError(`workers must be a whole number >= 0, got ${requested}`);
  const laneCount = requested === 0 ? 1 : Math.min(requested, queue.length);
  const stats = new RunStats(key, queue.length, requested === 0 ? 0 : laneCount);
  if (queue.length === 0) return stats.result(startMs, 0, null, null, []);
  if (options.signal?.aborted) throw new CancelledError('analysis cancelled before it started');

  const init: WorkerInit = { modelDir: model.dir, backend: settings.backend, ffmpegPath: settings.ffmpegPath, maxSegments: settings.maxSegmentsPerTrack };
  // One controller for everything: the caller's signal, or a fatal error in one lane, stops all.
  const stop = new AbortController();
  const onAbort = () => {
    stop.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const lanes: Lane[] = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: laneCount }, () => (requested === 0 ? InlineLane.start(init, env) : WorkerLane.start(init, env))),
    );
    for (const s of started) if (s.status === 'fulfilled') lanes.push(s.value);
    const failure = started.find((s) => s.status === 'rejected');
    if (failure) throw new EarmarkError('analysis_start', `cannot start the analysis: ${errorMessage(failure.reason)}`, { cause: failure.reason });
    for (const lane of lanes) checkLane(lane.info, key);
    const info = lanes[0]!.info;
    const startupSec = (performance.now() - startMs) / 1000;
    if (stop.signal.aborted) throw new CancelledError('analysis cancelled');

    const tracker = new ProgressTracker('analyze', queue.length);
    const analysedIds: number[] = [];
    options.onProgress?.(tracker.snapshot());
    const laneLoop = async (lane: Lane): Promise<void> => {
      const cancelLane = () => {
        lane.cancel();
      };
      stop.signal.addEventListener('abort', cancelLane);
      try {
        for (;;) {
          await gate.wait(stop.signal);
          if (stop.signal.aborted) return;
          const track = queue.shift();
          if (!track) return;
          options.onProgress?.(tracker.snapshot(path.basename(track.path)));
          const outcome = await analyseOne(lane, track);
          if (outcome === 'cancelled') return;
          const finished = stats.record(db, key, info, track, outcome);
          if (finished.status === 'done') analysedIds.push(finished.trackId);
          tracker.done++;
          if (finished.status === 'error') tracker.failed++;
          options.onTrackDone?.(finished);
          options.onProgress?.(tracker.snapshot());
        }
      } catch (err) {
        stop.abort();
        throw err;
      } finally {
        stop.signal.removeEventListener('abort', cancelLane);
      }
    };
    const loops = await Promise.allSettled(lanes.map(laneLoop));
    // Tracks analysed now get the user's tag predictions without a retrain
    // (also when cancelled: what was stored is complete). Loaded on use: it
    // pulls in the tag models' TensorFlow.js code.
    if (analysedIds.length > 0) {
      const { predictForTracks } = await import('../tags/predict.js');
      await predictForTracks(db, analysedIds);
    }
    const fatal = loops.find((l) => l.status === 'rejected');
    if (fatal) throw fatal.reason;
    if (options.signal?.aborted) {
      throw new CancelledError(`analysis cancelled: ${stats.analysed + stats.failed} of ${stats.total} tracks done, the rest stay pending`);
    }
    return stats.result(startMs, startupSec, info.backend, info.conv, lanes);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled(lanes.map((l) => l.close()));
  }
}

type Outcome = { kind: 'analysed'; out: Extract<Awaited<ReturnType<Lane['analyse']>>, { type: 'analysed' }> } | { kind: 'failed'; message: string };

async function analyseOne(lane: Lane, track: PendingTrack): Promise<Outcome | 'cancelled'> {
  try {
    const out = await lane.analyse(track);
    if (out.type === 'cancelled') return 'cancelled';
    if (out.type === 'failed') return { kind: 'failed', message: trackErrorMessage(track.path, out.message) };
    return { kind: 'analysed', out };
  } catch (err) {
    // A thread that dies on a track (out of memory, a crash in native code)
    // is recorded against that track, so the next run does not retry it
    // forever; the lane starts a fresh worker for the next one.
    if (err instanceof WorkerCrashedError) return { kind: 'failed', message: trackErrorMessage(track.path, err) };
    throw err;
  }
}

function checkLane(info: LaneInfo, key: ModelKey): void {
  if (info.modelId !== key.id || info.modelVersion !== key.version) {
    throw new EarmarkError('model_mismatch', `the installed model files are ${info.modelId} ${info.modelVersion}, but the library expects ${key.id} ${key.version}: reinstall with \`earmark models install\``);
  }
}

class RunStats {
  analysed = 0;
  failed = 0;
  segments = 0;
  audioSec = 0;
  decodeWaitMs = 0;
  predictMs = 0;
  readonly errors: { trackId: number; path: string; message: string }[] = [];

  constructor(
    private readonly key: ModelKey,
    readonly total: number,
    private readonly workers: number,
  ) {}

  record(db: Db, key: ModelKey, info: LaneInfo, track: PendingTrack, outcome: Outcome): TrackDone {
    const ref = { trackId: track.trackId, contentHash: track.contentHash };
    if (outcome.kind === 'analysed') {
      const o = outcome.out;
      saveTrackAnalysis(db, key, { nTags: info.tags.length, embeddingDim: info.embeddingDim }, ref, o);
      this.analysed++;
      this.segments += o.segmentCount;
      this.audioSec += o.segmentCount > 0 ? Math.max(...o.endSec) : 0;
      this.decodeWaitMs += o.decodeWaitMs;
      this.predictMs += o.predictMs;
      return { trackId: track.trackId, path: track.path, status: 'done', segmentCount: o.segmentCount, error: null };
    }
    saveTrackError(db, key, ref, outcome.message);
    this.failed++;
    this.errors.push({ trackId: track.trackId, path: track.path, message: outcome.message });
    return { trackId: track.trackId, path: track.path, status: 'error', segmentCount: 0, error: outcome.message };
  }

  result(startMs: number, startupSec: number, backend: string | null, conv: string | null, lanes: readonly Lane[]): AnalysisResult {
    return {
      modelId: this.key.id,
      modelVersion: this.key.version,
      backend,
      conv,
      workers: this.workers,
      total: this.total,
      analysed: this.analysed,
      failed: this.failed,
      segments: this.segments,
      audioSec: this.audioSec,
      wallSec: (performance.now() - startMs) / 1000,
      startupSec,
      decodeWaitSec: this.decodeWaitMs / 1000,
      predictSec: this.predictMs / 1000,
      errors: this.errors,
      laneTensors: lanes.map((l) => ({ ready: l.info.readyTensors, last: l.lastTensors })),
    };
  }
}

/** Holds lanes between tracks while paused; an abort releases them. */
class PauseGate {
  private waiters: (() => void)[] = [];
  paused = false;

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  wait(signal: AbortSignal): Promise<void> {
    if (!this.paused || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
