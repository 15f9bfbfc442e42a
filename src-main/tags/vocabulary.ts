import type { Db } from '../db/database.js';
import { NotFoundError, UsageError } from '../core/errors.js';
import { cleanTagName, tagKey } from './names.js';
import { durableWrite } from './durable.js';

/** A user tag as stored (user_tags row). */
export interface UserTag {
  readonly id: number;
  readonly name: string;
  readonly createdAt: number;
  readonly deletedAt: number | null;
  readonly thresholdOverride: number | null;
  readonly mergedInto: number | null;
}

interface TagRow {
  id: number;
  name: string;
  created_at: number;
  deleted_at: number | null;
  threshold_override: number | null;
  merged_into: number | null;
}

const toTag = (r: TagRow): UserTag => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
  thresholdOverride: r.threshold_override,
  mergedInto: r.merged_into,
});

/** The live tag with this name (compared by tagKey), or undefined. */
export function findTag(db: Db, name: string): UserTag | undefined {
  const row = db.prepare('SELECT * FROM user_tags WHERE name_key = ? AND deleted_at IS NULL').get(tagKey(name)) as TagRow | undefined;
  return row ? toTag(row) : undefined;
}

export function getTag(db: Db, name: string): UserTag {
  const tag = findTag(db, name);
  if (!tag) throw new NotFoundError(`unknown tag ${JSON.stringify(cleanTagName(name))}; create it with \`earmark tags create\` (see \`earmark tags list\`)`);
  return tag;
}

export function tagById(db: Db, id: number): UserTag | undefined {
  const row = db.prepare('SELECT * FROM user_tags WHERE id = ?').get(id) as TagRow | undefined;
  return row ? toTag(row) : undefined;
}

export function liveTags(db: Db): UserTag[] {
  return (db.prepare('SELECT * FROM user_tags WHERE deleted_at IS NULL ORDER BY name_key').all() as TagRow[]).map(toTag);
}

export function allTags(db: Db): UserTag[] {
  return (db.prepare('SELECT * FROM user_tags ORDER BY name_key, id').all() as TagRow[]).map(toTag);
}

export function createTag(db: Db, rawName: string, now: number = Date.now()): UserTag {
  const name = cleanTagName(rawName);
  const key = tagKey(name);
  return durableWrite(db, () => {
    const existing = db.prepare('SELECT name FROM user_tags WHERE name_key = ? AND deleted_at IS NULL').get(key) as { name: string } | undefined;
    if (existing) throw new UsageError(`tag ${JSON.stringify(existing.name)} already exists`);
    const id = Number(db.prepare('INSERT INTO user_tags (name, name_key, created_at) VALUES (?, ?, ?)').run(name, key, now).lastInsertRowid);
    return tagById(db, id)!;
  });
}

/** Renames a live tag; a change of case or spelling of the same tag is allowed. Labels and models follow the id. */
export function renameTag(db: Db, oldName: string, newName: string): UserTag {
  const name = cleanTagName(newName);
  const key = tagKey(name);
  return durableWrite(db, () => {
    const tag = getTag(db, oldName);
    const clash = db.prepare('SELECT id, name FROM user_tags WHERE name_key = ? AND deleted_at IS NULL AND id != ?').get(key, tag.id) as { id: number; name: string } | undefined;
    if (clash) throw new UsageError(`tag ${JSON.stringify(clash.name)} already exists; use \`earmark tags merge\` to join two tags`);
    db.prepare('UPDATE user_tags SET name = ?, name_key = ? WHERE id = ?').run(name, key, tag.id);
    return tagById(db, tag.id)!;
  });
}

/** Soft delete: the tag and its labels stay in the database, restorable with restoreTag. */
export function deleteTag(db: Db, name: string, now: number = Date.now()): UserTag {
  return durableWrite(db, () => {
    const tag = getTag(db, name);
    db.prepare('UPDATE user_tags SET deleted_at = ? WHERE id = ?').run(now, tag.id);
    return tagById(db, tag.id)!;
  });
}

