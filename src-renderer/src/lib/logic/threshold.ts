/**
 * How many tracks a threshold admits, for the threshold slider: with the
 * probabilities sorted ascending, a binary search gives the count at every
 * slider position without rescanning.
 */
export function sortAscending(probabilities: ArrayLike<number>): Float64Array {
  const a = Float64Array.from(probabilities);
  a.sort();
  return a;
}

/** Number of values >= threshold in an ascending array. */
export function countAtOrAbove(sortedAsc: ArrayLike<number>, threshold: number): number {
  let lo = 0;
  let hi = sortedAsc.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedAsc[mid]! < threshold) lo = mid + 1;
    else hi = mid;
  }
  return sortedAsc.length - lo;
}

/** Counts from a histogram of probabilities (bins over [0, 1]), as the server may send instead of raw values. */
export function countFromHistogram(bins: readonly number[], threshold: number): number {
  const n = bins.length;
  if (n === 0) return 0;
  const first = Math.min(n, Math.max(0, Math.ceil(threshold * n - 1e-9)));
  let sum = 0;
  for (let i = first; i < n; i++) sum += bins[i]!;
  return sum;
}
