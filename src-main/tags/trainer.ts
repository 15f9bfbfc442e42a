import { CancelledError } from '../core/errors.js';
import { Rng } from './rng.js';
import { fitProjection, projectMany, DEFAULT_COMPONENTS } from './pca.js';
import { fitLogReg, predictLogReg } from './logreg.js';
import { predictGru, type GruJob, type GruWeights } from './gru.js';
import { runHere, type GruRunner } from './gru-runner.js';
import { ensureTagBackend } from './tf-backend.js';
import { stratifiedFolds } from './folds.js';
import { rocAuc, prAuc, bestF1Threshold } from './metrics.js';
import { predictPart } from './inference.js';
import { chooseModel, foldAdvantage } from './selection.js';
import type { CandidateQuality, LearningPoint, ModelKind, SkippedTag, TagHead, TagQuality, TrainOutcome, TrainSettings } from './types.js';

/** A tag needs at least this many yes and this many no labels (on analysed tracks) to be trained. */
export const MIN_LABELS_PER_CLASS = 3;
export const LEARNING_FRACTIONS = [0.25, 0.5, 0.75, 1] as const;

export interface TrainerTag {
  readonly id: number;
  readonly name: string;
  /** track id -> 1 yes / 0 no, only tracks present in `sequences`. */
  readonly labels: ReadonlyMap<number, 0 | 1>;
}

export interface TrainerInput {
  readonly tags: readonly TrainerTag[];
  /** Raw segment embeddings (segments x dim) of every labelled track. */
  readonly sequences: ReadonlyMap<number, Float32Array>;
  readonly dim: number;
  /** Unlabelled sample of segment embeddings (rows x dim) to fit the projection on. */
  readonly projectionSample: Float32Array;
  readonly settings: TrainSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, message: string) => void;
  /** Where GRU fits run (default: this thread; the training worker uses two threads). */
  readonly gruRunner?: GruRunner;
}

export function skipReason(nYes: number, nNo: number, min: number = MIN_LABELS_PER_CLASS): string | null {
  const needYes = Math.max(0, min - nYes);
  const needNo = Math.max(0, min - nNo);
  if (needYes === 0 && needNo === 0) return null;
  const parts = [needYes > 0 ? `${needYes} more yes` : '', needNo > 0 ? `${needNo} more no` : ''].filter(Boolean).join(' and ');
  return `needs at least ${min} yes and ${min} no labels on analysed tracks (has ${nYes} yes, ${nNo} no): label ${parts}`;
}

const count = (m: ReadonlyMap<number, 0 | 1>) => {
  let yes = 0;
  for (const v of m.values()) yes += v;
  return { yes, no: m.size - yes };
};

interface Projected {
  readonly seq: Float32Array; // segments x p
  readonly mean: Float32Array; // p
}

