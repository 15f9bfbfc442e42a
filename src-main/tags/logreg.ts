/**
 * The baseline tag model: L2-regularised logistic regression on a song's
 * mean projected embedding, with balanced class weights. Objective (as
 * scikit-learn's with C): sum_i c_i * logloss_i + ||w||^2 / (2C), bias not
 * penalised. Solved by Newton's method with step halving: exact,
 * deterministic, and fast at the small dimension of the projection.
 */
export interface LogReg {
  readonly weights: Float32Array;
  readonly bias: number;
}

export interface LogRegOptions {
  /** Inverse regularisation strength (default 1). */
  readonly c?: number;
  readonly maxIterations?: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const logLoss = (z: number, y: number): number => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));

/** Balanced class weights: each class carries half of the total weight. */
export function balancedWeights(y: ArrayLike<number>): { yes: number; no: number } {
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  return { yes: pos > 0 ? y.length / (2 * pos) : 0, no: neg > 0 ? y.length / (2 * neg) : 0 };
}

/** Fits on rows x (n x dim, row-major) with labels y (0/1). */
export function fitLogReg(x: Float32Array, y: ArrayLike<number>, dim: number, options: LogRegOptions = {}): LogReg {
  const n = y.length;
  const lambda = 1 / (options.c ?? 1);
  const cw = balancedWeights(y);
  const ci = Float64Array.from({ length: n }, (_, i) => (y[i] === 1 ? cw.yes : cw.no));
  const m = dim + 1; // last coefficient: the bias
  const beta = new Float64Array(m);
  const objective = (b: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) f += ci[i]! * logLoss(score(x, i, dim, b), y[i]!);
    for (let d = 0; d < dim; d++) f += (lambda / 2) * b[d]! ** 2;
    return f;
  };
  let fCur = objective(beta);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  for (let it = 0; it < (options.maxIterations ?? 50); it++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(score(x, i, dim, beta));
      const g = ci[i]! * (p - y[i]!);
      const h = ci[i]! * Math.max(p * (1 - p), 1e-12);
      const row = i * dim;
      for (let a = 0; a < m; a++) {
        const xa = a < dim ? x[row + a]! : 1;
        grad[a]! += g * xa;
        const ha = h * xa;
        for (let b = a; b < m; b++) hess[a * m + b]! += ha * (b < dim ? x[row + b]! : 1);
      }
    }
    for (let d = 0; d < dim; d++) {
      grad[d]! += lambda * beta[d]!;
      hess[d * m + d]! += lambda;
    }
    hess[dim * m + dim]! += 1e-8; // keeps the bias direction solvable when one class is absent
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[a * m + b] = hess[b * m + a]!;
    const step = choleskySolve(hess, grad, m);
    let t = 1;
    let next = beta;
    let fNext = fCur;
    for (let halvings = 0; halvings < 30; halvings++) {
      const cand = Float64Array.from(beta, (v, j) => v - t * step[j]!);
      const fc = objective(cand);
      if (fc <= fCur) {
        next = cand;
        fNext = fc;
        break;
      }
      t /= 2;
    }
    const improvement = fCur - fNext;
    beta.set(next);
    fCur = fNext;
    if (improvement <= 1e-10 * Math.max(1, Math.abs(fCur))) break;
  }
  return { weights: Float32Array.from(beta.subarray(0, dim)), bias: beta[dim]! };
}

function score(x: Float32Array, i: number, dim: number, b: ArrayLike<number>): number {
  let s = b[dim]!;
  const row = i * dim;
  for (let d = 0; d < dim; d++) s += x[row + d]! * b[d]!;
  return s;
}

/** Probabilities for rows x (n x dim). */
export function predictLogReg(model: LogReg, x: Float32Array, dim: number): Float32Array {
  const n = Math.floor(x.length / dim);
  const out = new Float32Array(n);
  const beta = new Float64Array(dim + 1);
  beta.set(model.weights);
  beta[dim] = model.bias;
  for (let i = 0; i < n; i++) out[i] = sigmoid(score(x, i, dim, beta));
  return out;
}

/** Solves H s = g for symmetric positive definite H (m x m). */
function choleskySolve(h: Float64Array, g: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = h[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      if (i === j) l[i * m + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * m + j] = s / l[j * m + j]!;
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = g[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * z[k]!;
    z[i] = s / l[i * m + i]!;
  }
  const out = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * out[k]!;
    out[i] = s / l[i * m + i]!;
  }
  return out;
}
