/**
 * A lane analyses one track at a time: either through a worker thread
 * (the normal case, one per core) or inline in the calling thread (workers
 * = 0: tests that inspect this thread's TensorFlow.js state, and machines
 * where worker threads are unwanted). Both give the same outcomes.
 *
 * With a worker, this (main) thread runs ffmpeg and cuts the audio into
 * windows, and the worker computes each window's log-mel and runs the CNN.
 * The split is for speed: a thread busy in the CNN for 0.4 s cannot drain
 * ffmpeg's pipe, so a decoder read from the worker itself sat stalled for
 * most of each segment; read here, it decodes the next window while the
 * current one is in the model.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend.js';
import { loadBaseTagger } from '../model/tagger.js';
import type { BaseTagger } from '../model/types.js';
import { errorMessage } from '../core/errors.js';
import type { WorkerInit } from './messages.js';
import type { PendingTrack } from './queue.js';
import { decodeWindows, type PcmWindow } from '../audio/segments.js';
import { analyseTrack, type TrackOutput } from './track-pipeline.js';
import { AnalysisWorker, WorkerCrashedError } from './worker-pool.js';

export type AnalyseOutcome =
  | ({ readonly type: 'analysed'; readonly trackId: number; readonly numTensors: number } & TrackOutput)
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'cancelled' };

export interface LaneInfo {
  readonly backend: string;
  readonly modelId: string;
  readonly modelVersion: string;
  readonly tags: readonly string[];
  readonly embeddingDim: number;
  /** Live tensors once the model is loaded: the baseline a leak would grow from. */
  readonly readyTensors: number;
}

export interface Lane {
  readonly info: LaneInfo;
  /** Live tensors after the last track (equal to readyTensors unless something leaks). */
  readonly lastTensors: number;
  /** Resolves with the outcome; rejects with WorkerCrashedError when the thread died. */
  analyse(track: PendingTrack): Promise<AnalyseOutcome>;
  /** Abandons the running track (its ffmpeg is killed); analyse() then resolves as cancelled. */
  cancel(): void;
  close(): Promise<void>;
}

/** The catalogue's duration as the decoder's hint; none when unknown (the decoder probes the file). */
function durationHint(track: PendingTrack): { durationSecHint?: number } {
  return track.durationSec !== null && track.durationSec > 0 ? { durationSecHint: track.durationSec } : {};
}

export class WorkerLane implements Lane {
  lastTensors: number;
  private controller: AbortController | undefined;
  private constructor(
    private worker: AnalysisWorker,
    private readonly init: WorkerInit,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.lastTensors = worker.ready.numTensors;
  }

  static async start(init: WorkerInit, env: NodeJS.ProcessEnv): Promise<WorkerLane> {
    return new WorkerLane(await AnalysisWorker.start(init, env), init, env);
  }

  get info(): LaneInfo {
    const r = this.worker.ready;
    return { backend: r.backend, modelId: r.modelId, modelVersion: r.modelVersion, tags: r.tags, embeddingDim: r.embeddingDim, readyTensors: r.numTensors };
  }

