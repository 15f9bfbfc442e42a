/**
 * Quality measures over scores and 0/1 labels. Ties are handled as groups,
 * so a constant predictor gets ROC-AUC 0.5 whatever the order of the data.
 */

function order(scores: ArrayLike<number>): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  return idx.sort((a, b) => scores[b]! - scores[a]! || a - b);
}

/** Area under the ROC curve (Mann-Whitney with tied ranks); null without both classes. */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const idx = order(scores);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos++; else neg++;
  if (pos === 0 || neg === 0) return null;
  // Walk from the highest score down: each negative is beaten by the positives above it, half by ties.
  let posAbove = 0;
  let sum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    let p = 0;
    let n = 0;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) {
      if (labels[idx[j]!] === 1) p++; else n++;
      j++;
    }
    sum += n * (posAbove + p / 2);
    posAbove += p;
    i = j;
  }
  return sum / (pos * neg);
}

/** Average precision (area under the precision-recall curve, step-wise); null without positives. */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number | null {
  const idx = order(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos++;
  if (pos === 0) return null;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    let p = 0;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) {
      if (labels[idx[j]!] === 1) p++;
      j++;
    }
    tp += p;
    seen += j - i;
    ap += (p / pos) * (tp / seen);
    i = j;
  }
  return ap;
}

export interface ThresholdChoice {
  /** Predict yes when probability >= threshold. */
  readonly threshold: number;
  readonly f1: number;
}

/**
 * The threshold that maximises F1 over (out-of-fold) scores. It is placed
 * half way between the lowest score predicted yes and the next score below,
 * so a model trained on all labels, whose scores move a little, is not cut
 * exactly at a training score.
 */
export function bestF1Threshold(scores: ArrayLike<number>, labels: ArrayLike<number>): ThresholdChoice {
  const idx = order(scores);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) pos++;
  if (pos === 0 || idx.length === 0) return { threshold: 0.5, f1: 0 };
  let best = { threshold: 0.5, f1: -1 };
  let tp = 0;
  let predicted = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) {
      if (labels[idx[j]!] === 1) tp++;
      predicted++;
      j++;
    }
    const f1 = (2 * tp) / (predicted + pos);
    if (f1 > best.f1) {
      const here = scores[idx[i]!]!;
      const below = j < idx.length ? scores[idx[j]!]! : Math.max(0, here - 0.05);
      best = { threshold: (here + below) / 2, f1 };
    }
    i = j;
  }
  return best;
}

/** F1 of predicting yes at scores >= threshold. */
export function f1At(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const yes = scores[i]! >= threshold;
    if (labels[i] === 1) {
      if (yes) tp++; else fn++;
    } else if (yes) fp++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}
