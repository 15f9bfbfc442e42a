import type { Db } from '../db/database.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { resolveTrackId } from '../analysis/track-detail.js';
import { cleanTagName } from './names.js';
import { createTag, findTag, getTag, type UserTag } from './vocabulary.js';
import { durableWrite } from './durable.js';

export type LabelValue = 'yes' | 'no';

/** A track named on the command line: an id (all digits) or a path. */
export function resolveTrackRef(db: Db, ref: string, cwd: string = process.cwd()): number {
  return resolveTrackId(db, ref, cwd);
}

export interface LabelOptions {
  /** Create the tag when it does not exist (else: an error naming it). */
  readonly create?: boolean;
  readonly now?: number;
}

export interface LabelResult {
  readonly tag: UserTag;
  readonly value: LabelValue | null;
  /** Labels written or removed (unchanged labels are counted too). */
  readonly count: number;
  readonly createdTag: boolean;
}

function tagFor(db: Db, name: string, create: boolean): { tag: UserTag; created: boolean } {
  const found = findTag(db, name);
  if (found) return { tag: found, created: false };
  if (!create) {
    throw new NotFoundError(`unknown tag ${JSON.stringify(cleanTagName(name))}; create it with \`earmark tags create\` or pass --create`);
  }
  return { tag: createTag(db, name), created: true };
}

/**
 * Labels tracks yes or no for a tag. One durable transaction for all of
 * them: either every label is on disk when this returns, or none changed.
 */
export function setLabels(db: Db, tagName: string, trackIds: readonly number[], value: LabelValue, options: LabelOptions = {}): LabelResult {
  const now = options.now ?? Date.now();
  // Tag creation runs before (its own durable transaction): nesting is not possible with the pragma switch.
  const { tag, created } = tagFor(db, tagName, options.create ?? false);
  const count = durableWrite(db, () => {
    const stmt = db.prepare(
      `INSERT INTO labels (tag_id, track_id, value, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(tag_id, track_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    const v = value === 'yes' ? 1 : 0;
    const exists = db.prepare('SELECT 1 FROM tracks WHERE id = ?').pluck();
    for (const id of trackIds) {
      if (exists.get(id) === undefined) throw new NotFoundError(`no track with id ${id} in the library`);
      stmt.run(tag.id, id, v, now);
    }
    return trackIds.length;
  });
  return { tag, value, count, createdTag: created };
}

/** Removes labels (the tracks become unlabelled for this tag). */
export function clearLabels(db: Db, tagName: string, trackIds: readonly number[]): LabelResult {
  const tag = getTag(db, tagName);
  const count = durableWrite(db, () => {
    const stmt = db.prepare('DELETE FROM labels WHERE tag_id = ? AND track_id = ?');
    let n = 0;
    for (const id of trackIds) n += stmt.run(tag.id, id).changes;
    return n;
  });
  return { tag, value: null, count, createdTag: false };
}

export interface LabelCounts {
  readonly yes: number;
  readonly no: number;
}

export function labelCounts(db: Db, tagId: number): LabelCounts {
  const r = db.prepare('SELECT COALESCE(SUM(value = 1), 0) AS yes, COALESCE(SUM(value = 0), 0) AS no FROM labels WHERE tag_id = ?').get(tagId) as { yes: number; no: number };
  return { yes: r.yes, no: r.no };
}

/** track id -> 1 (yes) / 0 (no) for one tag. */
export function labelsOfTag(db: Db, tagId: number): Map<number, 0 | 1> {
  const rows = db.prepare('SELECT track_id AS trackId, value FROM labels WHERE tag_id = ?').all(tagId) as { trackId: number; value: 0 | 1 }[];
  return new Map(rows.map((r) => [r.trackId, r.value]));
}

/** Labels of one track on live tags: tag id -> 'yes' | 'no'. */
export function labelsOfTrack(db: Db, trackId: number): Map<number, LabelValue> {
  const rows = db
    .prepare('SELECT l.tag_id AS tagId, l.value FROM labels l JOIN user_tags t ON t.id = l.tag_id WHERE l.track_id = ? AND t.deleted_at IS NULL')
    .all(trackId) as { tagId: number; value: number }[];
  return new Map(rows.map((r) => [r.tagId, r.value === 1 ? 'yes' : 'no']));
}

export function assertTrackRefsGiven(refs: readonly string[]): void {
  if (refs.length === 0) throw new UsageError('name at least one track (an id or a path), or use --query');
}
