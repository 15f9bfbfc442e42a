import { tf } from './tf-backend.js';
import { Rng } from './rng.js';
import { CancelledError } from '../core/errors.js';

/**
 * The sequence-to-one tag model: a GRU (reset gate applied after the
 * recurrent matrix, as in cuDNN / Keras 2) reads a song's projected segment
 * embeddings in order; its last state goes through dropout and one dense
 * layer with a sigmoid per user tag. One multi-label model for all tags;
 * the loss is masked so an unlabelled (track, tag) pair counts for nothing,
 * and class-weighted per tag so a rare "yes" is not drowned.
 *
 * Written with plain tfjs ops and variables rather than tf.layers so that
 * every random number is seeded, padding is masked exactly, and the weights
 * are plain Float32Arrays that cross threads and files unchanged.
 */
export interface GruWeights {
  readonly inputDim: number;
  readonly units: number;
  /** Tag ids, in the order of the output units. */
  readonly tagIds: readonly number[];
  readonly wx: Float32Array; // inputDim x 3*units (z, r, candidate)
  readonly wh: Float32Array; // units x 3*units
  readonly bx: Float32Array; // 3*units
  readonly bh: Float32Array; // 3*units
  readonly wo: Float32Array; // units x tags
  readonly bo: Float32Array; // tags
}

/** A song is read as at most this many segments, evenly spaced (training and prediction alike). */
export const MAX_GRU_STEPS = 8;

export interface GruData {
  /** Per song: its projected segments, (length x inputDim) row-major, in time order. */
  readonly seqs: readonly Float32Array[];
  /** Labels (0/1) and mask (1 = labelled), song-major, songs x tags. */
  readonly y: Float32Array;
  readonly mask: Float32Array;
}

/** What a GRU fit needs, as plain data (it crosses to a helper thread). */
export interface GruJob {
  readonly data: GruData;
  readonly tagIds: readonly number[];
  readonly inputDim: number;
  readonly options: Omit<GruOptions, 'signal' | 'onEpoch'>;
}

export interface GruOptions {
  readonly units?: number;
  readonly seed: number;
  readonly learningRate?: number;
  readonly batchSize?: number;
  /** Number of optimiser steps aimed at (epochs follow from the data size). */
  readonly targetUpdates?: number;
  readonly dropout?: number;
  readonly l2?: number;
  readonly signal?: AbortSignal;
  readonly onEpoch?: (epoch: number, epochs: number) => void;
}

/** Indices of at most `max` segments, evenly spaced from first to last. */
export function stepIndices(length: number, max: number = MAX_GRU_STEPS): number[] {
  if (length <= max) return Array.from({ length }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (length - 1)) / (max - 1)));
}

interface Batch {
  readonly x: Float32Array; // steps x batch x inputDim, left-padded
  readonly m: Float32Array; // steps x batch x 1
  readonly steps: number;
  /** Steps before this one have padding somewhere in the batch; from it on, no masking is needed. */
  readonly firstFull: number;
}

function makeBatch(seqs: readonly Float32Array[], idx: readonly number[], dim: number): Batch {
  const picks = idx.map((i) => {
    const s = seqs[i]!;
    return stepIndices(s.length / dim).map((k) => s.subarray(k * dim, (k + 1) * dim));
  });
  const steps = Math.max(1, ...picks.map((p) => p.length));
  const b = idx.length;
  const x = new Float32Array(steps * b * dim);
  const m = new Float32Array(steps * b);
  let minLen = steps;
  picks.forEach((p, j) => {
    minLen = Math.min(minLen, p.length);
    const pad = steps - p.length;
    p.forEach((row, k) => {
      x.set(row, ((pad + k) * b + j) * dim);
      m[(pad + k) * b + j] = 1;
    });
  });
  return { x, m, steps, firstFull: steps - minLen };
}

/**
 * Matrix product whose gradient transposes explicitly: the wasm backend's
 * matMul with a transposed operand is 4-10x slower than a transpose
 * followed by a plain product, and the default gradient uses the former.
 */
const mm = tf.customGrad<tf.Tensor2D>((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const a = args[0] as tf.Tensor2D;
  const b = args[1] as tf.Tensor2D;
  const save = args[2] as tf.GradSaveFunc;
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(dy, tf.transpose(saved[1] as tf.Tensor2D)), tf.matMul(tf.transpose(saved[0] as tf.Tensor2D), dy)],
  };
});

interface Vars {
  wx: tf.Variable;
  wh: tf.Variable;
  bx: tf.Variable;
  bh: tf.Variable;
  wo: tf.Variable;
  bo: tf.Variable;
}

