/**
 * Writes the AssemblyScript source of a Winograd F(4x4, 3x3) convolution
 * (NHWC float32, 'same' zero padding, stride 1, plus bias) for WebAssembly
 * SIMD. `npm run build` compiles it (build-kernel.ts); winograd-conv.ts runs it.
 *
 * Why: conv blocks 2-4 are 97% of the CRNN's 6.5 GFLOP per segment, and
 * tfjs-wasm runs them as direct convolutions at ~12 GFLOP/s on one core.
 * Winograd F(4x4, 3x3) (Lavin & Gray 2015) needs 36 multiplies per 4x4 output
 * tile and channel pair instead of 144; the products become 36 matrix products
 * [tiles x cin] x [cin x cout], done here by a register-blocked SIMD kernel.
 * Measured on one core: block 2 in ~95 ms instead of ~410 ms, within ~5e-6 of
 * a float64 direct convolution relative to the output's largest magnitude.
 *
 * The source is generated rather than written out because the transforms are
 * straight-line code over the transform matrices' nonzero entries (an add or
 * subtract for +-1, a multiply for the rest), which is where they get fast.
 *
 * Memory layouts (all float32):
 * - input [H][W][cin], output [H][W][cout];
 * - U, the transformed filter: [36][cout / NB][cin][NB], NB = 4 * NR output
 *   channels per GEMM panel (winograd-conv.ts computes it in float64);
 * - workspace: 4096 bytes of scratch, then V [36][T / MR][cin][MR] (a block of
 *   T tiles' transformed input, packed for the GEMM), then M [T][cout / NB][36][NB].
 */

/** Tiles per GEMM micro-kernel: with NR below, 8 v128 accumulators, what V8's 16 xmm registers hold without spilling (measured: 6x8 or 3x16 spill). */
export const MR = 4;
/** v128 columns per micro-kernel, so NB = 4 * NR = 8 output channels per panel. */
export const NR = 2;
/** Output tile side (m) and input tile side (a = m + 2). */
export const TILE = 4;
export const ALPHA = TILE + 2;

/** B^T and A^T of F(4x4, 3x3); G (the filter transform) is in winograd-conv.ts. */
const BT: readonly (readonly number[])[] = [
  [4, 0, -5, 0, 1, 0],
  [0, -4, -4, 1, 1, 0],
  [0, 4, -4, -1, 1, 0],
  [0, -2, -1, 2, 1, 0],
  [0, 2, -1, -2, 1, 0],
  [0, 4, 0, -5, 0, 1],
];
const AT: readonly (readonly number[])[] = [
  [1, 1, 1, 1, 1, 0],
  [0, 1, -1, 2, -2, 0],
  [0, 1, 1, 4, 4, 0],
  [0, 1, -1, 8, -8, 1],
];

/** An expression for sum_j coef[j] * vars[j]: +-1 as add or subtract, other coefficients as a multiply. */
function linear(coef: readonly number[], vars: readonly string[]): string {
  let e = '';
  for (let j = 0; j < coef.length; j++) {
    const c = coef[j]!;
    if (c === 0) continue;
    const mag = Math.abs(c);
    const term = mag === 1 ? vars[j]! : `f32x4.mul(f32x4.splat(${String(mag)} as f32), ${vars[j]!})`;
    if (e === '') e = c > 0 ? term : `f32x4.neg(${term})`;
    else e = c > 0 ? `f32x4.add(${e}, ${term})` : `f32x4.sub(${e}, ${term})`;
  }
  return e === '' ? 'f32x4.splat(0.0)' : e;
}

const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** V = B^T d B per 6x6 input tile, four channels at a time; `checked` zero-fills samples outside the image. */
function inputTransformBody(checked: boolean): string {
  const a = ALPHA;
  let s = '      for (let c: i32 = 0; c < cin; c += 4) {\n';
  for (let i = 0; i < a; i++) {
    s += '        {\n';
    if (checked) s += `          const yOk = (y0 + ${i}) >= 0 && (y0 + ${i}) < H;\n`;
    for (let j = 0; j < a; j++) {
      const addr = `rowPtr + ${i} * rowStride + ${j} * pxStride + (<usize>c << 2)`;
      if (checked) {
        s += `          let d${j} = zero;\n`;
        s += `          if (yOk && (x0 + ${j}) >= 0 && (x0 + ${j}) < W) d${j} = v128.load(${addr});\n`;
      } else {
        s += `          const d${j} = v128.load(${addr});\n`;
      }
    }
    for (let q = 0; q < a; q++) s += `          v128.store(scratch, ${linear(BT[q]!, names('d', a))}, ${(i * a + q) * 16});\n`;
    s += '        }\n';
  }
  for (let q = 0; q < a; q++) {
    s += '        {\n';
    for (let i = 0; i < a; i++) s += `          const r${i} = v128.load(scratch, ${(i * a + q) * 16});\n`;
    for (let p = 0; p < a; p++) {
      s += `          {\n            const v = ${linear(BT[p]!, names('r', a))};\n`;
      s += `            const dst: usize = vOut + ${p * a + q} * planeStride + <usize>c * ${MR * 4};\n`;
      for (let l = 0; l < 4; l++) s += `            store<f32>(dst, f32x4.extract_lane(v, ${l}), ${l * MR * 4});\n`;
      s += '          }\n';
    }
    s += '        }\n';
  }
  return `${s}      }\n`;
}

