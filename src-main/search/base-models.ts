import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../core/paths.js';

/** What search needs to know about a base model: its id, the prefixes a query may use, and its tag order. */
export interface BaseModelVocabulary {
  readonly id: string;
  /** Lower-case names a query may use before the colon: the id and a short prefix (`msd` for `choi-crnn-msd`). */
  readonly prefixes: readonly string[];
  /** Tag names in the order of the analyses' tags_mean/tags_max vectors. */
  readonly tags: readonly string[];
}

/** The fields search reads from a manifest (it holds more: weights, checksums...), or null if it is not one. */
function readManifest(value: unknown): { id: string; tags: string[]; prefix?: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { id, tags, prefix } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return null;
  if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t): t is string => typeof t === 'string' && t !== '')) return null;
  return typeof prefix === 'string' && prefix !== '' ? { id, tags, prefix } : { id, tags };
}

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
    const m = readManifest(parsed);
    if (m) models.push(vocabularyOf(m.id, m.tags, m.prefix));
  }
  // A short prefix shared by two models would be ambiguous: keep only their ids.
  const counts = new Map<string, number>();
  for (const m of models) for (const p of m.prefixes) counts.set(p, (counts.get(p) ?? 0) + 1);
  const result = models.map((m) => ({ ...m, prefixes: m.prefixes.filter((p) => p === m.id.toLowerCase() || counts.get(p) === 1) }));
  cache.set(dir, { mtimeMs, models: result });
  return result;
}
