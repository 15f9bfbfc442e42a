import path from 'node:path';
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/database.js';
import { CancelledError, EarmarkError, UsageError } from '../core/errors.js';
import { ProgressTracker, type ProgressListener } from '../core/progress.js';
import { activeBaseModelId, analysedTrackIds, segmentsReader } from './dataset.js';
import { getTag, liveTags } from './vocabulary.js';
import { activeModelRow, loadActiveModel, pruneModelFiles, readModel, tagModelsDir, writeModelAtomically } from './model-store.js';
import { predictPart } from './inference.js';
import { predictForTracks } from './predict.js';
import { ensureTagBackend } from './tf-backend.js';
import { durableWrite } from './durable.js';
import type { ModelPart, SkippedTag, TagModelFile, TagQuality, TrainOutcome, TrainSettings, TrainWorkerMessage, TrainWorkerRequest } from './types.js';

export interface TrainOptions {
  /** Tag names to train; default every live tag. Tags not named keep their current model. */
  readonly tags?: readonly string[];
  readonly seed?: number;
  readonly dataDir: string;
  readonly settings?: Omit<TrainSettings, 'seed'>;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

export interface TrainedTag extends TagQuality {
  readonly name: string;
}

export interface TrainReport {
  /** The new active model, or null when nothing was trained (the previous one stays). */
  readonly modelId: number | null;
  readonly previousModelId: number | null;
  readonly trained: readonly TrainedTag[];
  readonly skipped: readonly SkippedTag[];
  /** Tags not retrained this time whose model was carried over from the previous version. */
  readonly carried: readonly string[];
  readonly predictedTracks: number;
}

export const DEFAULT_SEED = 42;

/**
 * `earmark train`: trains in a worker thread (cancellable), then saves the
 * new model version atomically, loads it back and checks it against the
 * worker's own predictions, and only then activates it (the old one becomes
 * 'previous') and refreshes every analysed track's predictions.
 */
export async function trainTagModels(db: Db, options: TrainOptions): Promise<TrainReport> {
  const baseModelId = activeBaseModelId(db);
  if (!baseModelId) throw new EarmarkError('no_analysis', 'no analysed tracks yet: run `earmark analyze` before training');
  if (db.memory || db.name === ':memory:') throw new UsageError('training needs a database file (the worker opens it too)');
  const tags = options.tags && options.tags.length > 0 ? options.tags.map((n) => getTag(db, n)) : liveTags(db);
  if (tags.length === 0) throw new UsageError('there are no tags to train; create one with `earmark tags create NAME` and label some tracks');
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, not ${seed}`);
  // Rows left 'pending' by a killed run were never activated.
  db.prepare("UPDATE tag_models SET status = 'failed' WHERE status = 'pending'").run();
  pruneModelFiles(db, options.dataDir);

  const settings: TrainSettings = { ...options.settings, seed };
  const outcome = await runWorker(
    { dbFile: path.resolve(db.name), baseModelId, tags: tags.map((t) => ({ id: t.id, name: t.name })), settings },
    options.signal,
    options.onProgress,
  );
  const previous = activeModelRow(db);
  if (!outcome.part) {
    return { modelId: null, previousModelId: previous?.id ?? null, trained: [], skipped: outcome.skipped, carried: [], predictedTracks: 0 };
  }

  // Tags trained before but not retrained now keep their part of the previous model.
  const retrained = new Set(outcome.quality.map((q) => q.tagId));
  const live = new Set(liveTags(db).map((t) => t.id));
  const carriedParts: ModelPart[] = [];
  const carriedTagIds: number[] = [];
  const prevLoaded = previous ? safeLoadActive(db) : null;
  if (prevLoaded && prevLoaded.model.baseModelId === baseModelId && prevLoaded.model.embeddingDim === outcome.embeddingDim) {
    for (const part of prevLoaded.model.parts) {
      const heads = part.heads.filter((h) => !retrained.has(h.tagId) && live.has(h.tagId));
      if (heads.length === 0) continue;
      carriedTagIds.push(...heads.map((h) => h.tagId));
      carriedParts.push({ projection: part.projection, gru: heads.some((h) => h.chosen === 'gru') ? part.gru : null, heads });
    }
  }
  const model: TagModelFile = {
    format: 'earmark-tag-model',
    formatVersion: 1,
    baseModelId,
    embeddingDim: outcome.embeddingDim,
    seed,
    parts: [outcome.part, ...carriedParts],
  };

  const now = Date.now();
  const dir = tagModelsDir(options.dataDir);
  const id = durableWrite(db, () => {
    const rowId = Number(
      db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status, info) VALUES (?, '', ?, ?, 'pending', NULL)").run(now, baseModelId, seed).lastInsertRowid,
    );
    db.prepare('UPDATE tag_models SET path = ? WHERE id = ?').run(path.join(dir, String(rowId)), rowId);
    return rowId;
  });
  const modelDir = path.join(dir, String(id));
  let sha256: string;
  try {
    if (options.signal?.aborted) throw new CancelledError('training cancelled');
    sha256 = writeModelAtomically(modelDir, model);
    await validateSaved(db, modelDir, outcome);
  } catch (err) {
    db.prepare("UPDATE tag_models SET status = 'failed' WHERE id = ?").run(id);
    fs.rmSync(modelDir, { recursive: true, force: true });
    throw err;
  }

  const info = JSON.stringify({ sha256, tags: model.parts.flatMap((p) => p.heads.map((h) => h.tagId)), carried: carriedTagIds, settings });
  durableWrite(db, () => {
    db.prepare("UPDATE tag_models SET status = 'previous' WHERE status = 'active'").run();
    db.prepare("UPDATE tag_models SET status = 'active', info = ? WHERE id = ?").run(info, id);
    const insert = db.prepare('INSERT INTO tag_quality (tag_model_id, tag_id, chosen, roc_auc, pr_auc, f1, threshold, n_yes, n_no, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const q of outcome.quality) insert.run(id, q.tagId, q.chosen, q.rocAuc, q.prAuc, q.f1, q.threshold, q.nYes, q.nNo, JSON.stringify(q.details));
    if (previous) {
      const copy = db.prepare(
        `INSERT INTO tag_quality (tag_model_id, tag_id, chosen, roc_auc, pr_auc, f1, threshold, n_yes, n_no, details)
         SELECT ?, tag_id, chosen, roc_auc, pr_auc, f1, threshold, n_yes, n_no,
                json_set(COALESCE(details, '{}'), '$.carriedFromModel', COALESCE(json_extract(details, '$.carriedFromModel'), tag_model_id))
           FROM tag_quality WHERE tag_model_id = ? AND tag_id = ?`,
      );
      for (const tagId of carriedTagIds) copy.run(id, previous.id, tagId);
    }
  });
  pruneModelFiles(db, options.dataDir);

  const names = new Map(liveTags(db).map((t) => [t.id, t.name]));
  const trackIds = analysedTrackIds(db, baseModelId);
  const predicted = await predictForTracks(db, trackIds, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  // Predictions of tags the new model does not cover (deleted, or made with another base model) are stale.
  db.prepare('DELETE FROM predictions WHERE tag_model_id != ? AND tag_id NOT IN (SELECT value FROM json_each(?))').run(id, JSON.stringify([...retrained, ...carriedTagIds]));
  return {
    modelId: id,
    previousModelId: previous?.id ?? null,
    trained: outcome.quality.map((q) => ({ ...q, name: names.get(q.tagId) ?? String(q.tagId) })),
    skipped: outcome.skipped,
    carried: carriedTagIds.map((t) => names.get(t) ?? String(t)),
    predictedTracks: predicted.tracks,
  };
}

function safeLoadActive(db: Db): ReturnType<typeof loadActiveModel> {
  try {
    return loadActiveModel(db);
  } catch {
    // An unreadable previous model cannot be carried over; its tags need retraining.
    return null;
  }
}

/** Loads the written model back and checks it predicts what the worker predicted for a few labelled tracks. */
async function validateSaved(db: Db, dir: string, outcome: TrainOutcome): Promise<void> {
  const loaded = readModel(dir);
  const part = loaded.parts[0]!;
  await ensureTagBackend();
  const reader = segmentsReader(db, loaded.baseModelId);
  const raws = outcome.probe.trackIds.map((id) => reader.read(id));
  if (raws.some((r) => r === null)) throw new EarmarkError('bad_tag_model', `tag model ${dir}: probe tracks lost their analysis during training`);
  const pred = predictPart(part, raws as Float32Array[], false);
  pred.song.forEach((row, i) => {
    row.forEach((v, hi) => {
      const want = outcome.probe.probs[i]![hi]!;
      if (!(Math.abs(v - want) <= 1e-4)) {
        throw new EarmarkError('bad_tag_model', `tag model ${dir} does not reproduce its training predictions (track ${outcome.probe.trackIds[i]}: ${v} vs ${want}); not activated`);
      }
    });
  });
}

function runWorker(req: TrainWorkerRequest, signal?: AbortSignal, onProgress?: ProgressListener): Promise<TrainOutcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CancelledError('training cancelled'));
      return;
    }
    const worker = new Worker(new URL('./train-worker.js', import.meta.url), { workerData: req });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => { reject(new CancelledError('training cancelled')); });
      void worker.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const tracker = new ProgressTracker('train', null);
    worker.on('message', (m: TrainWorkerMessage) => {
      if (m.type === 'progress') {
        tracker.total = m.total;
        tracker.done = m.done;
        onProgress?.(tracker.snapshot(m.message));
      } else if (m.type === 'done') {
        finish(() => { resolve(m.outcome); });
        void worker.terminate();
      } else {
        finish(() => { reject(new EarmarkError(m.code ?? 'train_failed', `training failed: ${m.message}`)); });
        void worker.terminate();
      }
    });
    worker.on('error', (err) => { finish(() => { reject(new EarmarkError('train_failed', `training worker crashed: ${err.message}`, { cause: err })); }); });
    worker.on('exit', (code) => { finish(() => { reject(new EarmarkError('train_failed', `training worker exited (code ${code}) without a result`)); }); });
  });
}
