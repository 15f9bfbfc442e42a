/**
 * Earmark's own stored form of an installed base model, in its folder:
 * `model.json` (the manifest it was installed from, and a TensorFlow.js
 * style weights manifest) and `weights.bin` (the float32 values,
 * little-endian, concatenated in manifest order). Reading checks sizes and
 * the checksum, so a truncated or edited file is reported, not run.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EarmarkError, errorMessage } from '../core/errors.js';
import { writeFileSynced } from '../core/durable-files.js';
import { modelManifestSchema, type ModelManifest } from './manifest.js';
import type { StoredWeight } from './crnn-weights.js';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
const FORMAT = 'earmark-base-model';
const FORMAT_VERSION = 1;

const storedModelSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  manifest: modelManifestSchema,
  /** sha256 of the upstream file it was converted from. */
  sourceSha256: z.string(),
  convertedAt: z.string(),
  weightsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()).length(1),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') })),
      }),
    )
    .length(1),
});
export type StoredModelJson = z.infer<typeof storedModelSchema>;

export interface StoredModel {
  readonly json: StoredModelJson;
  readonly manifest: ModelManifest;
  /** Weight values by stored name. */
  readonly weights: ReadonlyMap<string, StoredWeight>;
}

const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(a: Float32Array): Buffer {
  if (isLittleEndian) return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const b = Buffer.alloc(a.byteLength);
  a.forEach((v, i) => b.writeFloatLE(v, i * 4));
  return b;
}

/** Writes model.json and weights.bin into `dir` (which must exist) and fsyncs them. */
export function writeStoredModel(dir: string, manifest: ModelManifest, weights: readonly StoredWeight[], sourceSha256: string): void {
  const chunks = weights.map((w) => toLittleEndianBytes(w.data));
  const bin = Buffer.concat(chunks);
  const json: StoredModelJson = {
    format: FORMAT,
    formatVersion: FORMAT_VERSION,
    manifest,
    sourceSha256,
    convertedAt: new Date().toISOString(),
    weightsSha256: crypto.createHash('sha256').update(bin).digest('hex'),
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' as const })) }],
  };
  writeFileSynced(path.join(dir, WEIGHTS_BIN), bin);
  writeFileSynced(path.join(dir, MODEL_JSON), `${JSON.stringify(json, null, 2)}\n`);
}

/** Reads and validates only model.json (cheap: for listings and doctor). */
export function readStoredModelJson(dir: string): StoredModelJson {
  const file = path.join(dir, MODEL_JSON);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new EarmarkError('bad_model', `cannot read ${file}: ${errorMessage(err)}`, { path: file, cause: err });
  }
  const parsed = storedModelSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EarmarkError('bad_model', `${file} is not an Earmark model file (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`, { path: file });
  }
  return parsed.data;
}

export function readStoredModel(dir: string): StoredModel {
  const json = readStoredModelJson(dir);
  const group = json.weightsManifest[0]!;
  const binFile = path.join(dir, group.paths[0]!);
  let bin: Buffer;
  try {
    bin = fs.readFileSync(binFile);
  } catch (err) {
    throw new EarmarkError('bad_model', `cannot read ${binFile}: ${errorMessage(err)}`, { path: binFile, cause: err });
  }
  const expectedBytes = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
  if (bin.length !== expectedBytes) throw new EarmarkError('bad_model', `${binFile}: expected ${expectedBytes} bytes, got ${bin.length} (reinstall the model)`, { path: binFile });
  const sha = crypto.createHash('sha256').update(bin).digest('hex');
  if (sha !== json.weightsSha256) throw new EarmarkError('bad_model', `${binFile}: checksum mismatch, expected ${json.weightsSha256}, got ${sha} (reinstall the model)`, { path: binFile });
  const weights = new Map<string, StoredWeight>();
  let offset = 0;
  for (const w of group.weights) {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = bin.readFloatLE(offset + 4 * i);
    offset += 4 * n;
    weights.set(w.name, { name: w.name, shape: w.shape, data });
  }
  return { json, manifest: json.manifest, weights };
}
