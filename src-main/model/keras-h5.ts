/**
 * Reads the weights of a Keras 1.x HDF5 weights file (what `model.save_weights`
 * wrote): the root attribute `layer_names` lists the layers in order, each
 * layer group's attribute `weight_names` lists its datasets in order.
 * h5wasm (the HDF5 C library compiled to WebAssembly) does the reading, so
 * no Python or native addon is needed.
 */
import fs from 'node:fs';
import { EarmarkError, errorMessage } from '../core/errors.js';

export interface KerasWeight {
  readonly layer: string;
  /** The weight's short name: `W`, `b`, `gamma`, `running_std`, `W_z`, ... */
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Names in these files may carry trailing NULs (fixed-length HDF5 strings). */
function cleanName(s: string): string {
  return s.replace(/\0+$/, '');
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [cleanName(v)];
  if (Array.isArray(v)) return v.map((x) => cleanName(String(x)));
  return [];
}

/**
 * `conv1_W_1:0` in layer `conv1` is weight `W`; `bn1_running_std_1:0` is
 * `running_std`; the `_1` is a TensorFlow variable counter.
 */
export function shortWeightName(layer: string, full: string): string {
  let s = cleanName(full).replace(/:\d+$/, '');
  if (s.startsWith(`${layer}_`)) s = s.slice(layer.length + 1);
  return s.replace(/_\d+$/, '');
}

function hasHdf5Signature(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const n = fs.readSync(fd, head, 0, 8, 0);
    return n === 8 && head.equals(HDF5_SIGNATURE);
  } finally {
    fs.closeSync(fd);
  }
}

export async function readKerasWeights(file: string): Promise<KerasWeight[]> {
  if (!hasHdf5Signature(file)) throw new EarmarkError('bad_weights', `${file} is not an HDF5 file (no HDF5 signature)`, { path: file });
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  let f: InstanceType<typeof h5wasm.File>;
  try {
    f = new h5wasm.File(file, 'r');
  } catch (err) {
    throw new EarmarkError('bad_weights', `cannot open ${file} as HDF5: ${errorMessage(err)}`, { path: file, cause: err });
  }
  try {
    const layerNames = stringList(f.attrs.layer_names?.value);
    if (layerNames.length === 0) throw new EarmarkError('bad_weights', `${file} is not a Keras weights file (no layer_names attribute)`, { path: file });
    const out: KerasWeight[] = [];
    for (const layer of layerNames) {
      const group = f.get(layer);
      if (!(group instanceof h5wasm.Group)) throw new EarmarkError('bad_weights', `${file}: layer ${layer} is listed but has no group`, { path: file });
      for (const full of stringList(group.attrs.weight_names?.value)) {
        const ds = group.get(full);
        if (!(ds instanceof h5wasm.Dataset)) throw new EarmarkError('bad_weights', `${file}: weight ${layer}/${full} is listed but missing`, { path: file });
        const value = ds.value;
        const shape = ds.shape ?? [];
        let data: Float32Array;
        if (value instanceof Float32Array) data = value;
        else if (value instanceof Float64Array) data = Float32Array.from(value);
        else throw new EarmarkError('bad_weights', `${file}: weight ${layer}/${full} is not a float array`, { path: file });
        out.push({ layer, name: shortWeightName(layer, full), shape, data });
      }
    }
    return out;
  } finally {
    f.close();
  }
}
