/**
 * Runs the Winograd F(4x4, 3x3) WebAssembly kernel (kernel-source.ts) as a
 * 3x3 'same' convolution with bias on plain Float32Arrays, NHWC, one image
 * at a time. The CRNN graph uses it for the wide conv blocks on the wasm and
 * cpu backends, where tfjs's direct convolution is the bottleneck.
 *
 * Each layer gets its own WebAssembly instance, whose memory holds that
 * layer's transformed filter, input, output and workspace (about 30 MB for
 * block 2): nothing is allocated per call. Instances live as long as the
 * graph; WebAssembly memory is freed with its instance.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EarmarkError, errorMessage } from '../../core/errors.js';
import { ALPHA, MR, NR } from './kernel-source.js';

/** The compiled kernel, written by build-kernel.ts (build/kernels/, beside build/src-main/). */
export const KERNEL_FILE = new URL('../../../kernels/winograd-f4.wasm', import.meta.url);

/** Output channels per GEMM panel of the kernel. */
const NB = 4 * NR;
/** Tiles per block of work: a multiple of the kernel's MR; 12-16 measured best (the block's V and M stay in L2). */
const TILES_PER_BLOCK = 3 * MR;
const SCRATCH_BYTES = 4096;
const PAGE_BYTES = 65536;

/** G of F(4x4, 3x3) (Lavin & Gray 2015): U = G g G^T, done once per layer in float64. */
const G: readonly (readonly number[])[] = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/**
 * The slice of the WebAssembly API used here. Node has it globally, but the
 * project's type libraries (no DOM) do not declare it.
 */
interface WasmModule {
  readonly kind: 'wasm-module';
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
}
const wasm = (globalThis as unknown as { readonly WebAssembly: WasmApi }).WebAssembly;

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  readonly MR: { readonly value: number };
  readonly NR: { readonly value: number };
  readonly conv: (inp: number, h: number, w: number, cin: number, u: number, bias: number, out: number, cout: number, ws: number, tiles: number) => void;
}

export interface Conv3x3Spec {
  readonly height: number;
  readonly width: number;
  readonly cin: number;
  readonly cout: number;
  /** HWIO [3][3][cin][cout], output channel fastest (as Keras and tfjs store it). */
  readonly filter: Float32Array;
  readonly bias: Float32Array;
}

export interface Conv3x3Layer {
  readonly spec: Omit<Conv3x3Spec, 'filter' | 'bias'>;
  /**
   * Convolves one image [height][width][cin]; returns [height][width][cout] as
   * a view into the kernel's memory, valid until the next call (copy it out).
   */
  run(input: Float32Array): Float32Array;
}

let compiled: WasmModule | null | undefined;
let loadError = '';

/** The compiled module, or null when the kernel file is missing or this runtime lacks WebAssembly SIMD (the reason: winogradUnavailableReason). */
export function winogradModule(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  const file = fileURLToPath(KERNEL_FILE);
  try {
    compiled = new wasm.Module(fs.readFileSync(file));
  } catch (err) {
    compiled = null;
    loadError = `${file}: ${errorMessage(err)}`;
  }
  return compiled;
}

export function winogradUnavailableReason(): string {
  return winogradModule() === null ? loadError : '';
}

/** Shapes the kernel takes: input channels in fours (one v128), output channels in whole panels. */
export function winogradFits(cin: number, cout: number): boolean {
  return cin % 4 === 0 && cout % NB === 0 && cin > 0 && cout > 0;
}

