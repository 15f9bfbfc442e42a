import type { Db } from '../db/database.js';
import { allTags, liveTags, type UserTag } from './vocabulary.js';
import { labelCounts, type LabelCounts } from './labels.js';
import type { ModelKind, TagQuality } from './types.js';

export interface StoredQuality {
  readonly modelId: number;
  readonly chosen: ModelKind;
  readonly rocAuc: number | null;
  readonly prAuc: number | null;
  readonly f1: number | null;
  readonly threshold: number;
  readonly nYes: number;
  readonly nNo: number;
  readonly details: TagQuality['details'] | null;
}

export interface TagSummary {
  readonly id: number;
  readonly name: string;
  readonly createdAt: number;
  readonly deleted: boolean;
  readonly deletedAt: number | null;
  readonly mergedInto: string | null;
  /** Current labels (the quality below counts those at training time). */
  readonly labels: LabelCounts;
  /** The threshold in use and where it comes from. */
  readonly threshold: { readonly value: number | null; readonly source: 'override' | 'trained' | 'none' };
  /** Cross-validated quality in the active model, null when the tag is not trained. */
  readonly quality: StoredQuality | null;
}

export function qualityOf(db: Db, tagId: number): StoredQuality | null {
  const r = db
    .prepare(
      `SELECT q.tag_model_id AS modelId, q.chosen, q.roc_auc AS rocAuc, q.pr_auc AS prAuc, q.f1, q.threshold, q.n_yes AS nYes, q.n_no AS nNo, q.details
         FROM tag_quality q JOIN tag_models m ON m.id = q.tag_model_id AND m.status = 'active' WHERE q.tag_id = ?`,
    )
    .get(tagId) as (Omit<StoredQuality, 'details'> & { details: string | null }) | undefined;
  if (!r) return null;
  return { ...r, details: r.details ? (JSON.parse(r.details) as TagQuality['details']) : null };
}

/** The threshold in use: the user's override, else the trained one, else null. */
export function effectiveThreshold(db: Db, tagId: number): number | null {
  const override = db.prepare('SELECT threshold_override FROM user_tags WHERE id = ?').pluck().get(tagId) as number | null | undefined;
  if (override !== null && override !== undefined) return override;
  return qualityOf(db, tagId)?.threshold ?? null;
}

export function summarise(db: Db, tag: UserTag): TagSummary {
  const quality = qualityOf(db, tag.id);
  const merged = tag.mergedInto === null ? null : ((db.prepare('SELECT name FROM user_tags WHERE id = ?').pluck().get(tag.mergedInto) as string | undefined) ?? null);
  const threshold =
    tag.thresholdOverride !== null
      ? { value: tag.thresholdOverride, source: 'override' as const }
      : quality
        ? { value: quality.threshold, source: 'trained' as const }
        : { value: null, source: 'none' as const };
  return {
    id: tag.id,
    name: tag.name,
    createdAt: tag.createdAt,
    deleted: tag.deletedAt !== null,
    deletedAt: tag.deletedAt,
    mergedInto: merged,
    labels: labelCounts(db, tag.id),
    threshold,
    quality,
  };
}

/** `tags list`: live tags (and deleted ones with includeDeleted), with labels and quality. */
export function listTags(db: Db, options: { includeDeleted?: boolean } = {}): TagSummary[] {
  return (options.includeDeleted ? allTags(db) : liveTags(db)).map((t) => summarise(db, t));
}
