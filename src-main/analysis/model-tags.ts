/** Tag names of a base model, for turning stored probability vectors into {tag: p}. */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { packageRoot } from '../core/paths.js';
import { modelManifestSchema } from '../model/manifest.js';
import { installedBaseModel } from '../model/registry.js';

/**
 * The installed model's tags when it is the one asked for, else those of the
 * manifest bundled in models/ (results stay readable after the model files
 * are removed); null when neither knows the model.
 */
export function modelTagNames(db: Db, modelId: string, env: NodeJS.ProcessEnv = process.env): readonly string[] | null {
  const installed = installedBaseModel(db, env);
  if (installed?.id === modelId) return installed.manifest.tags;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(modelId)) return null;
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(packageRoot, 'models', `${modelId}.json`), 'utf8')) as unknown;
    return modelManifestSchema.parse(raw).tags;
  } catch {
    return null;
  }
}