/**
 * Splits [steps, b, k] into per-step [b, k] tensors. Not tf.unstack: its
 * gradient fails when there is a single step (songs of one segment).
 */
function splitSteps(t: tf.Tensor, steps: number, b: number, k: number): tf.Tensor2D[] {
  return Array.from({ length: steps }, (_, s) => tf.reshape(tf.slice(t, [s, 0, 0], [1, b, k]), [b, k]));
}

/** Final hidden states [batch, units] for a batch (inside a tidy). */
function run(v: Pick<Vars, 'wx' | 'wh' | 'bx' | 'bh'> | Record<'wx' | 'wh' | 'bx' | 'bh', tf.Tensor>, batch: Batch, b: number, dim: number, units: number, inputDropout: number, seed: number): tf.Tensor2D {
  let x: tf.Tensor = tf.tensor3d(batch.x, [batch.steps, b, dim]);
  if (inputDropout > 0) x = tf.dropout(x, inputDropout, undefined, seed);
  const xp = tf.add(mm(tf.reshape(x, [batch.steps * b, dim]), v.wx), v.bx).reshape([batch.steps, b, 3 * units]);
  const xzr = splitSteps(tf.slice(xp, [0, 0, 0], [batch.steps, b, 2 * units]), batch.steps, b, 2 * units);
  const xn = splitSteps(tf.slice(xp, [0, 0, 2 * units], [batch.steps, b, units]), batch.steps, b, units);
  const masks = batch.firstFull > 0 ? splitSteps(tf.tensor3d(batch.m, [batch.steps, b, 1]), batch.steps, b, 1) : [];
  let h: tf.Tensor2D = tf.zeros([b, units]);
  for (let t = 0; t < batch.steps; t++) {
    const hh = tf.add(mm(h, v.wh), v.bh);
    const zr = tf.sigmoid(tf.add(xzr[t]!, tf.slice(hh, [0, 0], [b, 2 * units])));
    const z = tf.slice(zr, [0, 0], [b, units]);
    const r = tf.slice(zr, [0, units], [b, units]);
    const cand = tf.tanh(tf.add(xn[t]!, tf.mul(r, tf.slice(hh, [0, 2 * units], [b, units]))));
    const next = tf.add<tf.Tensor2D>(cand, tf.mul(z, tf.sub(h, cand)));
    h = t < batch.firstFull ? tf.add<tf.Tensor2D>(h, tf.mul(masks[t]!, tf.sub(next, h))) : next;
  }
  return h;
}

