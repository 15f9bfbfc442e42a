/**
 * The forward pass of Choi et al.'s CRNN written directly with TensorFlow.js
 * ops (no LayersModel: the Keras 1 quirks below do not map onto tfjs layers
 * faithfully). Input NHWC [N, mels, frames, 1]; see SOURCE.md beside the
 * weights for the traps this follows:
 *
 * - zero padding of 37 frames on each side in time, then a batch-norm whose
 *   parameters are per TIME column (1440), not per mel band;
 * - batch-norm "running_std" is a variance, epsilon 1e-3;
 * - 4 blocks of 3x3 'same' conv, batch-norm, ELU, max-pool 2/3/4/4;
 * - two Keras 1 GRUs (gates z, r, h; hard sigmoid; reset applied to the
 *   previous state before the recurrent kernel), the first returning the
 *   sequence, the second its last state; dense 50 with sigmoid.
 *
 * Speed (the conv stack is ~6.5 GFLOP per segment): each batch-norm after a
 * conv is folded into the conv's kernel and bias once at load (in float64),
 * so a block is one fused conv+bias; the ELU runs after the max-pool, which
 * gives the same numbers (ELU is monotonic, so it commutes with max) on
 * 4-16x fewer values; the per-block means of the embedding are global
 * average pools (far cheaper on wasm than tf.mean). With `conv: 'winograd'`
 * the blocks whose channels fit (2-4) run on the Winograd WebAssembly kernel
 * (winograd/), 3-4x faster than tfjs-wasm's direct convolution; block 1
 * (one input channel, 2% of the work) stays on tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { EarmarkError } from '../core/errors.js';
import { BN_EPSILON, CONV_CHANNELS, GRU_UNITS, POOL_SIZES, expectedWeights, paddedFrames, type StoredWeight } from './crnn-weights.js';
import type { ModelManifest } from './manifest.js';
import { createWinogradConv, winogradFits, type Conv3x3Layer } from './winograd/winograd-conv.js';

/** How the 3x3 convolutions run: tfjs's own conv2d, or the Winograd kernel where the shapes fit. */
export type ConvKernel = 'tfjs' | 'winograd';

// A type alias (not an interface) so it is a TensorContainer for tf.tidy.
export type CrnnOutputs = {
  /** [N, tags] sigmoid probabilities. */
  readonly probs: tf.Tensor2D;
  /** [N, embeddingDim], see embeddingParts. */
  readonly embedding: tf.Tensor2D;
};

export interface CrnnGraph {
  readonly nTags: number;
  readonly embeddingDim: number;
  /** Sizes of the embedding's parts, in order: gru2 state, then each conv block's mean. */
  readonly embeddingParts: readonly number[];
  /** x: [N, mels, frames, 1] log-mel dB. Call inside tf.tidy; returns new tensors. */
  forward(x: tf.Tensor4D): CrnnOutputs;
  /** Which conv blocks (1-based) run on the Winograd kernel; empty with conv 'tfjs'. */
  readonly winogradBlocks: readonly number[];
  dispose(): void;
}

interface ConvBlock {
  readonly kernel: tf.Tensor4D;
  readonly bias: tf.Tensor1D;
  readonly pool: number;
  /** Set when this block runs on the Winograd kernel instead of tf.fused.conv2d. */
  readonly winograd: Conv3x3Layer | null;
}

/** The block through the Winograd kernel: the tensor's values out, each image convolved, a new tensor in. */
function winogradConv(h: tf.Tensor4D, layer: Conv3x3Layer): tf.Tensor4D {
  const [n, height, width, cin] = h.shape;
  const { cout } = layer.spec;
  const x = h.dataSync() as Float32Array;
  const inSize = height * width * cin;
  const outSize = height * width * cout;
  if (n === 1 && tf.getBackend() === 'wasm') {
    // tfjs-wasm copies a new tensor's values into its own heap at once, so the kernel's
    // output view can go in as it is (other backends may keep the array: they get a copy).
    return tf.tensor4d(layer.run(x), [n, height, width, cout]);
  }
  const out = new Float32Array(n * outSize);
  for (let i = 0; i < n; i++) out.set(layer.run(x.subarray(i * inSize, (i + 1) * inSize)), i * outSize);
  return tf.tensor4d(out, [n, height, width, cout]);
}

interface GruParams {
  /** [in, 3*units]: input kernels of z, r, h side by side. */
  readonly w: tf.Tensor2D;
  /** [3*units] */
  readonly b: tf.Tensor1D;
  /** [units, 2*units]: recurrent kernels of z and r. */
  readonly uzr: tf.Tensor2D;
  /** [units, units] */
  readonly uh: tf.Tensor2D;
}