/** HWIO filter -> U [36][cout / nb][cin][nb], each U = G g G^T in float64. */
export function transformFilter(filter: Float32Array, cin: number, cout: number, nb: number): Float32Array {
  const a = ALPHA;
  const panels = cout / nb;
  const out = new Float32Array(a * a * cin * cout);
  const gg = new Float64Array(a * 3);
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const g = (r: number, s: number): number => filter[((r * 3 + s) * cin + ci) * cout + co]!;
      for (let p = 0; p < a; p++) {
        const row = G[p]!;
        for (let s = 0; s < 3; s++) gg[p * 3 + s] = row[0]! * g(0, s) + row[1]! * g(1, s) + row[2]! * g(2, s);
      }
      const panel = Math.floor(co / nb);
      const j = co % nb;
      for (let p = 0; p < a; p++) {
        for (let q = 0; q < a; q++) {
          const col = G[q]!;
          const v = gg[p * 3]! * col[0]! + gg[p * 3 + 1]! * col[1]! + gg[p * 3 + 2]! * col[2]!;
          out[(((p * a + q) * panels + panel) * cin + ci) * nb + j] = v;
        }
      }
    }
  }
  return out;
}

/** A layer ready to run; throws EarmarkError('no_kernel') when the kernel cannot load, RangeError for shapes it cannot take. */
export function createWinogradConv(spec: Conv3x3Spec): Conv3x3Layer {
  const module = winogradModule();
  if (module === null) throw new EarmarkError('no_kernel', `the Winograd convolution kernel is not available: ${loadError}`);
  const { height, width, cin, cout } = spec;
  if (!winogradFits(cin, cout)) throw new RangeError(`Winograd conv: channels ${cin} -> ${cout} not supported (cin a multiple of 4, cout of ${NB})`);
  if (spec.filter.length !== 9 * cin * cout) throw new RangeError(`Winograd conv: filter has ${spec.filter.length} values, expected ${9 * cin * cout}`);
  if (spec.bias.length !== cout) throw new RangeError(`Winograd conv: bias has ${spec.bias.length} values, expected ${cout}`);
  const instance = new wasm.Instance(module, {
    env: {
      abort: () => {
        throw new Error('Winograd kernel aborted');
      },
    },
  });
  const ex = instance.exports as KernelExports;
  // A kernel built from other sources than this code (a stale build/) would read the filter wrongly.
  if (ex.MR.value !== MR || ex.NR.value !== NR) throw new EarmarkError('no_kernel', `${fileURLToPath(KERNEL_FILE)} was built with other blocking (${ex.MR.value} x ${ex.NR.value}); run npm run build`);

  // Bump allocation above the kernel's own static data (the first page), 64-byte aligned.
  let top = PAGE_BYTES;
  const take = (bytes: number): number => {
    const at = top;
    top = (top + bytes + 63) & ~63;
    return at;
  };
  const inPtr = take(height * width * cin * 4);
  const outPtr = take(height * width * cout * 4);
  const uPtr = take(ALPHA * ALPHA * cin * cout * 4);
  const biasPtr = take(cout * 4);
  const wsPtr = take(SCRATCH_BYTES + ALPHA * ALPHA * TILES_PER_BLOCK * (cin + cout) * 4);
  const missing = Math.ceil(top / PAGE_BYTES) - ex.memory.buffer.byteLength / PAGE_BYTES;
  if (missing > 0) ex.memory.grow(missing);
  // Views are made after growing: growing detaches the old buffer.
  const heap = new Float32Array(ex.memory.buffer);
  heap.set(transformFilter(spec.filter, cin, cout, NB), uPtr / 4);
  heap.set(spec.bias, biasPtr / 4);
  const input = heap.subarray(inPtr / 4, inPtr / 4 + height * width * cin);
  const output = heap.subarray(outPtr / 4, outPtr / 4 + height * width * cout);

  return {
    spec: { height, width, cin, cout },
    run(x: Float32Array): Float32Array {
      if (x.length !== input.length) throw new RangeError(`Winograd conv: input has ${x.length} values, expected ${input.length} (${height} x ${width} x ${cin})`);
      input.set(x);
      ex.conv(inPtr, height, width, cin, uPtr, biasPtr, outPtr, cout, wsPtr, TILES_PER_BLOCK);
      return output;
    },
  };
}
