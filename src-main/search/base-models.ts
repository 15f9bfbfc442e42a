import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../core/paths.js';

/** What search needs to know about a base model: its id, the prefixes a query may use, and its tag order. */
export interface BaseModelVocabulary {
  readonly id: string;
  /** Lower-case names a query may use before the colon: the id and a short prefix (`msd` for `choi-crnn-msd`). */
  readonly prefixes: readonly string[];
  /** Tag names in the order of the analyses' tags_mean/tags_max vectors. */
  readonly tags: readonly string[];
}

// Only the fields search reads; the manifest holds more (weights, checksums...).
const manifestSchema = z.looseObject({
  id: z.string().min(1),
  tags: z.array(z.string().min(1)).min(1),
  prefix: z.string().min(1).optional(),
});

/**
 * A base tag's name as a query may spell it: case, spaces, hyphens and
 * underscores do not matter (`msd:female_vocalists`, `msd:hiphop`).
 */
export function baseTagKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s_-]+/gu, '');
}

/** The model's id plus, unless the manifest names one, its last dash-separated part (`choi-crnn-msd` -> `msd`). */
export function vocabularyOf(id: string, tags: readonly string[], prefix?: string): BaseModelVocabulary {
  const prefixes = new Set([id.toLowerCase()]);
  const short = prefix ?? id.split('-').pop();
  if (short) prefixes.add(short.toLowerCase());
  return { id, prefixes: [...prefixes], tags };
}

const cache = new Map<string, { mtimeMs: number; models: BaseModelVocabulary[] }>();

/**
 * Reads the model manifests (`models/*.json` with `id` and `tags`) from the
 * package. Files that are not manifests are skipped; the result is cached
 * until the folder changes.
 */
export function loadBaseModels(dir: string = path.join(packageRoot, 'models')): BaseModelVocabulary[] {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(dir).mtimeMs;
  } catch {
    return [];
  }
  const hit = cache.get(dir);
  if (hit?.mtimeMs === mtimeMs) return hit.models;
  const models: BaseModelVocabulary[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    const m = manifestSchema.safeParse(parsed);
    if (m.success) models.push(vocabularyOf(m.data.id, m.data.tags, m.data.prefix));
  }
  // A short prefix shared by two models would be ambiguous: keep only their ids.
  const counts = new Map<string, number>();
  for (const m of models) for (const p of m.prefixes) counts.set(p, (counts.get(p) ?? 0) + 1);
  const result = models.map((m) => ({ ...m, prefixes: m.prefixes.filter((p) => p === m.id.toLowerCase() || counts.get(p) === 1) }));
  cache.set(dir, { mtimeMs, models: result });
  return result;
}
