import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError } from '../core/errors.js';
import { trainGru, type GruJob, type GruWeights } from './gru.js';
import type { GruWorkerReply } from './gru-worker.js';

/** Runs GRU fits; `onDone` after each one. */
export type GruRunner = (jobs: readonly GruJob[], onDone: () => void, signal?: AbortSignal) => Promise<GruWeights[]>;

/** All fits in this thread, one after the other. */
export const runHere: GruRunner = (jobs, onDone, signal) => {
  const out: GruWeights[] = [];
  for (const job of jobs) {
    if (signal?.aborted) return Promise.reject(new CancelledError('training cancelled'));
    out.push(trainGru(job.data, job.tagIds, job.inputDim, { ...job.options, ...(signal ? { signal } : {}) }));
    onDone();
  }
  return Promise.resolve(out);
};

/**
 * Two threads: every other fit goes to a helper worker while this thread
 * runs the rest (fits are similar in size, so a fixed split balances well).
 * With one core, or one fit, everything runs here.
 */
export function parallelRunner(threads: number = Math.min(2, os.availableParallelism())): GruRunner {
  return async (jobs, onDone, signal) => {
    if (threads < 2 || jobs.length < 2) return runHere(jobs, onDone, signal);
    const helper = new Worker(new URL('./gru-worker.js', import.meta.url));
    try {
      const results = new Array<GruWeights | undefined>(jobs.length);
      const remote = jobs.map((_, i) => i).filter((i) => i % 2 === 0);
      const remoteDone = new Promise<void>((resolve, reject) => {
        let left = remote.length;
        helper.on('message', (m: GruWorkerReply) => {
          if ('error' in m) {
            reject(new Error(m.error));
            return;
          }
          results[m.index] = m.weights;
          onDone();
          if (--left === 0) resolve();
        });
        helper.on('error', reject);
        helper.on('exit', (code) => {
          if (left > 0) reject(new Error(`GRU helper thread exited (code ${code})`));
        });
      });
      // Attach a handler now: a rejection while this thread is busy must not go unhandled.
      remoteDone.catch(() => undefined);
      for (const i of remote) helper.postMessage({ index: i, job: jobs[i] });
      const local = jobs.map((_, i) => i).filter((i) => i % 2 === 1);
      const localResults = await runHere(local.map((i) => jobs[i]!), onDone, signal);
      local.forEach((i, k) => (results[i] = localResults[k]));
      await remoteDone;
      return results.map((w) => w!);
    } finally {
      await helper.terminate();
    }
  };
}
