import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rocAuc, prAuc, bestF1Threshold, f1At } from '../../src-main/tags/metrics.js';
import { stratifiedFolds } from '../../src-main/tags/folds.js';
import { Rng } from '../../src-main/tags/rng.js';
import { fitLogReg, predictLogReg } from '../../src-main/tags/logreg.js';

test('ROC-AUC: perfect, reversed, tied and known values', () => {
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 0);
  assert.equal(rocAuc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
  assert.equal(rocAuc([0.9, 0.3, 0.5, 0.1], [1, 1, 0, 0]), 0.75);
  assert.equal(rocAuc([0.9, 0.3], [1, 1]), null);
});

test('PR-AUC is average precision', () => {
  assert.equal(prAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]), 1);
  // ranks: 1 (yes), 2 (no), 3 (yes): AP = (1/1 + 2/3) / 2
  assert.ok(Math.abs(prAuc([0.9, 0.5, 0.3], [1, 0, 1])! - (1 + 2 / 3) / 2) < 1e-12);
  assert.equal(prAuc([0.2, 0.1], [0, 0]), null);
});

test('the F1 threshold separates a separable set and reproduces its F1', () => {
  const scores = [0.95, 0.9, 0.7, 0.4, 0.3, 0.1];
  const labels = [1, 1, 1, 0, 0, 0];
  const c = bestF1Threshold(scores, labels);
  assert.equal(c.f1, 1);
  assert.ok(c.threshold > 0.4 && c.threshold < 0.7);
  assert.equal(f1At(scores, labels, c.threshold), 1);
});

test('stratified folds spread each class of every tag evenly', () => {
  const a = new Map<number, 0 | 1>();
  const b = new Map<number, 0 | 1>();
  for (let i = 0; i < 40; i++) {
    a.set(i, i % 4 === 0 ? 1 : 0);
    if (i % 2 === 0) b.set(i, i % 3 === 0 ? 1 : 0);
  }
  const folds = stratifiedFolds([a, b], 5, new Rng(3));
  assert.equal(folds.size, 40);
  const spread = (m: Map<number, 0 | 1>, cls: 0 | 1) => {
    const per = new Array<number>(5).fill(0);
    for (const [id, v] of m) if (v === cls) per[folds.get(id)!]!++;
    return Math.max(...per) - Math.min(...per);
  };
  // The rarer tag is placed first and exactly stratified; the other as well as the shared tracks allow.
  assert.equal(spread(b, 1), 1);
  assert.equal(spread(b, 0), 1);
  assert.ok(spread(a, 1) <= 2);
  assert.ok(spread(a, 0) <= 2);
  assert.deepEqual(stratifiedFolds([a, b], 5, new Rng(3)), folds, 'same seed, same folds');
});

test('logistic regression learns a separable direction and is deterministic', () => {
  const rng = new Rng(1);
  const n = 60;
  const dim = 4;
  const x = new Float32Array(n * dim);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const cls = i % 3 === 0 ? 1 : 0;
    y.push(cls);
    for (let d = 0; d < dim; d++) x[i * dim + d] = rng.next() - 0.5 + (d === 0 ? cls * 2 : 0);
  }
  const m = fitLogReg(x, y, dim);
  const p = predictLogReg(m, x, dim);
  assert.ok(rocAuc(p, y)! > 0.95);
  assert.deepEqual(fitLogReg(x, y, dim), m);
});
