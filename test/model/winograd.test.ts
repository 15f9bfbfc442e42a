import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWinogradConv, transformFilter, winogradFits, winogradModule } from '../../src-main/model/winograd/winograd-conv.js';
import { rng } from '../helpers/rng.js';

/** 'same' 3x3 convolution plus bias in float64, NHWC, HWIO: the definition the kernel must meet. */
function directConv(x: Float32Array, h: number, w: number, cin: number, filter: Float32Array, bias: Float32Array, cout: number): Float64Array {
  const out = new Float64Array(h * w * cout);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      const o = (y * w + xx) * cout;
      for (let co = 0; co < cout; co++) out[o + co] = bias[co]!;
      for (let r = 0; r < 3; r++) {
        const yy = y + r - 1;
        if (yy < 0 || yy >= h) continue;
        for (let s = 0; s < 3; s++) {
          const xs = xx + s - 1;
          if (xs < 0 || xs >= w) continue;
          const px = (yy * w + xs) * cin;
          for (let ci = 0; ci < cin; ci++) {
            const v = x[px + ci]!;
            const f = ((r * 3 + s) * cin + ci) * cout;
            for (let co = 0; co < cout; co++) out[o + co] = out[o + co]! + v * filter[f + co]!;
          }
        }
      }
    }
  }
  return out;
}

/** Random data shaped like the CRNN's: ELU outputs in [-1, 3], weights ~ +-0.1, biases ~ +-0.5. */
function randomCase(h: number, w: number, cin: number, cout: number, seed: number) {
  const next = rng(seed);
  const x = Float32Array.from({ length: h * w * cin }, () => next() * 4 - 1);
  const filter = Float32Array.from({ length: 9 * cin * cout }, () => (next() - 0.5) * 0.2);
  const bias = Float32Array.from({ length: cout }, () => next() - 0.5);
  return { x, filter, bias };
}

test('the Winograd kernel is built and loads', () => {
  assert.notEqual(winogradModule(), null, 'build/kernels/winograd-f4.wasm: run npm run build');
});

test('Winograd F(4x4, 3x3) matches a float64 direct convolution, edges and partial tiles included', () => {
  // Odd sizes leave partial 4x4 tiles at the right and bottom; 1 x 1 is all padding around one pixel;
  // 48 x 96 x 64 -> 128 is block 2's shape, narrowed in time (several blocks of 12 tiles, a partial last one).
  const shapes: [number, number, number, number][] = [
    [1, 1, 4, 8],
    [3, 5, 4, 8],
    [7, 11, 8, 16],
    [9, 4, 12, 24],
    [4, 60, 128, 128],
    [48, 96, 64, 128],
  ];
  shapes.forEach(([h, w, cin, cout], i) => {
    const { x, filter, bias } = randomCase(h, w, cin, cout, 100 + i);
    const layer = createWinogradConv({ height: h, width: w, cin, cout, filter, bias });
    const got = layer.run(x);
    const want = directConv(x, h, w, cin, filter, bias, cout);
    let maxAbs = 0;
    let maxErr = 0;
    want.forEach((v, k) => {
      maxAbs = Math.max(maxAbs, Math.abs(v));
      maxErr = Math.max(maxErr, Math.abs(v - got[k]!));
    });
    // F(4x4) rounds more than a direct sum (its transforms scale by up to 8 and 1/24); measured ~5e-6 of the largest output.
    assert.ok(maxErr <= 2e-5 * maxAbs, `${h}x${w}x${cin}->${cout}: max error ${maxErr} against max |output| ${maxAbs}`);
    // A second call on other data gives that data's answer (no state kept between calls).
    const other = randomCase(h, w, cin, cout, 200 + i).x;
    const again = directConv(other, h, w, cin, filter, bias, cout);
    const got2 = layer.run(other);
    assert.ok(again.every((v, k) => Math.abs(v - got2[k]!) <= 2e-5 * maxAbs + 1e-6), `${h}x${w}: second call`);
  });
});

test('the filter transform puts each channel pair where the kernel reads it', () => {
  // A filter that is 1 at the centre tap of (ci=1, co=10) and 0 elsewhere: G g G^T = g1 g1^T with g1 = G[:,1].
  const cin = 4;
  const cout = 16;
  const filter = new Float32Array(9 * cin * cout);
  filter[((1 * 3 + 1) * cin + 1) * cout + 10] = 1;
  const u = transformFilter(filter, cin, cout, 8);
  const g1 = [0, -1 / 6, 1 / 6, 1 / 12, -1 / 12, 0];
  for (let p = 0; p < 6; p++) {
    for (let q = 0; q < 6; q++) {
      // Layout [36][cout / 8][cin][8]: panel 1, column 2 for co = 10.
      const at = (((p * 6 + q) * 2 + 1) * cin + 1) * 8 + 2;
      assert.ok(Math.abs(u[at]! - g1[p]! * g1[q]!) < 1e-7, `U[${p}][${q}]`);
    }
  }
  assert.equal(u.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0), 16, 'nothing else is nonzero (g1 has four nonzero entries)');
});

test('shapes the kernel cannot take are refused with the reason', () => {
  assert.equal(winogradFits(1, 64), false, 'block 1: one input channel');
  assert.equal(winogradFits(64, 128), true);
  const { filter, bias } = randomCase(4, 4, 4, 8, 1);
  assert.throws(() => createWinogradConv({ height: 4, width: 4, cin: 3, cout: 8, filter, bias }), /channels 3 -> 8 not supported/);
  assert.throws(() => createWinogradConv({ height: 4, width: 4, cin: 4, cout: 8, filter: filter.subarray(1), bias }), /filter has 287 values, expected 288/);
  const layer = createWinogradConv({ height: 4, width: 4, cin: 4, cout: 8, filter, bias });
  assert.throws(() => layer.run(new Float32Array(10)), /input has 10 values, expected 64 \(4 x 4 x 4\)/);
});
