/** Song-level summaries of per-segment outputs. */

export interface SongSummary {
  /** Mean of each tag's probability over the segments. */
  readonly tagsMean: Float32Array;
  /** Max of each tag's probability over the segments: a tag strong in one passage only. */
  readonly tagsMax: Float32Array;
  /** Mean of the segment embeddings. */
  readonly embeddingMean: Float32Array;
}

/**
 * Summarises packed rows (row i = values[i * width .. (i + 1) * width)).
 * Sums in float64 so long songs do not lose precision.
 */
export function meanAndMax(values: Float32Array, rows: number, width: number): { mean: Float32Array; max: Float32Array } {
  if (rows <= 0) throw new Error('cannot summarise zero segments');
  if (values.length !== rows * width) throw new Error(`expected ${rows} x ${width} values, got ${values.length}`);
  const sum = new Float64Array(width);
  const max = new Float32Array(width).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const v = values[base + c]!;
      sum[c]! += v;
      if (v > max[c]!) max[c] = v;
    }
  }
  const mean = new Float32Array(width);
  for (let c = 0; c < width; c++) mean[c] = sum[c]! / rows;
  return { mean, max };
}

export function summariseSong(probs: Float32Array, embeddings: Float32Array, segmentCount: number, nTags: number, embeddingDim: number): SongSummary {
  const tags = meanAndMax(probs, segmentCount, nTags);
  const emb = meanAndMax(embeddings, segmentCount, embeddingDim);
  return { tagsMean: tags.mean, tagsMax: tags.max, embeddingMean: emb.mean };
}