/** Trains the multi-label GRU; returns its weights. Deterministic for a seed (and backend). */
export function trainGru(data: GruData, tagIds: readonly number[], inputDim: number, options: GruOptions): GruWeights {
  const units = options.units ?? 32;
  const nTags = tagIds.length;
  const n = data.seqs.length;
  if (n === 0 || nTags === 0) throw new Error('nothing to train the GRU on');
  const rng = Rng.derive(options.seed, 'gru');
  const batchSize = Math.min(options.batchSize ?? 64, n);
  const perEpoch = Math.ceil(n / batchSize);
  const epochs = Math.min(80, Math.max(4, Math.ceil((options.targetUpdates ?? 60) / perEpoch)));
  const dropout = options.dropout ?? 0.2;
  const l2 = options.l2 ?? 1e-3;

  // Balanced class weights per tag, over the labelled training songs.
  const cls = new Float32Array(2 * nTags);
  for (let t = 0; t < nTags; t++) {
    let pos = 0;
    let lab = 0;
    for (let i = 0; i < n; i++) {
      if (data.mask[i * nTags + t] === 1) {
        lab++;
        pos += data.y[i * nTags + t]!;
      }
    }
    cls[2 * t] = pos > 0 ? lab / (2 * pos) : 0;
    cls[2 * t + 1] = lab - pos > 0 ? lab / (2 * (lab - pos)) : 0;
  }
  const weightOf = (i: number, t: number): number => (data.mask[i * nTags + t] === 1 ? (data.y[i * nTags + t] === 1 ? cls[2 * t]! : cls[2 * t + 1]!) : 0);

  // tf.variable keeps its own copy: the initial tensors are disposed right away.
  const variable = (init: tf.Tensor): tf.Variable => {
    const out = tf.variable(init);
    init.dispose();
    return out;
  };
  const v: Vars = {
    wx: variable(tf.tensor2d(rng.glorot(inputDim, 3 * units), [inputDim, 3 * units])),
    wh: variable(tf.tensor2d(rng.glorot(units, 3 * units), [units, 3 * units])),
    bx: variable(tf.zeros([3 * units])),
    bh: variable(tf.zeros([3 * units])),
    wo: variable(tf.tensor2d(rng.glorot(units, nTags), [units, nTags])),
    bo: variable(tf.zeros([nTags])),
  };
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  try {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let epoch = 0; epoch < epochs; epoch++) {
      if (options.signal?.aborted) throw new CancelledError('training cancelled');
      rng.shuffle(order);
      for (let start = 0; start < n; start += batchSize) {
        const idx = order.slice(start, start + batchSize);
        const b = idx.length;
        const batch = makeBatch(data.seqs, idx, inputDim);
        const yb = new Float32Array(b * nTags);
        const wb = new Float32Array(b * nTags);
        idx.forEach((i, j) => {
          for (let t = 0; t < nTags; t++) {
            yb[j * nTags + t] = data.y[i * nTags + t]!;
            wb[j * nTags + t] = weightOf(i, t);
          }
        });
        let labelled = 0;
        for (const i of idx) for (let t = 0; t < nTags; t++) labelled += data.mask[i * nTags + t]!;
        const seedIn = rng.int();
        const seedOut = rng.int();
        const cost = optimizer.minimize(() => {
          const h = run(v, batch, b, inputDim, units, dropout / 2, seedIn);
          const logits = tf.add(mm(tf.dropout(h, dropout, undefined, seedOut), v.wo), v.bo);
          const y = tf.tensor2d(yb, [b, nTags]);
          // Stable binary cross-entropy from logits: max(l,0) - l*y + log(1 + exp(-|l|)).
          const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
          const data_ = tf.div(tf.sum(tf.mul(bce, tf.tensor2d(wb, [b, nTags]))), Math.max(1, labelled));
          const penalty = tf.mul(l2, tf.addN([tf.sum(tf.square(v.wx)), tf.sum(tf.square(v.wh)), tf.sum(tf.square(v.wo))]));
          return tf.add<tf.Scalar>(data_, penalty);
        }, false, [v.wx, v.wh, v.bx, v.bh, v.wo, v.bo]);
        cost?.dispose();
      }
      options.onEpoch?.(epoch + 1, epochs);
    }
    return {
      inputDim,
      units,
      tagIds: [...tagIds],
      wx: v.wx.dataSync() as Float32Array,
      wh: v.wh.dataSync() as Float32Array,
      bx: v.bx.dataSync() as Float32Array,
      bh: v.bh.dataSync() as Float32Array,
      wo: v.wo.dataSync() as Float32Array,
      bo: v.bo.dataSync() as Float32Array,
    };
  } finally {
    optimizer.dispose();
    for (const t of [v.wx, v.wh, v.bx, v.bh, v.wo, v.bo]) t.dispose();
  }
}

/**
 * Probabilities (songs x tags, row-major) for songs given as projected
 * segment sequences (read as at most MAX_GRU_STEPS evenly spaced segments).
 */
export function predictGru(w: GruWeights, seqs: readonly Float32Array[], batchSize = 512): Float32Array {
  const nTags = w.tagIds.length;
  const out = new Float32Array(seqs.length * nTags);
  const dim = w.inputDim;
  const units = w.units;
  const wt = {
    wx: tf.tensor2d(w.wx, [dim, 3 * units]),
    wh: tf.tensor2d(w.wh, [units, 3 * units]),
    bx: tf.tensor1d(w.bx),
    bh: tf.tensor1d(w.bh),
  };
  const wo = tf.tensor2d(w.wo, [units, nTags]);
  const bo = tf.tensor1d(w.bo);
  try {
    // Songs of the same length batch together without padding work.
    const steps = (i: number) => Math.min(MAX_GRU_STEPS, seqs[i]!.length / dim);
    const order = Array.from({ length: seqs.length }, (_, i) => i).sort((a, b) => steps(a) - steps(b) || a - b);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const batch = makeBatch(seqs, idx, dim);
      const probs = tf.tidy(() => tf.sigmoid(tf.add(tf.matMul(run(wt, batch, idx.length, dim, units, 0, 0), wo), bo)).dataSync());
      idx.forEach((i, j) => { out.set(probs.subarray(j * nTags, (j + 1) * nTags), i * nTags); });
    }
  } finally {
    for (const t of [wt.wx, wt.wh, wt.bx, wt.bh, wo, bo]) t.dispose();
  }
  return out;
}
