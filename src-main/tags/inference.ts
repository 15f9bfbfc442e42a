import { projectMany } from './pca.js';
import { predictGru } from './gru.js';
import { predictLogReg } from './logreg.js';
import type { ModelPart } from './types.js';

export interface PartPredictions {
  /** Tag ids, in the order of the heads. */
  readonly tagIds: readonly number[];
  /** Per track: one probability per head (song level). */
  readonly song: Float32Array[];
  /** Per track: segments x heads, row-major (each segment on its own). */
  readonly segments: Float32Array[];
}

/**
 * Applies one model part to tracks given as raw segment embeddings
 * (segments x dim each). Song level: the chosen model on the whole song
 * (the baseline on the mean embedding; the GRU on the sequence). Segment
 * level ("time-varying"): the same chosen model applied to each segment
 * alone, as if it were a one-segment song.
 */
export function predictPart(part: ModelPart, raws: readonly Float32Array[], withSegments: boolean): PartPredictions {
  const proj = part.projection;
  const p = proj.outputDim;
  const heads = part.heads;
  const nHeads = heads.length;
  const projected = projectMany(proj, raws);
  const counts = raws.map((r) => r.length / proj.inputDim);
  const means = new Float32Array(raws.length * p);
  projected.forEach((seq, i) => {
    const s = counts[i]!;
    for (let k = 0; k < s; k++) for (let j = 0; j < p; j++) means[i * p + j]! += seq[k * p + j]! / s;
  });
  const song = raws.map(() => new Float32Array(nHeads));
  const segments = raws.map((_, i) => new Float32Array(withSegments ? counts[i]! * nHeads : 0));
  const allSegments = withSegments ? concat(projected) : new Float32Array(0);
  heads.forEach((h, hi) => {
    if (h.chosen !== 'logreg') return;
    const songProbs = predictLogReg(h.logreg, means, p);
    songProbs.forEach((v, i) => (song[i]![hi] = v));
    if (withSegments) scatter(predictLogReg(h.logreg, allSegments, p), 1, 0, counts, segments, nHeads, hi);
  });
  const gruHeads = heads.map((h, hi) => ({ h, hi })).filter(({ h }) => h.chosen === 'gru');
  if (gruHeads.length > 0) {
    const gru = part.gru;
    if (!gru) throw new Error('a tag head uses the GRU but the model part has none');
    const out = gru.tagIds.length;
    const songProbs = predictGru(gru, projected);
    const singles = withSegments ? projected.flatMap((seq, i) => Array.from({ length: counts[i]! }, (_, k) => seq.subarray(k * p, (k + 1) * p))) : [];
    const segProbs = withSegments ? predictGru(gru, singles) : new Float32Array(0);
    for (const { h, hi } of gruHeads) {
      const col = gru.tagIds.indexOf(h.tagId);
      if (col < 0) throw new Error(`the GRU has no output for tag ${h.tagId}`);
      song.forEach((row, i) => (row[hi] = songProbs[i * out + col]!));
      if (withSegments) scatter(segProbs, out, col, counts, segments, nHeads, hi);
    }
  }
  return { tagIds: heads.map((h) => h.tagId), song, segments };
}

function concat(arrays: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(arrays.reduce((s, a) => s + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Spreads a flat (all segments x stride) column back to per-track segment rows. */
function scatter(flat: Float32Array, stride: number, col: number, counts: readonly number[], into: Float32Array[], nHeads: number, hi: number): void {
  let at = 0;
  counts.forEach((s, i) => {
    for (let k = 0; k < s; k++) into[i]![k * nHeads + hi] = flat[(at + k) * stride + col]!;
    at += s;
  });
}
