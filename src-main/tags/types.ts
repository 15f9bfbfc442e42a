import type { Projection } from './pca.js';
import type { GruWeights } from './gru.js';
import type { LogReg } from './logreg.js';

/** Which of the two candidate models a tag uses. */
export type ModelKind = 'gru' | 'logreg';

export interface CandidateQuality {
  readonly rocAuc: number | null;
  readonly prAuc: number | null;
}

/** Cross-validated quality of the baseline on a stratified subsample of the labels. */
export interface LearningPoint {
  readonly fraction: number;
  readonly nYes: number;
  readonly nNo: number;
  readonly rocAuc: number | null;
  readonly prAuc: number | null;
}

export interface TagQuality {
  readonly tagId: number;
  readonly chosen: ModelKind;
  readonly rocAuc: number | null;
  readonly prAuc: number | null;
  readonly f1: number;
  /** Chosen to maximise F1 over the out-of-fold predictions of the chosen model. */
  readonly threshold: number;
  readonly nYes: number;
  readonly nNo: number;
  readonly details: {
    /** Folds of the cross-validation: min(5, minority label count). */
    readonly k: number;
    /**
     * How the model was chosen: 'pr_auc_one_se' (selection.ts) is the GRU only when its fold-by-fold
     * PR-AUC advantage exceeds its standard error; models trained before it say 'pr_auc'.
     */
    readonly selectedBy: 'pr_auc' | 'pr_auc_one_se';
    /** The GRU's paired CV advantage over the baseline (null when no GRU was fitted). */
    readonly gruAdvantage?: { readonly meanPrAuc: number; readonly standardError: number | null; readonly folds: number } | null;
    readonly candidates: { readonly gru: CandidateQuality | null; readonly logreg: CandidateQuality };
    readonly learningCurve: { readonly model: 'logreg'; readonly points: readonly LearningPoint[] };
    /** Set when the tag was not retrained and its part was copied from an earlier model. */
    readonly carriedFromModel?: number;
  };
}

/** Per tag: the baseline always (cheap, a fallback), and which model is used. */
export interface TagHead {
  readonly tagId: number;
  readonly chosen: ModelKind;
  readonly logreg: LogReg;
}

/**
 * What one training run produces: the input projection it fitted, the GRU
 * (when a tag chose it, or when asked for), and a head per tag. A model
 * version holds several parts when tags were trained at different times.
 */
export interface ModelPart {
  readonly projection: Projection;
  readonly gru: GruWeights | null;
  readonly heads: readonly TagHead[];
}

export interface TagModelFile {
  readonly format: 'earmark-tag-model';
  readonly formatVersion: 1;
  readonly baseModelId: string;
  readonly embeddingDim: number;
  readonly seed: number;
  readonly parts: readonly ModelPart[];
}

export interface TrainTagInput {
  readonly id: number;
  readonly name: string;
}

export interface TrainSettings {
  readonly seed: number;
  /** GRU units (default 32). */
  readonly units?: number;
  /** Optimiser steps aimed at per GRU fit (default 60). */
  readonly targetUpdates?: number;
  /** Fit the final GRU even when no tag chose it (benchmarks compare both). */
  readonly alwaysFitGru?: boolean;
  /** Skip the GRU candidate entirely (baseline only). */
  readonly noGru?: boolean;
  /** Fewest yes and fewest no labels for a tag to be trained (default 3; the benchmark's k = 2 point uses 2). */
  readonly minPerClass?: number;
  /** Principal components of the input projection (default 64). */
  readonly components?: number;
}

/** Sent to the training worker. */
export interface TrainWorkerRequest {
  readonly dbFile: string;
  readonly baseModelId: string;
  readonly tags: readonly TrainTagInput[];
  readonly settings: TrainSettings;
  /** Threads for GRU fits (default: 2 where there are 2 cores). */
  readonly threads?: number;
}

export interface SkippedTag {
  readonly tagId: number;
  readonly name: string;
  readonly nYes: number;
  readonly nNo: number;
  readonly reason: string;
}

export interface TrainOutcome {
  readonly part: ModelPart | null;
  readonly quality: readonly TagQuality[];
  readonly skipped: readonly SkippedTag[];
  readonly embeddingDim: number;
  /** Song-level probabilities of a few labelled tracks, to check the saved model against. */
  readonly probe: { readonly trackIds: readonly number[]; readonly probs: readonly (readonly number[])[] };
}

/** Messages from the training worker. */
export type TrainWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly message: string }
  | { readonly type: 'done'; readonly outcome: TrainOutcome }
  | { readonly type: 'error'; readonly message: string; readonly code?: string };