  async analyse(track: PendingTrack): Promise<AnalyseOutcome> {
    if (!this.worker.alive) this.worker = await AnalysisWorker.start(this.init, this.env);
    const controller = new AbortController();
    this.controller = controller;
    const { signal } = controller;
    // A function, not the property: cancel() flips it while this awaits.
    const cancelled = (): boolean => signal.aborted;
    const windows = decodeWindows(track.file, {
      signal,
      maxSegments: this.init.maxSegments,
      ...(this.init.ffmpegPath ? { ffmpegPath: this.init.ffmpegPath } : {}),
      ...durationHint(track),
    })[Symbol.asyncIterator]();
    const kept: { startSec: number; endSec: number; probs: Float32Array; embedding: Float32Array }[] = [];
    const { tags, embeddingDim } = this.worker.ready;
    let decodeWaitMs = 0;
    let predictMs = 0;
    let next: Promise<IteratorResult<PcmWindow>> | undefined;
    try {
      next = windows.next();
      for (;;) {
        const t0 = performance.now();
        const r = await next;
        next = undefined;
        decodeWaitMs += performance.now() - t0;
        if (r.done) break;
        if (cancelled()) return { type: 'cancelled' };
        // Ask for the next window first: ffmpeg keeps decoding while the worker runs the model.
        next = windows.next();
        next.catch(() => undefined);
        const { startSec, endSec } = r.value;
        const t1 = performance.now();
        const out = await this.worker.predict([r.value.samples], 'pcm');
        predictMs += performance.now() - t1;
        if (out.type === 'cancelled' || cancelled()) return { type: 'cancelled' };
        this.lastTensors = out.numTensors;
        kept.push({ startSec, endSec, probs: out.probs.slice(0, tags.length), embedding: out.embeddings.slice(0, embeddingDim) });
      }
    } catch (err) {
      if (err instanceof WorkerCrashedError) {
        // The next track gets a fresh worker; this one is recorded as failed.
        await this.worker.close(0);
        throw err;
      }
      if (cancelled()) return { type: 'cancelled' };
      return { type: 'failed', message: errorMessage(err) };
    } finally {
      if (next) await next.catch(() => undefined);
      // Closes the decoder (and its ffmpeg) when we leave early.
      await windows.return(undefined).catch(() => undefined);
      this.controller = undefined;
    }
    if (kept.length === 0) return { type: 'failed', message: 'no audio could be decoded (empty or silent stream)' };
    const probs = new Float32Array(kept.length * tags.length);
    const embeddings = new Float32Array(kept.length * embeddingDim);
    kept.forEach((k, i) => {
      probs.set(k.probs, i * tags.length);
      embeddings.set(k.embedding, i * embeddingDim);
    });
    return {
      type: 'analysed',
      trackId: track.trackId,
      segmentCount: kept.length,
      startSec: Float64Array.from(kept, (k) => k.startSec),
      endSec: Float64Array.from(kept, (k) => k.endSec),
      probs,
      embeddings,
      decodeWaitMs,
      predictMs,
      numTensors: this.lastTensors,
    };
  }

  cancel(): void {
    this.controller?.abort();
    this.worker.cancel();
  }

  close(): Promise<void> {
    this.controller?.abort();
    return this.worker.close();
  }
}

export class InlineLane implements Lane {
  lastTensors: number;
  private controller: AbortController | undefined;

  private constructor(
    private readonly tagger: BaseTagger,
    private readonly init: WorkerInit,
    readonly info: LaneInfo,
  ) {
    this.lastTensors = info.readyTensors;
  }

  static async start(init: WorkerInit, env: NodeJS.ProcessEnv): Promise<InlineLane> {
    const backend = await initBackend(init.backend, env);
    const tagger = await loadBaseTagger({ modelDir: init.modelDir, backend });
    const info: LaneInfo = {
      backend: tagger.backend,
      modelId: tagger.id,
      modelVersion: tagger.version,
      tags: tagger.tags,
      embeddingDim: tagger.embeddingDim,
      readyTensors: tf.memory().numTensors,
    };
    return new InlineLane(tagger, init, info);
  }

  async analyse(track: PendingTrack): Promise<AnalyseOutcome> {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const out = await analyseTrack(this.tagger, track.file, { signal: controller.signal, maxSegments: this.init.maxSegments, ffmpegPath: this.init.ffmpegPath, ...durationHint(track) });
      if (controller.signal.aborted) return { type: 'cancelled' };
      this.lastTensors = tf.memory().numTensors;
      return { type: 'analysed', trackId: track.trackId, ...out, numTensors: this.lastTensors };
    } catch (err) {
      if (controller.signal.aborted) return { type: 'cancelled' };
      return { type: 'failed', message: errorMessage(err) };
    } finally {
      this.controller = undefined;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }

  close(): Promise<void> {
    this.tagger.dispose();
    return Promise.resolve();
  }
}
