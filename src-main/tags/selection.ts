/**
 * Which candidate a tag uses: the baseline unless the GRU is better by more
 * than cross-validation noise. A plain "higher mean CV PR-AUC wins" picks the
 * GRU on luck with a handful of labels (folds of 3 or 4 tracks give very noisy
 * scores), and the GRU then predicts worse on the rest of the library
 * (bench:tags measured the choice below the baseline alone at k = 8). This is
 * the one-standard-error rule of CV model selection (Hastie, Tibshirani and
 * Friedman, ESL 7.10): keep the simpler model unless the richer one's paired,
 * fold-by-fold advantage exceeds its standard error (and a small floor).
 */
import { prAuc } from './metrics.js';
import type { ModelKind } from './types.js';

/** The GRU must beat the baseline's CV PR-AUC by at least this much, even with very consistent folds. */
export const GRU_MARGIN = 0.01;

export interface FoldAdvantage {
  /** Mean over folds of (GRU PR-AUC - baseline PR-AUC). */
  readonly mean: number;
  /** Standard error of that mean (sample standard deviation / sqrt(folds)); Infinity with fewer than 2 usable folds. */
  readonly standardError: number;
  /** Folds with both classes, the ones that count. */
  readonly folds: number;
}

/**
 * The GRU's paired advantage over the baseline, fold by fold, from out-of-fold
 * scores. `ids` are the labelled tracks; `fold` says which fold held each out.
 */
export function foldAdvantage(
  ids: readonly number[],
  label: (id: number) => 0 | 1,
  fold: (id: number) => number,
  gruScore: (id: number) => number,
  baselineScore: (id: number) => number,
): FoldAdvantage {
  const byFold = new Map<number, number[]>();
  for (const id of ids) {
    const f = fold(id);
    const members = byFold.get(f);
    if (members) members.push(id);
    else byFold.set(f, [id]);
  }
  const diffs: number[] = [];
  for (const members of byFold.values()) {
    const y = members.map(label);
    const g = prAuc(members.map(gruScore), y);
    const b = prAuc(members.map(baselineScore), y);
    // A fold without positives has no PR-AUC; stratified folds rarely lack one.
    if (g !== null && b !== null) diffs.push(g - b);
  }
  const n = diffs.length;
  if (n === 0) return { mean: 0, standardError: Infinity, folds: 0 };
  const mean = diffs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, standardError: Infinity, folds: n };
  const variance = diffs.reduce((a, d) => a + (d - mean) ** 2, 0) / (n - 1);
  return { mean, standardError: Math.sqrt(variance / n), folds: n };
}

/** The GRU only when its advantage is larger than both its standard error and GRU_MARGIN. */
export function chooseModel(advantage: FoldAdvantage | null): ModelKind {
  if (advantage === null) return 'logreg';
  return advantage.mean > Math.max(GRU_MARGIN, advantage.standardError) ? 'gru' : 'logreg';
}
