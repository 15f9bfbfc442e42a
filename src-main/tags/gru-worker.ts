/**
 * A helper thread for GRU fits: cross-validation folds are independent, so
 * the training worker hands some of them here to use a second core. Each
 * fit is deterministic for its seed and data, whichever thread runs it.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../core/errors.js';
import { ensureTagBackend } from './tf-backend.js';
import { trainGru, type GruJob, type GruWeights } from './gru.js';

export type GruWorkerReply = { readonly index: number; readonly weights: GruWeights } | { readonly index: number; readonly error: string };

const ready = ensureTagBackend();
parentPort?.on('message', (msg: { index: number; job: GruJob }) => {
  ready
    .then(() => {
      const { job } = msg;
      const weights = trainGru(job.data, job.tagIds, job.inputDim, job.options);
      parentPort?.postMessage({ index: msg.index, weights } satisfies GruWorkerReply);
    })
    .catch((err: unknown) => parentPort?.postMessage({ index: msg.index, error: errorMessage(err) } satisfies GruWorkerReply));
});
