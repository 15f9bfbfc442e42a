/**
 * The main thread's handle on one analysis worker thread: starts it, waits
 * until its model is loaded, runs one job at a time, and turns a crash into
 * a rejected job instead of a hang.
 */
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import {
  parseFromWorker,
  transferList,
  type AnalysedMessage,
  type FromWorker,
  type PredictedMessage,
  type ReadyMessage,
  type ToWorker,
  type WorkerInit,
} from './messages.js';

export type AnalyseOutcome = AnalysedMessage | { type: 'failed'; message: string } | { type: 'cancelled' };

/** The worker died (crash, out of memory, killed) while a job ran. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

const workerUrl = new URL('./worker.js', import.meta.url);

interface PendingJob {
  readonly jobId: number;
  resolve(msg: FromWorker): void;
  reject(err: Error): void;
}

export class AnalysisWorker {
  private pending: PendingJob | undefined;
  private nextJobId = 1;
  private exited = false;
  private readonly exitPromise: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly ready: ReadyMessage,
    exitPromise: Promise<void>,
  ) {
    this.exitPromise = exitPromise;
    worker.on('message', (raw: unknown) => {
      let msg: FromWorker;
      try {
        msg = parseFromWorker(raw);
      } catch (err) {
        this.fail(new WorkerCrashedError(errorMessage(err)));
        void this.worker.terminate();
        return;
      }
      const job = this.pending;
      if (!job || !('jobId' in msg) || msg.jobId !== job.jobId) return;
      this.pending = undefined;
      job.resolve(msg);
    });
    worker.on('error', (err) => {
      this.fail(new WorkerCrashedError(`analysis worker crashed: ${errorMessage(err)}`));
    });
    worker.on('exit', (code) => {
      this.exited = true;
      this.fail(new WorkerCrashedError(`analysis worker exited (code ${code})`));
    });
  }

  /** Starts a worker and resolves once its backend and model are loaded. */
  static start(init: WorkerInit, env: NodeJS.ProcessEnv = process.env): Promise<AnalysisWorker> {
    const worker = new Worker(workerUrl, { workerData: init, env });
    const exitPromise = new Promise<void>((resolve) => worker.once('exit', () => { resolve(); }));
    return new Promise<AnalysisWorker>((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (raw: unknown) => {
        cleanup();
        let msg: FromWorker;
        try {
          msg = parseFromWorker(raw);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          void worker.terminate();
          return;
        }
        if (msg.type === 'ready') {
          resolve(new AnalysisWorker(worker, msg, exitPromise));
        } else {
          reject(new Error(msg.type === 'fatal' ? msg.message : `analysis worker sent ${msg.type} before ready`));
          void worker.terminate();
        }
      };
      const onError = (err: Error) => {
        cleanup();
        reject(new Error(`analysis worker failed to start: ${err.message}`, { cause: err }));
        void worker.terminate();
      };
      const onExit = (code: number) => {
        cleanup();
        reject(new Error(`analysis worker exited while starting (code ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  analyse(trackId: number, file: string | Buffer, durationSecHint?: number): Promise<AnalyseOutcome> {
    const hint = durationSecHint === undefined ? {} : { durationSecHint };
    return this.run({ type: 'analyse', jobId: this.nextJobId++, trackId, file, ...hint }).then((msg): AnalyseOutcome => {
      switch (msg.type) {
        case 'analysed':
          return msg;
        case 'failed':
          return { type: 'failed', message: msg.message };
        case 'cancelled':
          return { type: 'cancelled' };
        default:
          throw new WorkerCrashedError(`analysis worker answered ${msg.type} to a track`);
      }
    });
  }

  /** Runs precomputed log-mel segments through the model only. */
  predict(segments: Float32Array[]): Promise<PredictedMessage> {
    return this.run({ type: 'predict', jobId: this.nextJobId++, segments }).then((msg) => {
      if (msg.type === 'predicted') return msg;
      throw new Error(msg.type === 'failed' ? msg.message : `analysis worker answered ${msg.type} to predict`);
    });
  }

  /** Asks the running job to stop; its promise then resolves as cancelled. */
  cancel(): void {
    if (this.pending && !this.exited) this.send({ type: 'cancel', jobId: this.pending.jobId });
  }

  /**
   * Lets the worker shut down (dispose its model, let ffmpeg die), and
   * terminates it if it has not gone within graceMs.
   */
  async close(graceMs = 3000): Promise<void> {
    if (this.exited) return;
    this.cancel();
    this.send({ type: 'shutdown' });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => { resolve(true); }, graceMs);
    });
    const stuck = await Promise.race([this.exitPromise.then(() => false), timedOut]);
    clearTimeout(timer);
    if (stuck) await this.worker.terminate();
  }

  private run(msg: Extract<ToWorker, { type: 'analyse' | 'predict' }>): Promise<FromWorker> {
    if (this.exited) return Promise.reject(new WorkerCrashedError('analysis worker is not running'));
    if (this.pending) return Promise.reject(new Error('analysis worker is busy'));
    return new Promise<FromWorker>((resolve, reject) => {
      this.pending = { jobId: msg.jobId, resolve, reject };
      this.send(msg);
    });
  }

  private send(msg: ToWorker): void {
    this.worker.postMessage(msg, transferList(msg));
  }

  private fail(err: Error): void {
    const job = this.pending;
    this.pending = undefined;
    job?.reject(err);
  }
}