function inputTransform(): string {
  const a = ALPHA;
  return `
// V[k][tl / MR][c][tl % MR] for the tiles t0 .. t0 + T - 1 (tiles past the last are zero).
function inputTransform(inp: usize, H: i32, W: i32, cin: i32, tW: i32, nTiles: i32, t0: i32, T: i32, V: usize, scratch: usize): void {
  const zero = f32x4.splat(0.0);
  const pxStride: usize = <usize>cin << 2;
  const rowStride: usize = <usize>(W * cin) << 2;
  const planeStride: usize = <usize>(T * cin) << 2;
  for (let tl: i32 = 0; tl < T; tl++) {
    const t = t0 + tl;
    const rbi = tl / ${MR};
    const vOut: usize = V + ((<usize>(rbi * cin * ${MR} + (tl - rbi * ${MR}))) << 2);
    if (t >= nTiles) {
      for (let k: i32 = 0; k < ${a * a}; k++) for (let c: i32 = 0; c < cin; c++) store<f32>(vOut + <usize>k * planeStride + <usize>c * ${MR * 4}, 0.0);
      continue;
    }
    const ty = t / tW;
    const tx = t - ty * tW;
    const y0 = ty * ${TILE} - 1;
    const x0 = tx * ${TILE} - 1;
    const rowPtr: usize = inp + <usize>(y0 * W + x0) * pxStride;
    if (y0 >= 0 && y0 + ${a} <= H && x0 >= 0 && x0 + ${a} <= W) {
${inputTransformBody(false)}    } else {
${inputTransformBody(true)}    }
  }
}
`;
}

/** Y = A^T M A + bias per tile, clipped at the image's right and bottom edges. */
function outputTransform(): string {
  const a = ALPHA;
  const m = TILE;
  let s = '      for (let c: i32 = 0; c < cout; c += 4) {\n';
  s += `        const mb: usize = mIn + <usize>(c / ${4 * NR}) * cCb + <usize>((c >> 2) % ${NR}) * 16;\n`;
  for (let i = 0; i < a; i++) {
    s += '        {\n';
    for (let j = 0; j < a; j++) s += `          const m${j} = v128.load(mb, ${(i * a + j) * NR * 16});\n`;
    for (let q = 0; q < m; q++) s += `          v128.store(scratch, ${linear(AT[q]!, names('m', a))}, ${(i * m + q) * 16});\n`;
    s += '        }\n';
  }
  s += '        const b = v128.load(bias + (<usize>c << 2));\n';
  for (let q = 0; q < m; q++) {
    s += '        {\n';
    for (let i = 0; i < a; i++) s += `          const r${i} = v128.load(scratch, ${(i * m + q) * 16});\n`;
    for (let p = 0; p < m; p++) {
      s += `          if (yn > ${p} && xn > ${q}) v128.store(outPtr + ${p} * rowStride + ${q} * pxStride + (<usize>c << 2), f32x4.add(${linear(AT[p]!, names('r', a))}, b));\n`;
    }
    s += '        }\n';
  }
  s += '      }\n';
  return `
function outputTransform(M: usize, bias: usize, out: usize, H: i32, W: i32, cout: i32, tW: i32, nTiles: i32, t0: i32, T: i32, scratch: usize): void {
  const pxStride: usize = <usize>cout << 2;
  const rowStride: usize = <usize>(W * cout) << 2;
  // M is [tl][cout / ${4 * NR}][${a * a}][${4 * NR}]: one tile's ${a * a} products for ${4 * NR} channels lie together.
  const cCb: usize = ${a * a * NR * 16};
  const cRow: usize = <usize>(cout / ${4 * NR}) * cCb;
  for (let tl: i32 = 0; tl < T; tl++) {
    const t = t0 + tl;
    if (t >= nTiles) break;
    const ty = t / tW;
    const tx = t - ty * tW;
    const oy = ty * ${m};
    const ox = tx * ${m};
    const yn = H - oy;
    const xn = W - ox;
    const mIn: usize = M + <usize>tl * cRow;
    const outPtr: usize = out + <usize>(oy * W + ox) * pxStride;
${s}  }
}
`;
}

