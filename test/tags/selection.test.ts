import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseModel, foldAdvantage, GRU_MARGIN } from '../../src-main/tags/selection.js';

/**
 * Five folds of four labelled tracks (2 yes, 2 no). Per fold, each model's
 * scores for [yes, yes, no, no] in that order.
 */
function folds(gru: readonly (readonly number[])[], baseline: readonly (readonly number[])[]) {
  const ids: number[] = [];
  const label = new Map<number, 0 | 1>();
  const fold = new Map<number, number>();
  const g = new Map<number, number>();
  const b = new Map<number, number>();
  gru.forEach((scores, f) => {
    scores.forEach((s, i) => {
      const id = f * 10 + i;
      ids.push(id);
      label.set(id, i < 2 ? 1 : 0);
      fold.set(id, f);
      g.set(id, s);
      b.set(id, baseline[f]![i]!);
    });
  });
  return foldAdvantage(ids, (id) => label.get(id)!, (id) => fold.get(id)!, (id) => g.get(id)!, (id) => b.get(id)!);
}

/** PR-AUC 1. */
const perfect = [0.9, 0.8, 0.2, 0.1];
/** Ranked yes, no, yes, no: PR-AUC (1/1 + 2/3) / 2 = 0.833. */
const mixed = [0.9, 0.3, 0.5, 0.1];
/** Both no first: PR-AUC (1/3 + 2/4) / 2 = 0.417. */
const reversed = [0.1, 0.2, 0.8, 0.9];

test('a GRU better in every fold is chosen', () => {
  const adv = folds([perfect, perfect, perfect, perfect, perfect], [mixed, mixed, mixed, reversed, mixed]);
  assert.equal(adv.folds, 5);
  assert.ok(adv.mean > GRU_MARGIN);
  assert.ok(adv.standardError < adv.mean, `SE ${adv.standardError} vs mean ${adv.mean}`);
  assert.equal(chooseModel(adv), 'gru');
});

test('a GRU ahead on average only by one lucky fold keeps the baseline', () => {
  // Fold 0: the GRU perfect, the baseline reversed (a big win); folds 1-4: the GRU slightly worse.
  const adv = folds([perfect, mixed, mixed, mixed, mixed], [reversed, perfect, perfect, perfect, perfect]);
  assert.equal(adv.folds, 5);
  assert.ok(adv.mean < 0, `mean ${adv.mean}`);
  assert.equal(chooseModel(adv), 'logreg');
  // Fold 0 a big win (+0.58), fold 1 a loss, the rest even: mean +0.08, but with a standard error of 0.13.
  const lucky = folds([perfect, mixed, mixed, mixed, mixed], [reversed, perfect, mixed, mixed, mixed]);
  assert.ok(lucky.mean > GRU_MARGIN, `mean ${lucky.mean}`);
  assert.ok(lucky.standardError >= lucky.mean, `SE ${lucky.standardError} vs mean ${lucky.mean}`);
  assert.equal(chooseModel(lucky), 'logreg');
});

test('equal models, no GRU, and a single usable fold keep the baseline', () => {
  const same = folds([mixed, perfect, mixed, perfect, mixed], [mixed, perfect, mixed, perfect, mixed]);
  assert.equal(same.mean, 0);
  assert.equal(same.standardError, 0);
  assert.equal(chooseModel(same), 'logreg');
  assert.equal(chooseModel(null), 'logreg');
  const one = folds([perfect], [reversed]);
  assert.equal(one.folds, 1);
  assert.equal(one.standardError, Infinity);
  assert.equal(chooseModel(one), 'logreg');
});
