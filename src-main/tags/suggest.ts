import type { Db } from '../db/database.js';
import { blobToFloats, activeBaseModelId, segmentsReader } from './dataset.js';
import { getTag } from './vocabulary.js';
import { labelsOfTag } from './labels.js';
import { effectiveThreshold } from './quality.js';
import { UsageError } from '../core/errors.js';

export type SuggestionReason = 'uncertain' | 'similar' | 'diverse';

export interface Suggestion {
  readonly trackId: number;
  readonly path: string;
  readonly title: string | null;
  readonly artist: string | null;
  /** Current probability from the active model, null before the tag is trained. */
  readonly probability: number | null;
  readonly reason: SuggestionReason;
}

export interface SuggestOptions {
  readonly count?: number;
}

/**
 * Which unlabelled tracks to label next to learn a tag fastest.
 *
 * Trained tag: the pool is the 5n tracks (at least 50) whose probability is
 * closest to the tag's threshold (the model is least sure about them:
 * uncertainty sampling); from it n are picked greedily by max-min distance
 * in embedding space (each pick as far as possible from those already
 * picked, ties weighted by uncertainty), so one label does not repeat what
 * another already teaches.
 *
 * Untrained tag: with yes labels, the pool is the tracks most similar to
 * the mean yes song (likely yes, so the user confirms or refutes), again
 * diversified; without any, a spread of the library (farthest-point
 * sampling from the library's centre).
 */
export function suggestTracks(db: Db, tagName: string, options: SuggestOptions = {}): Suggestion[] {
  const n = options.count ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`-n must be a whole number from 1 to 1000, not ${n}`);
  const tag = getTag(db, tagName);
  const baseModelId = activeBaseModelId(db);
  if (!baseModelId) return [];
  const labels = labelsOfTag(db, tag.id);
  const emb = meanEmbeddings(db, baseModelId);
  const candidates = [...emb.keys()].filter((id) => !labels.has(id));
  if (candidates.length === 0) return [];
  const center = centroid([...emb.values()]);
  const unit = new Map<number, Float32Array>();
  for (const [id, v] of emb) unit.set(id, normalise(v, center));

  const probs = new Map(
    (db.prepare('SELECT track_id AS trackId, probability FROM predictions WHERE tag_id = ?').all(tag.id) as { trackId: number; probability: number }[]).map((r) => [r.trackId, r.probability]),
  );
  const poolSize = Math.max(50, 5 * n);
  let pool: { id: number; weight: number }[];
  let reason: SuggestionReason;
  if (probs.size > 0) {
    const th = effectiveThreshold(db, tag.id) ?? 0.5;
    const span = Math.max(th, 1 - th);
    pool = candidates.filter((id) => probs.has(id)).map((id) => ({ id, weight: 1 - Math.abs(probs.get(id)! - th) / span }));
    reason = 'uncertain';
  } else {
    const yes = [...labels].filter(([id, v]) => v === 1 && unit.has(id)).map(([id]) => unit.get(id)!);
    if (yes.length > 0) {
      const target = centroid(yes);
      pool = candidates.map((id) => ({ id, weight: (1 + dot(unit.get(id)!, target) / (norm(target) || 1)) / 2 }));
      reason = 'similar';
    } else {
      pool = candidates.map((id) => ({ id, weight: 1 }));
      reason = 'diverse';
    }
  }
  pool.sort((a, b) => b.weight - a.weight || a.id - b.id);
  pool = pool.slice(0, poolSize);

  // Greedy max-min: start from the best-weighted candidate, then the one farthest from all picked.
  const picked: { id: number; weight: number }[] = [];
  const minDist = new Map(pool.map((c) => [c.id, Infinity]));
  while (picked.length < Math.min(n, pool.length)) {
    let best: { id: number; weight: number } | undefined;
    let bestScore = -Infinity;
    for (const c of pool) {
      const d = minDist.get(c.id)!;
      if (d < 0) continue;
      const score = picked.length === 0 ? c.weight : Math.min(d, 4) * (0.5 + 0.5 * c.weight);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (!best) break;
    picked.push(best);
    minDist.set(best.id, -1);
    const u = unit.get(best.id)!;
    for (const c of pool) {
      const d = minDist.get(c.id)!;
      if (d >= 0) minDist.set(c.id, Math.min(d, 1 - dot(u, unit.get(c.id)!)));
    }
  }
  const info = db.prepare('SELECT path, title, artist FROM tracks WHERE id = ?');
  return picked.map((c) => {
    const t = info.get(c.id) as { path: string; title: string | null; artist: string | null };
    return { trackId: c.id, path: t.path, title: t.title, artist: t.artist, probability: probs.get(c.id) ?? null, reason };
  });
}

/** Mean segment embedding per analysed track (analyses.embedding_mean, else computed from segments). */
export function meanEmbeddings(db: Db, baseModelId: string): Map<number, Float32Array> {
  const rows = db.prepare("SELECT track_id AS trackId, embedding_mean AS mean FROM analyses WHERE model_id = ? AND status = 'done' ORDER BY track_id").all(baseModelId) as { trackId: number; mean: Buffer | null }[];
  const reader = segmentsReader(db, baseModelId);
  const out = new Map<number, Float32Array>();
  for (const r of rows) {
    if (r.mean && r.mean.byteLength > 0) {
      out.set(r.trackId, blobToFloats(r.mean));
      continue;
    }
    const seq = reader.read(r.trackId);
    if (!seq) continue;
    const d = reader.dim;
    const m = new Float32Array(d);
    const s = seq.length / d;
    for (let k = 0; k < s; k++) for (let j = 0; j < d; j++) m[j]! += seq[k * d + j]! / s;
    out.set(r.trackId, m);
  }
  return out;
}

function centroid(vs: readonly Float32Array[]): Float32Array {
  const d = vs[0]?.length ?? 0;
  const c = new Float32Array(d);
  for (const v of vs) for (let j = 0; j < d; j++) c[j]! += v[j]! / vs.length;
  return c;
}

/** Centred and scaled to unit length: cosine distance then measures direction from the library's centre. */
function normalise(v: Float32Array, center: Float32Array): Float32Array {
  const out = Float32Array.from(v, (x, j) => x - (center[j] ?? 0));
  const l = norm(out) || 1;
  for (let j = 0; j < out.length; j++) out[j]! /= l;
  return out;
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j]! * b[j]!;
  return s;
};
const norm = (a: Float32Array): number => Math.sqrt(dot(a, a));
