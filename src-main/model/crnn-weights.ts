/**
 * The weights of the CRNN in Earmark's stored form, and their conversion
 * from the Keras 1 file. The stored form keeps the original parameters (no
 * folding), renamed for what they are and laid out for NHWC TensorFlow.js:
 *
 *   bn0/{gamma,beta,moving_mean,moving_variance}   [T]  T = frames + 2 * pad (per TIME column)
 *   conv{1-4}/kernel [3,3,in,out]  conv{1-4}/bias [out]
 *   bn{1-4}/{gamma,beta,moving_mean,moving_variance} [out]
 *   gru{1,2}/{W,U,b}_{z,r,h}   [in,32] [32,32] [32]
 *   output/kernel [32,tags]  output/bias [tags]
 *
 * Keras 1 called the variance `running_std` (it is used as a variance with
 * epsilon 1e-3); here it is `moving_variance`. Conv kernels arrive as
 * (out, in, kh, kw) cross-correlation kernels and are transposed to
 * (kh, kw, in, out).
 */
import { EarmarkError } from '../core/errors.js';
import type { KerasWeight } from './keras-h5.js';
import type { ModelManifest } from './manifest.js';

export const CONV_CHANNELS = [64, 128, 128, 128] as const;
/** Max-pool size (and stride) after each conv block, in both directions. */
export const POOL_SIZES = [2, 3, 4, 4] as const;
export const KERNEL_SIZE = 3;
export const GRU_UNITS = 32;
/** Keras 1 BatchNormalization's default epsilon. */
export const BN_EPSILON = 1e-3;

export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface StoredWeight extends WeightSpec {
  readonly data: Float32Array;
}

const BN_PARAMS = ['gamma', 'beta', 'moving_mean', 'moving_variance'] as const;
const GRU_PARAMS = ['W_z', 'U_z', 'b_z', 'W_r', 'U_r', 'b_r', 'W_h', 'U_h', 'b_h'] as const;

/** Columns the first batch-norm sees: the frames plus the zero padding on both sides. */
export function paddedFrames(manifest: ModelManifest): number {
  return manifest.input.nFrames + 2 * manifest.input.timePadFrames;
}

/** The stored weights this architecture needs for the manifest's input and tags, in file order. */
export function expectedWeights(manifest: ModelManifest): WeightSpec[] {
  const specs: WeightSpec[] = [];
  const t = paddedFrames(manifest);
  for (const p of BN_PARAMS) specs.push({ name: `bn0/${p}`, shape: [t] });
  let cin = 1;
  CONV_CHANNELS.forEach((cout, i) => {
    specs.push({ name: `conv${i + 1}/kernel`, shape: [KERNEL_SIZE, KERNEL_SIZE, cin, cout] }, { name: `conv${i + 1}/bias`, shape: [cout] });
    for (const p of BN_PARAMS) specs.push({ name: `bn${i + 1}/${p}`, shape: [cout] });
    cin = cout;
  });
  let gin = cin;
  for (const g of ['gru1', 'gru2']) {
    for (const p of GRU_PARAMS) {
      const shape = p.startsWith('W') ? [gin, GRU_UNITS] : p.startsWith('U') ? [GRU_UNITS, GRU_UNITS] : [GRU_UNITS];
      specs.push({ name: `${g}/${p}`, shape });
    }
    gin = GRU_UNITS;
  }
  specs.push({ name: 'output/kernel', shape: [GRU_UNITS, manifest.tags.length] }, { name: 'output/bias', shape: [manifest.tags.length] });
  return specs;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (s: readonly number[]): string => `[${s.join(',')}]`;

/** (out, in, kh, kw) -> (kh, kw, in, out). */
export function oihwToHwio(data: Float32Array, shape: readonly number[]): { data: Float32Array; shape: number[] } {
  const [o, i, h, w] = shape as [number, number, number, number];
  const out = new Float32Array(data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let c = 0; c < h; c++)
        for (let d = 0; d < w; d++) out[((c * w + d) * i + b) * o + a] = data[((a * i + b) * h + c) * w + d]!;
  return { data: out, shape: [h, w, i, o] };
}

/** Maps a Keras layer/weight pair to the stored name (null: not part of this model). */
function storedName(w: KerasWeight): string | null {
  const bnParam = (n: string): string | null =>
    n === 'gamma' || n === 'beta' ? n : n === 'running_mean' ? 'moving_mean' : n === 'running_std' ? 'moving_variance' : null;
  if (w.layer === 'bn_0_freq') {
    const p = bnParam(w.name);
    return p === null ? null : `bn0/${p}`;
  }
  let m = /^bn([1-4])$/.exec(w.layer);
  if (m) {
    const p = bnParam(w.name);
    return p === null ? null : `bn${m[1]!}/${p}`;
  }
  m = /^conv([1-4])$/.exec(w.layer);
  if (m) return w.name === 'W' ? `conv${m[1]!}/kernel` : w.name === 'b' ? `conv${m[1]!}/bias` : null;
  if (w.layer === 'gru1' || w.layer === 'gru2') return (GRU_PARAMS as readonly string[]).includes(w.name) ? `${w.layer}/${w.name}` : null;
  if (w.layer === 'output') return w.name === 'W' ? 'output/kernel' : w.name === 'b' ? 'output/bias' : null;
  return null;
}

/**
 * Converts the Keras weights into the stored form, checking every name and
 * shape against what the manifest implies ("expected X, got Y", naming the
 * source file).
 */
export function convertKerasWeights(weights: readonly KerasWeight[], manifest: ModelManifest, sourceFile: string): StoredWeight[] {
  const byName = new Map<string, KerasWeight>();
  for (const w of weights) {
    const name = storedName(w);
    if (name !== null) byName.set(name, w);
  }
  return expectedWeights(manifest).map((spec) => {
    const w = byName.get(spec.name);
    if (w === undefined) throw new EarmarkError('bad_weights', `${sourceFile}: weight ${spec.name} not found (is this the ${manifest.id} weights file?)`, { path: sourceFile });
    const converted = spec.name.endsWith('/kernel') && spec.name.startsWith('conv') && w.shape.length === 4 ? oihwToHwio(w.data, w.shape) : { data: w.data, shape: [...w.shape] };
    if (!sameShape(converted.shape, spec.shape)) {
      throw new EarmarkError('bad_weights', `${sourceFile}: ${w.layer}/${w.name}: expected shape ${fmt(spec.shape)}, got ${fmt(converted.shape)}`, { path: sourceFile });
    }
    return { name: spec.name, shape: spec.shape, data: converted.data };
  });
}
