/**
 * The training worker: opens the library read-only, gathers the labels and
 * segment embeddings, trains, and posts the outcome. It writes nothing, so
 * terminating it (cancel) or killing the process at any moment cannot harm
 * the database or the active model.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database.js';
import { errorMessage, EarmarkError } from '../core/errors.js';
import { ensureTagBackend } from './tf-backend.js';
import { runTraining } from './trainer.js';
import { loadTrainingData } from './training-data.js';
import { parallelRunner } from './gru-runner.js';
import type { TrainWorkerMessage, TrainWorkerRequest } from './types.js';

const post = (m: TrainWorkerMessage) => parentPort?.postMessage(m);

async function work(req: TrainWorkerRequest): Promise<void> {
  await ensureTagBackend();
  const db = openDatabase(req.dbFile, { readonly: true, migrate: false });
  try {
    const data = loadTrainingData(db, req.baseModelId, req.tags, req.settings.seed);
    post({ type: 'progress', done: 0, total: 1, message: `loaded ${data.sequences.size} labelled tracks` });
    const outcome = await runTraining({
      ...data,
      settings: req.settings,
      gruRunner: parallelRunner(req.threads),
      onProgress: (done, total, message) => post({ type: 'progress', done, total, message }),
    });
    post({ type: 'done', outcome });
  } finally {
    db.close();
  }
}

work(workerData as TrainWorkerRequest).catch((err: unknown) => {
  post({ type: 'error', message: errorMessage(err), ...(err instanceof EarmarkError ? { code: err.code } : {}) });
});
