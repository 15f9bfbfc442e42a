/**
 * A lane analyses one track at a time: either through a worker thread
 * (the normal case, one per core) or inline in the calling thread (workers
 * = 0: tests that inspect this thread's TensorFlow.js state, and machines
 * where worker threads are unwanted). Both give the same outcomes.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend.js';
import { loadBaseTagger } from '../model/tagger.js';
import type { BaseTagger } from '../model/types.js';
import { errorMessage } from '../core/errors.js';
import type { WorkerInit } from './messages.js';
import type { PendingTrack } from './queue.js';
import { analyseTrack } from './track-pipeline.js';
import { AnalysisWorker, WorkerCrashedError, type AnalyseOutcome } from './worker-pool.js';

export interface LaneInfo {
  readonly backend: string;
  /** How the CNN's convolutions run (BaseTagger.conv). */
  readonly conv: string;
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
function durationHint(track: PendingTrack): number | undefined {
  return track.durationSec !== null && track.durationSec > 0 ? track.durationSec : undefined;
}

export class WorkerLane implements Lane {
  lastTensors: number;
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
    return { backend: r.backend, conv: r.conv, modelId: r.modelId, modelVersion: r.modelVersion, tags: r.tags, embeddingDim: r.embeddingDim, readyTensors: r.numTensors };
  }

  async analyse(track: PendingTrack): Promise<AnalyseOutcome> {
    if (!this.worker.alive) this.worker = await AnalysisWorker.start(this.init, this.env);
    try {
      const out = await this.worker.analyse(track.trackId, track.file, durationHint(track));
      if (out.type === 'analysed') this.lastTensors = out.numTensors;
      return out;
    } catch (err) {
      if (err instanceof WorkerCrashedError) {
        // The next track gets a fresh worker; this one is recorded as failed.
        await this.worker.close(0);
      }
      throw err;
    }
  }

  cancel(): void {
    this.worker.cancel();
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

export class InlineLane implements Lane {
  lastTensors: number;
  private controller: AbortController | undefined;
  private jobId = 0;

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
      conv: tagger.conv,
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
    const jobId = ++this.jobId;
    try {
      const hint = durationHint(track);
      const out = await analyseTrack(this.tagger, track.file, {
        signal: controller.signal,
        maxSegments: this.init.maxSegments,
        ffmpegPath: this.init.ffmpegPath,
        ...(hint === undefined ? {} : { durationSecHint: hint }),
      });
      if (controller.signal.aborted) return { type: 'cancelled' };
      this.lastTensors = tf.memory().numTensors;
      return { type: 'analysed', jobId, trackId: track.trackId, ...out, numTensors: this.lastTensors };
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