const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;

/** gamma / sqrt(variance + eps) and beta - mean * scale, in float64. */
function bnScaleOffset(get: (n: string) => Float32Array, prefix: string): { scale: Float64Array; offset: Float64Array } {
  const gamma = get(`${prefix}/gamma`);
  const beta = get(`${prefix}/beta`);
  const mean = get(`${prefix}/moving_mean`);
  const variance = get(`${prefix}/moving_variance`);
  const scale = new Float64Array(gamma.length);
  const offset = new Float64Array(gamma.length);
  for (let i = 0; i < gamma.length; i++) {
    scale[i] = gamma[i]! / Math.sqrt(variance[i]! + BN_EPSILON);
    offset[i] = beta[i]! - mean[i]! * scale[i]!;
  }
  return { scale, offset };
}

/**
 * Builds the graph's tensors from stored weights, checking them against the
 * manifest first ("expected X, got Y"; `where` names the model file).
 */
export function buildCrnnGraph(manifest: ModelManifest, weights: ReadonlyMap<string, StoredWeight>, where: string, conv: ConvKernel = 'tfjs'): CrnnGraph {
  const poolProduct = POOL_SIZES.reduce((a, b) => a * b, 1);
  const frames = paddedFrames(manifest);
  if (manifest.input.nMels !== poolProduct) throw new EarmarkError('bad_model', `${where}: expected ${poolProduct} mel bands, got ${manifest.input.nMels}`);
  for (const spec of expectedWeights(manifest)) {
    const w = weights.get(spec.name);
    if (w === undefined) throw new EarmarkError('bad_model', `${where}: weight ${spec.name} missing`);
    const ok = w.shape.length === spec.shape.length && w.shape.every((v, i) => v === spec.shape[i]);
    if (!ok) {
      if (spec.name === 'output/kernel') throw new EarmarkError('bad_model', `${where}: expected ${manifest.tags.length} tags, got ${w.shape[1] ?? '?'} (output layer ${fmt(w.shape)})`);
      if (spec.name.startsWith('bn0/')) throw new EarmarkError('bad_model', `${where}: expected input of ${frames} padded frames, got ${w.shape[0] ?? '?'}`);
      throw new EarmarkError('bad_model', `${where}: ${spec.name}: expected shape ${fmt(spec.shape)}, got ${fmt(w.shape)}`);
    }
  }
  if (frames % poolProduct !== 0) throw new EarmarkError('bad_model', `${where}: expected padded frames divisible by ${poolProduct}, got ${frames}`);
  const get = (n: string): Float32Array => weights.get(n)!.data;
  const owned: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(t);
    return t;
  };

  const bn0 = bnScaleOffset(get, 'bn0');
  const bn0Scale = keep(tf.tensor4d(Float32Array.from(bn0.scale), [1, 1, frames, 1]));
  const bn0Offset = keep(tf.tensor4d(Float32Array.from(bn0.offset), [1, 1, frames, 1]));

  const blocks: ConvBlock[] = CONV_CHANNELS.map((cout, i) => {
    const { scale, offset } = bnScaleOffset(get, `bn${i + 1}`);
    const k = get(`conv${i + 1}/kernel`);
    const shape = weights.get(`conv${i + 1}/kernel`)!.shape as [number, number, number, number];
    const folded = new Float32Array(k.length);
    // HWIO: the output channel is the fastest-moving index.
    for (let j = 0; j < k.length; j++) folded[j] = k[j]! * scale[j % cout]!;
    const b = get(`conv${i + 1}/bias`);
    const bias = new Float32Array(cout);
    for (let o = 0; o < cout; o++) bias[o] = b[o]! * scale[o]! + offset[o]!;
    // The block's input size: the mel bands and padded frames after the pools before it.
    const before = POOL_SIZES.slice(0, i).reduce((a, p) => a * p, 1);
    const cin = shape[2];
    const winograd =
      conv === 'winograd' && winogradFits(cin, cout)
        ? createWinogradConv({ height: Math.floor(manifest.input.nMels / before), width: Math.floor(frames / before), cin, cout, filter: folded, bias })
        : null;
    return { kernel: keep(tf.tensor4d(folded, shape)), bias: keep(tf.tensor1d(bias)), pool: POOL_SIZES[i]!, winograd };
  });

  const gru = (name: string): GruParams => {
    const cat = (parts: readonly string[], rows: number): Float32Array => {
      const cols = GRU_UNITS * parts.length;
      const out = new Float32Array(rows * cols);
      parts.forEach((p, k) => {
        const src = get(`${name}/${p}`);
        for (let r = 0; r < rows; r++) for (let c = 0; c < GRU_UNITS; c++) out[r * cols + k * GRU_UNITS + c] = src[r * GRU_UNITS + c]!;
      });
      return out;
    };
    const inDim = weights.get(`${name}/W_z`)!.shape[0]!;
    return {
      w: keep(tf.tensor2d(cat(['W_z', 'W_r', 'W_h'], inDim), [inDim, 3 * GRU_UNITS])),
      b: keep(tf.tensor1d(cat(['b_z', 'b_r', 'b_h'], 1))),
      uzr: keep(tf.tensor2d(cat(['U_z', 'U_r'], GRU_UNITS), [GRU_UNITS, 2 * GRU_UNITS])),
      uh: keep(tf.tensor2d(get(`${name}/U_h`), [GRU_UNITS, GRU_UNITS])),
    };
  };
  const gru1 = gru('gru1');
  const gru2 = gru('gru2');
  const outKernel = keep(tf.tensor2d(get('output/kernel'), [GRU_UNITS, manifest.tags.length]));
  const outBias = keep(tf.tensor1d(get('output/bias')));
  const pad = manifest.input.timePadFrames;
  const embeddingParts = [GRU_UNITS, ...CONV_CHANNELS];
  const partScale = 1 / Math.sqrt(embeddingParts.length);

  const hardSigmoid = (x: tf.Tensor): tf.Tensor => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);

  /** Keras 1 GRU over [N, T, in]; returns every state [N, T, units] or the last [N, units]. */
  const runGru = (seq: tf.Tensor3D, p: GruParams, returnSequences: boolean): tf.Tensor => {
    const [n, steps, inDim] = seq.shape;
    const xProj = tf.reshape(tf.add(tf.matMul(tf.reshape(seq, [n * steps, inDim]), p.w), p.b), [n, steps, 3 * GRU_UNITS]);
    const xs = tf.unstack(xProj, 1);
    let h: tf.Tensor = tf.zeros([n, GRU_UNITS]);
    const states: tf.Tensor[] = [];
    for (const xt of xs) {
      const [xz, xr, xh] = tf.split(xt, 3, 1) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [hz, hr] = tf.split(tf.matMul(h, p.uzr), 2, 1) as [tf.Tensor, tf.Tensor];
      const z = hardSigmoid(tf.add(xz, hz));
      const r = hardSigmoid(tf.add(xr, hr));
      const candidate = tf.tanh(tf.add(xh, tf.matMul(tf.mul(r, h), p.uh)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
      if (returnSequences) states.push(h);
    }
    return returnSequences ? tf.stack(states, 1) : h;
  };

  const l2 = (x: tf.Tensor2D): tf.Tensor2D => tf.div<tf.Tensor2D>(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24)));

  return {
    nTags: manifest.tags.length,
    embeddingDim: embeddingParts.reduce((a, b) => a + b, 0),
    embeddingParts,
    winogradBlocks: blocks.flatMap((b, i) => (b.winograd ? [i + 1] : [])),
    forward(x: tf.Tensor4D): CrnnOutputs {
      const n = x.shape[0];
      let h: tf.Tensor4D = tf.pad(x, [[0, 0], [0, 0], [pad, pad], [0, 0]]);
      h = tf.add(tf.mul(h, bn0Scale), bn0Offset);
      const blockMeans: tf.Tensor2D[] = [];
      for (const b of blocks) {
        h = b.winograd ? winogradConv(h, b.winograd) : tf.fused.conv2d({ x: h, filter: b.kernel, bias: b.bias, strides: 1, pad: 'same' });
        h = tf.elu(tf.maxPool(h, b.pool, b.pool, 'valid'));
        // A global average pool, not tf.mean: on wasm the mean over the two
        // spatial axes transposes first and costs ~45 ms on block 1, the pool ~2 ms.
        blockMeans.push(tf.reshape<tf.Rank.R2>(tf.avgPool(h, [h.shape[1], h.shape[2]], 1, 'valid'), [n, h.shape[3]]));
      }
      // [N, 1, steps, channels]: the time steps become the GRU's sequence.
      const seq = tf.reshape<tf.Rank.R3>(h, [n, h.shape[2], h.shape[3]]);
      const s1 = runGru(seq, gru1, true) as tf.Tensor3D;
      const s2 = runGru(s1, gru2, false) as tf.Tensor2D;
      const probs = tf.sigmoid(tf.add<tf.Tensor2D>(tf.matMul(s2, outKernel), outBias));
      const embedding = tf.mul<tf.Tensor2D>(tf.concat([s2, ...blockMeans].map(l2), 1), partScale);
      return { probs, embedding };
    },
    dispose(): void {
      for (const t of owned.splice(0)) t.dispose();
    },
  };
}