/** C[T x cout] = A[T x cin] B[cin x cout] with an MR x (4 NR) block of accumulators held in registers. */
function gemm(): string {
  let s = `
function gemm(A: usize, B: usize, C: usize, T: i32, cin: i32, cout: i32, cRow: usize, cCb: usize): void {
  const panelBytes: usize = <usize>cin * ${NR * 16};
  const aBlock: usize = <usize>cin * ${MR * 4};
  const nCb = cout / ${NR * 4};
  for (let cb: i32 = 0; cb < nCb; cb++) {
    const bp0: usize = B + <usize>cb * panelBytes;
    for (let rb: i32 = 0; rb < T; rb += ${MR}) {
      let pa: usize = A + <usize>(rb / ${MR}) * aBlock;
      const paEnd: usize = pa + aBlock;
      let pb: usize = bp0;
`;
  for (let r = 0; r < MR; r++) for (let v = 0; v < NR; v++) s += `      let c${r}_${v} = f32x4.splat(0.0);\n`;
  s += '      do {\n';
  for (let v = 0; v < NR; v++) s += `        const b${v} = v128.load(pb, ${v * 16});\n`;
  for (let r = 0; r < MR; r++) {
    s += `        const x${r} = v128.load32_splat(pa, ${r * 4});\n`;
    // A multiply then an add, not relaxed_madd: the same numbers on every CPU.
    for (let v = 0; v < NR; v++) s += `        c${r}_${v} = f32x4.add(c${r}_${v}, f32x4.mul(x${r}, b${v}));\n`;
  }
  s += `        pa += ${MR * 4};\n        pb += ${NR * 16};\n`;
  s += '      } while (pa < paEnd);\n';
  s += '      const cp: usize = C + <usize>rb * cRow + <usize>cb * cCb;\n';
  for (let r = 0; r < MR; r++) for (let v = 0; v < NR; v++) s += `      v128.store(cp + ${r} * cRow, c${r}_${v}, ${v * 16});\n`;
  return `${s}    }\n  }\n}\n`;
}

function conv(): string {
  const a = ALPHA;
  const m = TILE;
  return `
/**
 * Winograd F(${m}x${m}, 3x3): inp [H][W][cin], out [H][W][cout], U [${a * a}][cout / ${NR * 4}][cin][${NR * 4}],
 * ws: ${a * a} * T * (cin + cout) * 4 + 4096 bytes. T must be a multiple of ${MR}; cin of 4; cout of ${NR * 4}.
 */
export function conv(inp: usize, H: i32, W: i32, cin: i32, U: usize, bias: usize, out: usize, cout: i32, ws: usize, T: i32): void {
  const tH = (H + ${m - 1}) / ${m};
  const tW = (W + ${m - 1}) / ${m};
  const nTiles = tH * tW;
  const scratch = ws;
  const V: usize = ws + 4096;
  const Mb: usize = V + <usize>(${a * a} * T * cin) * 4;
  const aPlane: usize = <usize>(T * cin) * 4;
  const uPlane: usize = <usize>(cin * cout) * 4;
  const cCbM: usize = ${a * a * NR * 16};
  const cRowM: usize = <usize>(cout / ${4 * NR}) * cCbM;
  for (let t0: i32 = 0; t0 < nTiles; t0 += T) {
    inputTransform(inp, H, W, cin, tW, nTiles, t0, T, V, scratch);
    for (let k: i32 = 0; k < ${a * a}; k++) gemm(V + <usize>k * aPlane, U + <usize>k * uPlane, Mb + <usize>k * ${NR * 16}, T, cin, cout, cRowM, cCbM);
    outputTransform(Mb, bias, out, H, W, cout, tW, nTiles, t0, T, scratch);
  }
}
`;
}

/** The whole module's source. */
export function winogradKernelSource(): string {
  return `// Generated by src-main/model/winograd/kernel-source.ts; do not edit.
export const MR: i32 = ${MR};
export const NR: i32 = ${NR};
export const TILE: i32 = ${TILE};
${gemm()}${inputTransform()}${outputTransform()}${conv()}`;
}
