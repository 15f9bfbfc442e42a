/**
 * Installs a base model: gets the upstream weights (download or local
 * file), checks size and sha256 against the manifest, converts them into
 * the stored form, and moves the result into place atomically: everything
 * is built in a temporary folder beside the final one and renamed, so an
 * interrupted install leaves the previous state, never half a model.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CancelledError, EarmarkError, UsageError, errorMessage } from '../core/errors.js';
import { fsyncDir } from '../core/durable-files.js';
import { modelsDir } from '../core/paths.js';
import { ProgressTracker, type ProgressListener } from '../core/progress.js';
import type { Db } from '../db/database.js';
import { convertKerasWeights } from './crnn-weights.js';
import { downloadToFile } from './download.js';
import { readKerasWeights } from './keras-h5.js';
import type { ModelManifest } from './manifest.js';
import { DEFAULT_MODEL_ID, readManifest } from './registry.js';
import { writeStoredModel } from './stored-model.js';

export interface InstallOptions {
  /** Model id (default: the default model). */
  readonly id?: string;
  /** Install from this local copy of the upstream file instead of downloading. */
  readonly fromFile?: string;
  /** Download from here instead of the manifest's URL (else EARMARK_MODEL_BASE_URL, see modelDownloadUrl). */
  readonly url?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  readonly env?: NodeJS.ProcessEnv;
  readonly idleTimeoutMs?: number;
}

export interface InstallResult {
  readonly id: string;
  readonly version: string;
  readonly dir: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly source: 'download' | 'file';
  /** The URL or file it came from. */
  readonly from: string;
  /** A previous install of the same version was replaced. */
  readonly replaced: boolean;
}

/** Temporary folders left by an install that was killed are removed after this long. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const TEMP_PREFIX = '.install-';
const OLD_PREFIX = '.replaced-';

/**
 * The download address: the manifest's, unless EARMARK_MODEL_BASE_URL names
 * a mirror folder, which then serves the file under its upstream file name.
 */
export function modelDownloadUrl(manifest: ModelManifest, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.EARMARK_MODEL_BASE_URL;
  if (base === undefined || base === '') return manifest.source.url;
  return `${base.replace(/\/+$/, '')}/${path.posix.basename(manifest.source.path)}`;
}

function progressBar(done: number, total: number, width = 20): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(frac * 100)}% ${(done / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB`;
}

async function sha256OfFile(file: string, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<string> {
  const hash = crypto.createHash('sha256');
  let n = 0;
  for await (const chunk of fs.createReadStream(file, { signal })) {
    const b = chunk as Buffer;
    hash.update(b);
    n += b.length;
    onBytes(n);
  }
  return hash.digest('hex');
}

function removeStaleTemps(parent: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(TEMP_PREFIX) && !e.startsWith(OLD_PREFIX)) continue;
    const p = path.join(parent, e);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > STALE_TEMP_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // Another install may be removing it at the same time.
    }
  }
}

function checkFile(manifest: ModelManifest, what: string, sizeBytes: number, sha256: string | null): void {
  const expected = manifest.source;
  if (sizeBytes !== expected.sizeBytes) {
    throw new EarmarkError('checksum', `${what}: size mismatch for ${manifest.id}: expected ${expected.sizeBytes} bytes, got ${sizeBytes}`, { path: what });
  }
  if (sha256 !== null && sha256 !== expected.sha256) {
    throw new EarmarkError('checksum', `${what}: sha256 mismatch for ${manifest.id}: expected ${expected.sha256}, got ${sha256}`, { path: what });
  }
}

export async function installBaseModel(db: Db, opts: InstallOptions = {}): Promise<InstallResult> {
  const env = opts.env ?? process.env;
  const manifest = readManifest(opts.id ?? DEFAULT_MODEL_ID);
  const { signal, onProgress } = opts;
  const parent = path.join(modelsDir(env), manifest.id);
  fs.mkdirSync(parent, { recursive: true });
  removeStaleTemps(parent);
  const tmp = fs.mkdtempSync(path.join(parent, `${TEMP_PREFIX}${manifest.version}-`));
  const finalDir = path.join(parent, manifest.version);
  const total = manifest.source.sizeBytes;

  try {
    let sourceFile: string;
    let from: string;
    let sha256: string;
    if (opts.fromFile !== undefined) {
      from = path.resolve(opts.fromFile);
      let st: fs.Stats;
      try {
        st = fs.statSync(from);
      } catch (err) {
        throw new UsageError(`cannot read ${from}: ${errorMessage(err)}`, { path: from, cause: err });
      }
      if (!st.isFile()) throw new UsageError(`${from} is not a file`, { path: from });
      checkFile(manifest, from, st.size, null);
      const tracker = new ProgressTracker('verify', total);
      sha256 = await sha256OfFile(from, signal, (n) => {
        tracker.done = n;
        onProgress?.(tracker.snapshot(progressBar(n, total)));
      });
      checkFile(manifest, from, st.size, sha256);
      sourceFile = from;
    } else {
      from = opts.url ?? modelDownloadUrl(manifest, env);
      sourceFile = path.join(tmp, 'download.h5');
      const tracker = new ProgressTracker('download', total);
      const result = await downloadToFile(from, sourceFile, {
        signal,
        // A little slack: a server may legitimately differ, the size check says so clearly.
        maxBytes: total * 2 + 65_536,
        ...(opts.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: opts.idleTimeoutMs }),
        onBytes: (n, announced) => {
          tracker.done = n;
          tracker.total = announced ?? total;
          onProgress?.(tracker.snapshot(progressBar(n, announced ?? total)));
        },
      });
      checkFile(manifest, `file downloaded from ${from}`, result.bytes, result.sha256);
      sha256 = result.sha256;
    }
    signal?.throwIfAborted();

    const convert = new ProgressTracker('convert', 1);
    onProgress?.(convert.snapshot('reading Keras weights'));
    const weights = convertKerasWeights(await readKerasWeights(sourceFile), manifest, sourceFile);
    writeStoredModel(tmp, manifest, weights, sha256);
    if (sourceFile.startsWith(tmp)) fs.rmSync(sourceFile, { force: true });
    convert.done = 1;
    onProgress?.(convert.snapshot('converted'));
    signal?.throwIfAborted();

    // Swap into place: rename is atomic within one folder's file system.
    let replaced = false;
    if (fs.existsSync(finalDir)) {
      const old = fs.mkdtempSync(path.join(parent, OLD_PREFIX));
      fs.renameSync(finalDir, path.join(old, 'v'));
      fs.renameSync(tmp, finalDir);
      fs.rmSync(old, { recursive: true, force: true });
      replaced = true;
    } else {
      fs.renameSync(tmp, finalDir);
    }
    // The rename itself must reach the disk before the database says the model is installed.
    fsyncDir(parent);

    db.transaction(() => {
      db.prepare('UPDATE base_models SET active = 0').run();
      db.prepare(
        `INSERT INTO base_models (id, version, path, sha256, installed_at, active) VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (id, version) DO UPDATE SET path = excluded.path, sha256 = excluded.sha256, installed_at = excluded.installed_at, active = 1`,
      ).run(manifest.id, manifest.version, finalDir, sha256, Date.now());
    })();

    return { id: manifest.id, version: manifest.version, dir: finalDir, sha256, sizeBytes: total, source: opts.fromFile === undefined ? 'download' : 'file', from, replaced };
  } catch (err) {
    if (signal?.aborted && !(err instanceof CancelledError)) throw new CancelledError(`install of ${manifest.id} cancelled`);
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
