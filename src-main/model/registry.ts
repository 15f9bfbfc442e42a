/**
 * Which base models exist (manifests bundled in models/) and which are
 * installed (folders in the data directory, recorded in base_models).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EarmarkError, NotFoundError, errorMessage } from '../core/errors.js';
import { modelsDir, packageRoot } from '../core/paths.js';
import type { Db } from '../db/database.js';
import { modelManifestSchema, type ModelManifest } from './manifest.js';
import { MODEL_JSON, readStoredModelJson } from './stored-model.js';

/** The model installed when none is named. */
export const DEFAULT_MODEL_ID = 'choi-crnn-msd';

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** The folder of bundled manifests (models/ at the package root). */
export function manifestsDir(): string {
  return path.join(packageRoot, 'models');
}

export function readManifest(id: string): ModelManifest {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(`unknown base model "${id}" (ids are lowercase letters, digits, . _ -)`);
  const file = path.join(manifestsDir(), `${id}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`unknown base model "${id}" (no ${file})`);
    throw new EarmarkError('bad_manifest', `cannot read ${file}: ${errorMessage(err)}`, { path: file, cause: err });
  }
  const parsed = modelManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EarmarkError('bad_manifest', `${file}: invalid manifest (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`, { path: file });
  }
  if (parsed.data.id !== id) throw new EarmarkError('bad_manifest', `${file}: expected id "${id}", got "${parsed.data.id}"`, { path: file });
  return parsed.data;
}

/** Where a model version is installed: <dataDir>/models/<id>/<version>. */
export function modelInstallDir(id: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(modelsDir(env), id, version);
}

export interface BaseModelInfo {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly sizeBytes: number;
  readonly url: string;
  /** The folder it is (or would be) installed in. */
  readonly dir: string;
  /** model.json is present in that folder. */
  readonly installed: boolean;
  /** Recorded as the active model in the database (null when no database was given). */
  readonly active: boolean | null;
}

/** Bundled manifests, each with whether it is installed in this data directory. */
export function listBaseModels(env: NodeJS.ProcessEnv = process.env, db?: Db): BaseModelInfo[] {
  let files: string[];
  try {
    files = fs.readdirSync(manifestsDir()).filter((f) => f.endsWith('.json')).sort();
  } catch {
    files = [];
  }
  const active = db ? activeRow(db) : null;
  return files.map((f) => {
    const m = readManifest(f.slice(0, -'.json'.length));
    const dir = modelInstallDir(m.id, m.version, env);
    return {
      id: m.id,
      name: m.name,
      version: m.version,
      license: m.license.spdx,
      sizeBytes: m.source.sizeBytes,
      url: m.source.url,
      dir,
      installed: fs.existsSync(path.join(dir, MODEL_JSON)),
      active: db ? active?.id === m.id && active.version === m.version : null,
    };
  });
}

export interface BaseModelRow {
  readonly id: string;
  readonly version: string;
  readonly path: string;
  readonly sha256: string;
  readonly installed_at: number;
  readonly active: number;
}

function activeRow(db: Db): BaseModelRow | undefined {
  return db.prepare('SELECT * FROM base_models WHERE active = 1 ORDER BY installed_at DESC LIMIT 1').get() as BaseModelRow | undefined;
}

export function baseModelRows(db: Db): BaseModelRow[] {
  return db.prepare('SELECT * FROM base_models ORDER BY id, installed_at DESC').all() as BaseModelRow[];
}

export interface ActiveBaseModel {
  readonly id: string;
  readonly version: string;
  readonly dir: string;
  readonly manifest: ModelManifest;
}

/**
 * The active installed model, or null when none is installed or its files
 * are gone (then `earmark models install` puts it back). The manifest is the
 * one it was installed from, stored beside its weights.
 */
export function installedBaseModel(db: Db, env: NodeJS.ProcessEnv = process.env): ActiveBaseModel | null {
  const row = activeRow(db);
  if (!row) return null;
  // The recorded folder first; then the same place under this data
  // directory, in case the data directory was moved along with the database.
  const dir = [row.path, modelInstallDir(row.id, row.version, env)].find((d) => fs.existsSync(path.join(d, MODEL_JSON)));
  if (dir === undefined) return null;
  const json = readStoredModelJson(dir);
  return { id: row.id, version: row.version, dir, manifest: json.manifest };
}