/** Brings back the most recently deleted tag of that name, with its labels; refused if a live tag now has the name. */
export function restoreTag(db: Db, name: string): UserTag {
  const key = tagKey(name);
  return durableWrite(db, () => {
    const live = db.prepare('SELECT name FROM user_tags WHERE name_key = ? AND deleted_at IS NULL').get(key) as { name: string } | undefined;
    if (live) throw new UsageError(`a tag named ${JSON.stringify(live.name)} exists now; rename it first, then restore`);
    const row = db.prepare('SELECT id FROM user_tags WHERE name_key = ? AND deleted_at IS NOT NULL ORDER BY deleted_at DESC, id DESC LIMIT 1').get(key) as { id: number } | undefined;
    if (!row) throw new NotFoundError(`no deleted tag named ${JSON.stringify(cleanTagName(name))} to restore`);
    db.prepare('UPDATE user_tags SET deleted_at = NULL, merged_into = NULL WHERE id = ?').run(row.id);
    return tagById(db, row.id)!;
  });
}

export interface MergeResult {
  readonly from: UserTag;
  readonly into: UserTag;
  /** A's labels copied into B (B had none for that track). */
  readonly copied: number;
  /** Tracks labelled the same way in both. */
  readonly agreed: number;
  /** Tracks labelled differently: B's label is kept. */
  readonly conflicts: readonly { trackId: number; fromValue: 'yes' | 'no'; intoValue: 'yes' | 'no' }[];
}

/**
 * Merges tag A into tag B. Every label of A is copied to B where B has no
 * label for that track; where both have one and they differ, B's label wins
 * (B is the tag the user keeps, and its labels are the user's own judgement
 * of B) and the conflict is reported. A is then soft-deleted with its own
 * labels untouched, so `restoreTag(A)` brings it back exactly as it was
 * (B keeps the copies).
 */
export function mergeTags(db: Db, fromName: string, intoName: string, now: number = Date.now()): MergeResult {
  return durableWrite(db, () => {
    const from = getTag(db, fromName);
    const into = getTag(db, intoName);
    if (from.id === into.id) throw new UsageError(`cannot merge tag ${JSON.stringify(from.name)} into itself`);
    const rows = db
      .prepare(
        `SELECT a.track_id AS trackId, a.value AS fromValue, b.value AS intoValue
           FROM labels a LEFT JOIN labels b ON b.tag_id = ? AND b.track_id = a.track_id
          WHERE a.tag_id = ? ORDER BY a.track_id`,
      )
      .all(into.id, from.id) as { trackId: number; fromValue: number; intoValue: number | null }[];
    const insert = db.prepare('INSERT INTO labels (tag_id, track_id, value, updated_at) VALUES (?, ?, ?, ?)');
    let copied = 0;
    let agreed = 0;
    const conflicts: { trackId: number; fromValue: 'yes' | 'no'; intoValue: 'yes' | 'no' }[] = [];
    const yn = (v: number): 'yes' | 'no' => (v === 1 ? 'yes' : 'no');
    for (const r of rows) {
      if (r.intoValue === null) {
        insert.run(into.id, r.trackId, r.fromValue, now);
        copied++;
      } else if (r.intoValue === r.fromValue) agreed++;
      else conflicts.push({ trackId: r.trackId, fromValue: yn(r.fromValue), intoValue: yn(r.intoValue) });
    }
    db.prepare('UPDATE user_tags SET deleted_at = ?, merged_into = ? WHERE id = ?').run(now, into.id, from.id);
    return { from: tagById(db, from.id)!, into: tagById(db, into.id)!, copied, agreed, conflicts };
  });
}

/** Overrides the decision threshold of a tag (0 < value < 1), or clears the override with null. */
export function setThresholdOverride(db: Db, name: string, value: number | null): UserTag {
  if (value !== null && !(Number.isFinite(value) && value > 0 && value < 1)) {
    throw new UsageError(`a threshold is a probability strictly between 0 and 1, not ${value}`);
  }
  return durableWrite(db, () => {
    const tag = getTag(db, name);
    db.prepare('UPDATE user_tags SET threshold_override = ? WHERE id = ?').run(value, tag.id);
    return tagById(db, tag.id)!;
  });
}
