import type { Rng } from './rng.js';

/**
 * Assigns tracks to k folds so that, for every tag of a group, its yes and
 * its no labels are spread as evenly as possible over the folds (greedy
 * multi-label stratification: rarest tag first; a track already placed by
 * an earlier tag stays where it is).
 *
 * `labels[t]` maps track id -> 0/1 for tag t. Returns track id -> fold.
 */
export function stratifiedFolds(labels: readonly ReadonlyMap<number, 0 | 1>[], k: number, rng: Rng): Map<number, number> {
  const fold = new Map<number, number>();
  const size = new Array<number>(k).fill(0);
  const minority = (m: ReadonlyMap<number, 0 | 1>) => {
    let yes = 0;
    for (const v of m.values()) yes += v;
    return Math.min(yes, m.size - yes);
  };
  const tagOrder = labels.map((m, i) => ({ i, n: minority(m) })).sort((a, b) => a.n - b.n || a.i - b.i);
  for (const { i } of tagOrder) {
    const m = labels[i]!;
    for (const cls of [1, 0] as const) {
      const count = new Array<number>(k).fill(0);
      const unplaced: number[] = [];
      for (const [track, v] of [...m].sort((a, b) => a[0] - b[0])) {
        if (v !== cls) continue;
        const f = fold.get(track);
        if (f === undefined) unplaced.push(track);
        else count[f]!++;
      }
      for (const track of rng.shuffle(unplaced)) {
        let best = 0;
        for (let f = 1; f < k; f++) {
          if (count[f]! < count[best]! || (count[f] === count[best] && size[f]! < size[best]!)) best = f;
        }
        fold.set(track, best);
        count[best]!++;
        size[best]!++;
      }
    }
  }
  return fold;
}
