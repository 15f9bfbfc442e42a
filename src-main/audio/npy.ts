import { EarmarkError } from '../core/errors.js';

/**
 * A minimal reader for NumPy .npy files (format versions 1-3): C-ordered
 * little-endian float64 or float32 arrays, which is what the reference
 * log-mel inputs beside the model are. Enough for parity tests and tools;
 * not a general NumPy loader.
 */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly data: Float64Array | Float32Array;
}

const MAGIC = '\x93NUMPY';

export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const fail = (why: string): never => {
    throw new EarmarkError('bad_npy', `${name}: not a readable .npy file (${why})`);
  };
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) fail('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) return fail('unparsable header');
  if (fortran === 'True') fail('Fortran order is not supported');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const itemSize = descr === '<f8' ? 8 : descr === '<f4' ? 4 : fail(`dtype ${descr} is not supported`);
  if (bytes.length - dataStart < count * itemSize) fail(`expected ${count * itemSize} data bytes, got ${bytes.length - dataStart}`);
  // Copy into a fresh, aligned buffer: the data offset need not be a multiple of 8
  // (and a Node Buffer's slice() is a view into a shared pool, hence the explicit copy).
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + count * itemSize)).buffer;
  return { shape, data: itemSize === 8 ? new Float64Array(raw) : new Float32Array(raw) };
}
