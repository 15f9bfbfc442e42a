import { Rng } from './rng.js';
import { tf } from './tf-backend.js';

/**
 * The shared input transform of both tag models: each embedding dimension
 * standardised, then projected on the top principal components of the
 * library's segment embeddings, each scaled to unit variance (whitening).
 * It is fitted without labels, on a sample of every analysed segment, so it
 * leaks nothing from held-out folds and keeps the models small.
 *
 * Stored as one affine map: y = x * matrix + offset (matrix is D x P, row-major).
 */
export interface Projection {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly matrix: Float32Array;
  readonly offset: Float32Array;
}

export const DEFAULT_COMPONENTS = 64;

/** Fits the projection on `rows` (n x dim, row-major). */
export function fitProjection(rows: Float32Array, dim: number, components: number, seed: number): Projection {
  const n = Math.floor(rows.length / dim);
  if (n < 2) throw new Error(`need at least 2 segment embeddings to fit the input projection, got ${n}`);
  // Whitening p components needs many more samples than p: n points whitened
  // in n - 1 dimensions are all equally far apart (a simplex), which erases
  // exactly what a small library's labels should learn from. So keep at
  // least 10 samples per component.
  const p = Math.max(1, Math.min(components, dim, n - 1, Math.floor(n / 10)));
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) mean[d]! += rows[i * dim + d]!;
  for (let d = 0; d < dim; d++) mean[d]! /= n;
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) {
      const v = rows[i * dim + d]! - mean[d]!;
      sd[d]! += v * v;
    }
  }
  // A constant dimension carries nothing: give it unit scale instead of dividing by zero.
  for (let d = 0; d < dim; d++) sd[d] = Math.sqrt(sd[d]! / (n - 1)) || 1;
  // Covariance of the standardised data (dim x dim), one float32 matrix product on the tfjs backend.
  const z = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) for (let d = 0; d < dim; d++) z[i * dim + d] = (rows[i * dim + d]! - mean[d]!) / sd[d]!;
  const cov = Float64Array.from(
    take(
      tf.tidy(() => {
        const zt = tf.tensor2d(z, [n, dim]);
        // An explicit transpose: wasm's matMul with transposeA is an order of magnitude slower.
        return tf.div(tf.matMul(tf.transpose(zt), zt), n - 1);
      }),
    ),
  );
  const { vectors, values } = topEigen(cov, dim, p, seed);
  const floor = Math.max(1e-6, (values[0] ?? 1) * 1e-4);
  const matrix = new Float32Array(dim * p);
  const offset = new Float32Array(p);
  for (let j = 0; j < p; j++) {
    const scale = 1 / Math.sqrt(Math.max(values[j]!, floor));
    let off = 0;
    for (let d = 0; d < dim; d++) {
      const w = (vectors[d * p + j]! / sd[d]!) * scale;
      matrix[d * p + j] = w;
      off -= mean[d]! * w;
    }
    offset[j] = off;
  }
  return { inputDim: dim, outputDim: p, matrix, offset };
}

/**
 * Top-p eigenpairs of a symmetric matrix by orthogonal (subspace) iteration
 * with a final Rayleigh-Ritz step; deterministic for a seed.
 */
function topEigen(a: Float64Array, dim: number, p: number, seed: number): { vectors: Float64Array; values: Float64Array } {
  const rng = Rng.derive(seed, 'pca');
  let q: Float64Array = new Float64Array(dim * p);
  for (let i = 0; i < q.length; i++) q[i] = rng.next() - 0.5;
  orthonormalise(q, dim, p);
  const iterations = 30;
  for (let it = 0; it < iterations; it++) {
    q = symTimes(a, q, dim, p);
    orthonormalise(q, dim, p);
  }
  // Rayleigh-Ritz: diagonalise the small p x p matrix Q^T A Q (Jacobi) and rotate Q.
  const aq = symTimes(a, q, dim, p);
  const small = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let d = 0; d < dim; d++) s += q[d * p + i]! * aq[d * p + j]!;
      small[i * p + j] = s;
    }
  }
  const { values, vectors: rot } = jacobiEigen(small, p);
  const orderIdx = Array.from({ length: p }, (_, i) => i).sort((x, y) => values[y]! - values[x]!);
  const vectors = new Float64Array(dim * p);
  const sortedValues = new Float64Array(p);
  for (let jj = 0; jj < p; jj++) {
    const j = orderIdx[jj]!;
    sortedValues[jj] = values[j]!;
    for (let d = 0; d < dim; d++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += q[d * p + i]! * rot[i * p + j]!;
      vectors[d * p + jj] = s;
    }
  }
  return { vectors, values: sortedValues };
}

function symTimes(a: Float64Array, q: Float64Array, dim: number, p: number): Float64Array {
  return Float64Array.from(take(tf.tidy(() => tf.matMul(tf.tensor2d(Float32Array.from(a), [dim, dim]), tf.tensor2d(Float32Array.from(q), [dim, p])))));
}

/** Reads a tensor's values and disposes it. */
function take(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Modified Gram-Schmidt on the p columns of a dim x p matrix. */
function orthonormalise(q: Float64Array, dim: number, p: number): void {
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < j; i++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += q[d * p + i]! * q[d * p + j]!;
      for (let d = 0; d < dim; d++) q[d * p + j]! -= dot * q[d * p + i]!;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += q[d * p + j]! ** 2;
    norm = Math.sqrt(norm);
    if (norm < 1e-12) {
      // A degenerate column (rank-deficient data): replace it by a unit vector.
      for (let d = 0; d < dim; d++) q[d * p + j] = d === j % dim ? 1 : 0;
      j--;
      continue;
    }
    for (let d = 0; d < dim; d++) q[d * p + j]! /= norm;
  }
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix. */
function jacobiEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off < 1e-20) break;
    for (let pI = 0; pI < n; pI++) {
      for (let qI = pI + 1; qI < n; qI++) {
        const apq = a[pI * n + qI]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[qI * n + qI]! - a[pI * n + pI]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + pI]!;
          const akq = a[k * n + qI]!;
          a[k * n + pI] = c * akp - s * akq;
          a[k * n + qI] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[pI * n + k]!;
          const aqk = a[qI * n + k]!;
          a[pI * n + k] = c * apk - s * aqk;
          a[qI * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + pI]!;
          const vkq = v[k * n + qI]!;
          v[k * n + pI] = c * vkp - s * vkq;
          v[k * n + qI] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/**
 * Applies the projection to `count` rows (count x inputDim) into a new
 * count x outputDim array: one matrix product on the tfjs backend (the
 * caller has awaited ensureTagBackend).
 */
export function project(proj: Projection, rows: Float32Array, count: number = rows.length / proj.inputDim): Float32Array {
  if (count === 0) return new Float32Array(0);
  return take(
    tf.tidy(() =>
      tf.add(tf.matMul(tf.tensor2d(rows.subarray(0, count * proj.inputDim), [count, proj.inputDim]), tf.tensor2d(proj.matrix, [proj.inputDim, proj.outputDim])), tf.tensor1d(proj.offset)),
    ),
  );
}

/** Projects many songs (each segments x inputDim) in one product; returns views per song. */
export function projectMany(proj: Projection, raws: readonly Float32Array[]): Float32Array[] {
  const total = raws.reduce((s, r) => s + r.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const r of raws) {
    all.set(r, at);
    at += r.length;
  }
  const out = project(proj, all);
  const p = proj.outputDim;
  let row = 0;
  return raws.map((r) => {
    const s = r.length / proj.inputDim;
    const view = out.subarray(row * p, (row + s) * p);
    row += s;
    return view;
  });
}