/** Runs the whole training: projection, cross-validation of both candidates per tag, choice, thresholds, learning curves, final fits. */
export async function runTraining(input: TrainerInput): Promise<TrainOutcome> {
  const { settings } = input;
  const seed = settings.seed;
  const skipped: SkippedTag[] = [];
  const trainable: TrainerTag[] = [];
  for (const t of input.tags) {
    const c = count(t.labels);
    const reason = skipReason(c.yes, c.no, Math.max(2, settings.minPerClass ?? MIN_LABELS_PER_CLASS));
    if (reason) skipped.push({ tagId: t.id, name: t.name, nYes: c.yes, nNo: c.no, reason });
    else trainable.push(t);
  }
  if (trainable.length === 0) return { part: null, quality: [], skipped, embeddingDim: input.dim, probe: { trackIds: [], probs: [] } };
  const check = () => {
    if (input.signal?.aborted) throw new CancelledError('training cancelled');
  };

  // The projection and the GRU run on the tfjs backend of this thread.
  await ensureTagBackend();
  const projection = fitProjection(input.projectionSample, input.dim, settings.components ?? DEFAULT_COMPONENTS, seed);
  const p = projection.outputDim;
  const labelled = [...new Set(trainable.flatMap((t) => [...t.labels.keys()]))].sort((a, b) => a - b);
  const raws = labelled.map((id) => {
    const raw = input.sequences.get(id);
    if (!raw) throw new Error(`no segment embeddings for labelled track ${id}`);
    return raw;
  });
  const data = new Map<number, Projected>();
  projectMany(projection, raws).forEach((seq, i) => data.set(labelled[i]!, { seq, mean: meanRow(seq, p) }));

  // Tags that share k share folds (and GRU fits).
  const groups = new Map<number, TrainerTag[]>();
  for (const t of trainable) {
    const c = count(t.labels);
    const k = Math.min(5, Math.min(c.yes, c.no));
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  const useGru = !settings.noGru;
  const gruOptions = (purpose: string) => ({ seed: Rng.derive(seed, purpose).int(), units: settings.units ?? 32, targetUpdates: settings.targetUpdates ?? 60 });

  const oof = new Map<number, { logreg: Map<number, number>; gru: Map<number, number> | null; k: number; folds: ReadonlyMap<number, number> }>();
  const cvJobs: { job: GruJob; tags: TrainerTag[]; test: number[] }[] = [];
  for (const [k, tags] of [...groups].sort((a, b) => a[0] - b[0])) {
    check();
    const folds = stratifiedFolds(tags.map((t) => t.labels), k, Rng.derive(seed, `folds-${k}`));
    for (const t of tags) oof.set(t.id, { logreg: logregOof(t.labels, folds, k, data, p), gru: useGru ? new Map() : null, k, folds });
    const tracks = [...folds.keys()].sort((a, b) => a - b);
    for (let f = 0; f < k && useGru; f++) {
      const train = tracks.filter((id) => folds.get(id) !== f);
      const test = tracks.filter((id) => folds.get(id) === f);
      cvJobs.push({ job: { data: gruData(train, tags, data), tagIds: tags.map((t) => t.id), inputDim: p, options: gruOptions(`cv-${k}-${f}`) }, tags, test });
    }
  }
  // The final fit on all labels runs beside the folds (a second core is free then); it is kept only when a tag chooses the GRU.
  const allTracks = [...data.keys()].sort((a, b) => a - b);
  const jobs = useGru ? [...cvJobs.map((j) => j.job), { data: gruData(allTracks, trainable, data), tagIds: trainable.map((t) => t.id), inputDim: p, options: gruOptions('final') }] : [];
  let done = 0;
  const total = jobs.length + 1;
  input.onProgress?.(done, total, useGru ? `fitting the GRU: ${cvJobs.length} cross-validation folds and the final fit` : 'fitting the baseline');
  const fitted = await (input.gruRunner ?? runHere)(jobs, () => input.onProgress?.(++done, total, `GRU fits done: ${done}/${jobs.length}`), input.signal);
  cvJobs.forEach(({ tags, test }, j) => {
    const probs = predictGru(fitted[j]!, test.map((id) => data.get(id)!.seq));
    tags.forEach((t, ti) => {
      test.forEach((id, i) => {
        if (t.labels.has(id)) oof.get(t.id)!.gru!.set(id, probs[i * tags.length + ti]!);
      });
    });
  });

  const quality: TagQuality[] = [];
  const heads: TagHead[] = [];
  for (const t of trainable) {
    check();
    const o = oof.get(t.id)!;
    const ids = [...t.labels.keys()].sort((a, b) => a - b);
    const y = ids.map((id) => t.labels.get(id)!);
    const lr = candidate(ids.map((id) => o.logreg.get(id)!), y);
    const gr = o.gru ? candidate(ids.map((id) => o.gru!.get(id)!), y) : null;
    const gruOof = o.gru;
    const advantage = gruOof
      ? foldAdvantage(ids, (id) => t.labels.get(id)!, (id) => o.folds.get(id)!, (id) => gruOof.get(id)!, (id) => o.logreg.get(id)!)
      : null;
    const chosen: ModelKind = chooseModel(advantage);
    const chosenScores = ids.map((id) => (chosen === 'gru' ? o.gru!.get(id)! : o.logreg.get(id)!));
    const th = bestF1Threshold(chosenScores, y);
    const c = count(t.labels);
    const best = chosen === 'gru' ? gr! : lr;
    quality.push({
      tagId: t.id,
      chosen,
      rocAuc: best.rocAuc,
      prAuc: best.prAuc,
      f1: th.f1,
      threshold: th.threshold,
      nYes: c.yes,
      nNo: c.no,
      details: {
        k: o.k,
        selectedBy: 'pr_auc_one_se',
        gruAdvantage: advantage && { meanPrAuc: advantage.mean, standardError: Number.isFinite(advantage.standardError) ? advantage.standardError : null, folds: advantage.folds },
        candidates: { gru: gr, logreg: lr },
        learningCurve: { model: 'logreg', points: learningCurve(t, data, p, lr, seed) },
      },
    });
    const x = new Float32Array(ids.length * p);
    ids.forEach((id, i) => { x.set(data.get(id)!.mean, i * p); });
    heads.push({ tagId: t.id, chosen, logreg: fitLogReg(x, y, p) });
  }

  const gru: GruWeights | null = useGru && (settings.alwaysFitGru || heads.some((h) => h.chosen === 'gru')) ? fitted[fitted.length - 1]! : null;
  input.onProgress?.(total, total, 'trained');
  const part = { projection, gru, heads };
  const probeIds = [...data.keys()].sort((a, b) => a - b).slice(0, 16);
  const probePred = predictPart(part, probeIds.map((id) => input.sequences.get(id)!), false);
  return { part, quality, skipped, embeddingDim: input.dim, probe: { trackIds: probeIds, probs: probePred.song.map((r) => Array.from(r)) } };
}

function meanRow(seq: Float32Array, p: number): Float32Array {
  const s = seq.length / p;
  const mean = new Float32Array(p);
  for (let k = 0; k < s; k++) for (let j = 0; j < p; j++) mean[j]! += seq[k * p + j]! / s;
  return mean;
}

function candidate(scores: readonly number[], y: readonly number[]): CandidateQuality {
  return { rocAuc: rocAuc(scores, y), prAuc: prAuc(scores, y) };
}

function gruData(tracks: readonly number[], tags: readonly TrainerTag[], data: ReadonlyMap<number, Projected>) {
  const n = tracks.length;
  const l = tags.length;
  const y = new Float32Array(n * l);
  const mask = new Float32Array(n * l);
  tracks.forEach((id, i) => {
    tags.forEach((t, ti) => {
      const v = t.labels.get(id);
      if (v === undefined) return;
      mask[i * l + ti] = 1;
      y[i * l + ti] = v;
    });
  });
  return { seqs: tracks.map((id) => data.get(id)!.seq), y, mask };
}

/** Out-of-fold baseline probabilities of one tag over the given folds. */
function logregOof(labels: ReadonlyMap<number, 0 | 1>, folds: ReadonlyMap<number, number>, k: number, data: ReadonlyMap<number, Projected>, p: number): Map<number, number> {
  const out = new Map<number, number>();
  const ids = [...labels.keys()].sort((a, b) => a - b);
  for (let f = 0; f < k; f++) {
    const train = ids.filter((id) => folds.get(id) !== f);
    const test = ids.filter((id) => folds.get(id) === f);
    if (test.length === 0) continue;
    const x = new Float32Array(train.length * p);
    train.forEach((id, i) => { x.set(data.get(id)!.mean, i * p); });
    const model = fitLogReg(x, train.map((id) => labels.get(id)!), p);
    const xt = new Float32Array(test.length * p);
    test.forEach((id, i) => { xt.set(data.get(id)!.mean, i * p); });
    predictLogReg(model, xt, p).forEach((v, i) => out.set(test[i]!, v));
  }
  return out;
}

/**
 * The baseline's cross-validated quality on stratified subsamples of the
 * labels (same seed, nested: a smaller sample is part of a larger one), so
 * the user sees whether more labels still help. The point at 100% is the
 * baseline's full cross-validation.
 */
function learningCurve(t: TrainerTag, data: ReadonlyMap<number, Projected>, p: number, full: CandidateQuality, seed: number): LearningPoint[] {
  const rng = Rng.derive(seed, `curve-${t.id}`);
  const ids = [...t.labels.keys()].sort((a, b) => a - b);
  const yes = rng.shuffle(ids.filter((id) => t.labels.get(id) === 1));
  const no = rng.shuffle(ids.filter((id) => t.labels.get(id) === 0));
  return LEARNING_FRACTIONS.map((fraction) => {
    if (fraction === 1) return { fraction, nYes: yes.length, nNo: no.length, rocAuc: full.rocAuc, prAuc: full.prAuc };
    const sy = yes.slice(0, Math.ceil(fraction * yes.length));
    const sn = no.slice(0, Math.ceil(fraction * no.length));
    const k = Math.min(5, sy.length, sn.length);
    if (k < 2) return { fraction, nYes: sy.length, nNo: sn.length, rocAuc: null, prAuc: null };
    const labels = new Map<number, 0 | 1>([...sy.map((id) => [id, 1] as const), ...sn.map((id) => [id, 0] as const)]);
    const folds = stratifiedFolds([labels], k, Rng.derive(seed, `curve-folds-${t.id}-${fraction}`));
    const o = logregOof(labels, folds, k, data, p);
    const sub = [...labels.keys()].sort((a, b) => a - b);
    const c = candidate(sub.map((id) => o.get(id)!), sub.map((id) => labels.get(id)!));
    return { fraction, nYes: sy.length, nNo: sn.length, rocAuc: c.rocAuc, prAuc: c.prAuc };
  });
}
