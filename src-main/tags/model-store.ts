import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { EarmarkError, errorMessage } from '../core/errors.js';
import { fsyncDir, writeFileSynced } from '../core/durable-files.js';
import type { Db } from '../db/database.js';
import type { ModelPart, TagModelFile } from './types.js';

/**
 * Trained tag models on disk: <dataDir>/tag-models/<id>/model.json, one
 * JSON file with the float32 arrays as base64. Written to a temporary
 * folder, fsynced, then renamed into place, so a crash leaves either no
 * folder or a whole one; the database row says which version is active.
 */
export const MODEL_FILE = 'model.json';

export function tagModelsDir(dataDir: string): string {
  return path.join(dataDir, 'tag-models');
}

export function serialiseModel(model: TagModelFile): string {
  return JSON.stringify(model, (_key, value: unknown) => (value instanceof Float32Array ? { $f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') } : value));
}

export function parseModel(text: string, file: string): TagModelFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (_key, value: unknown) => {
      if (value && typeof value === 'object' && '$f32' in value && typeof value.$f32 === 'string') {
        const buf = Buffer.from(value.$f32, 'base64');
        const out = new Float32Array(buf.byteLength >>> 2);
        new Uint8Array(out.buffer).set(buf.subarray(0, out.length * 4));
        return out;
      }
      return value;
    });
  } catch (err) {
    throw new EarmarkError('bad_tag_model', `tag model ${file} is not valid JSON: ${errorMessage(err)}`, { path: file });
  }
  validateModel(raw, file);
  return raw;
}

/** Checks the structure and every dimension of a model; a model that fails is never activated. */
export function validateModel(raw: unknown, file: string): asserts raw is TagModelFile {
  const fail = (why: string): never => {
    throw new EarmarkError('bad_tag_model', `tag model ${file} is invalid: ${why}`, { path: file });
  };
  const m = raw as Partial<TagModelFile> | null;
  if (!m || m.format !== 'earmark-tag-model' || m.formatVersion !== 1) fail('not an Earmark tag model of format version 1');
  if (typeof m!.baseModelId !== 'string' || !Number.isInteger(m!.embeddingDim) || !Array.isArray(m!.parts)) fail('missing base model, embedding dimension or parts');
  const f32 = (a: unknown, n: number, what: string) => {
    if (!(a instanceof Float32Array)) fail(`${what} is not a float32 array`);
    const arr = a as Float32Array;
    if (arr.length !== n) fail(`${what} has ${arr.length} numbers, expected ${n}`);
    if (!arr.every(Number.isFinite)) fail(`${what} has non-finite numbers`);
  };
  (m!.parts as ModelPart[]).forEach((part, i) => {
    const pr = part.projection;
    if (pr.inputDim !== m!.embeddingDim) fail(`part ${i}: projection input ${pr.inputDim}, expected ${m!.embeddingDim}`);
    f32(pr.matrix, pr.inputDim * pr.outputDim, `part ${i} projection matrix`);
    f32(pr.offset, pr.outputDim, `part ${i} projection offset`);
    for (const h of part.heads) {
      const chosen: string = h.chosen;
      if (!Number.isInteger(h.tagId) || (chosen !== 'gru' && chosen !== 'logreg')) fail(`part ${i}: bad head`);
      f32(h.logreg.weights, pr.outputDim, `part ${i} tag ${h.tagId} weights`);
      if (!Number.isFinite(h.logreg.bias)) fail(`part ${i} tag ${h.tagId}: bad bias`);
      if (h.chosen === 'gru' && !part.gru?.tagIds.includes(h.tagId)) fail(`part ${i}: tag ${h.tagId} uses a GRU output that is missing`);
    }
    const g = part.gru;
    if (g) {
      const u = g.units;
      const l = g.tagIds.length;
      if (g.inputDim !== pr.outputDim) fail(`part ${i}: GRU input ${g.inputDim}, expected ${pr.outputDim}`);
      f32(g.wx, g.inputDim * 3 * u, `part ${i} GRU wx`);
      f32(g.wh, u * 3 * u, `part ${i} GRU wh`);
      f32(g.bx, 3 * u, `part ${i} GRU bx`);
      f32(g.bh, 3 * u, `part ${i} GRU bh`);
      f32(g.wo, u * l, `part ${i} GRU wo`);
      f32(g.bo, l, `part ${i} GRU bo`);
    }
  });
}

/** Writes the model into `finalDir` atomically; returns the file's sha256. */
export function writeModelAtomically(finalDir: string, model: TagModelFile): string {
  const parent = path.dirname(finalDir);
  fs.mkdirSync(parent, { recursive: true });
  const tmp = path.join(parent, `.tmp-${path.basename(finalDir)}-${process.pid}-${Date.now()}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  try {
    const text = serialiseModel(model);
    writeFileSynced(path.join(tmp, MODEL_FILE), text);
    fsyncDir(tmp);
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(tmp, finalDir);
    fsyncDir(parent);
    return crypto.createHash('sha256').update(text).digest('hex');
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new EarmarkError('tag_model_write', `cannot write tag model to ${finalDir}: ${errorMessage(err)}`, { path: finalDir, cause: err });
  }
}

export function readModel(dir: string): TagModelFile {
  const file = path.join(dir, MODEL_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new EarmarkError('tag_model_missing', `cannot read tag model ${file}: ${errorMessage(err)}`, { path: file, cause: err });
  }
  return parseModel(text, file);
}

export interface ActiveModelRow {
  readonly id: number;
  readonly path: string;
  readonly baseModelId: string;
  readonly seed: number;
  readonly createdAt: number;
}

export function activeModelRow(db: Db): ActiveModelRow | undefined {
  return db.prepare("SELECT id, path, base_model_id AS baseModelId, seed, created_at AS createdAt FROM tag_models WHERE status = 'active'").get() as ActiveModelRow | undefined;
}

const cache = new Map<string, TagModelFile>();

/** The active model, loaded once per (database file, id). */
export function loadActiveModel(db: Db): { row: ActiveModelRow; model: TagModelFile } | null {
  const row = activeModelRow(db);
  if (!row) return null;
  const key = `${db.name}#${row.id}#${row.path}`;
  let model = cache.get(key);
  if (!model) {
    model = readModel(row.path);
    cache.set(key, model);
  }
  return { row, model };
}

/**
 * Removes the files of models no longer needed: 'failed' ones, leftovers of
 * interrupted writes, and 'previous' ones beyond the newest `keepPrevious`.
 * Rows stay (their quality history is small); only folders go.
 */
export function pruneModelFiles(db: Db, dataDir: string, keepPrevious = 1): void {
  const dir = tagModelsDir(dataDir);
  if (!fs.existsSync(dir)) return;
  const keep = new Set(
    (db.prepare("SELECT path FROM tag_models WHERE status IN ('active', 'pending') UNION ALL SELECT path FROM (SELECT path FROM tag_models WHERE status = 'previous' ORDER BY id DESC LIMIT ?)").pluck().all(keepPrevious) as string[]).map((p) => path.resolve(p)),
  );
  for (const name of fs.readdirSync(dir)) {
    const full = path.resolve(dir, name);
    const leftover = name.startsWith('.tmp-') && !name.includes(`-${process.pid}-`);
    if (leftover || (!name.startsWith('.') && !keep.has(full))) fs.rmSync(full, { recursive: true, force: true });
  }
}
