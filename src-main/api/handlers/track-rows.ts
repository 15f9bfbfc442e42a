/**
 * Shapes tracks into the contract's rows: the catalogue's columns plus the
 * analysis state under the installed base model and the user's tags (label
 * and prediction) for the table's tag columns. The core decides which tracks
 * and in what order; this only fills in one page (at most 1000 ids).
 */
import type { Db } from '../../db/database.js';
import { installedBaseModel } from '../../model/registry.js';
import type { TrackRow } from '../contract.js';

interface Row {
  id: number;
  path: string;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  year: number | null;
  track_no: number | null;
  duration_sec: number | null;
  format: string | null;
  status: 'ok' | 'missing' | 'error';
  added_at: number;
  a_status: 'done' | 'error' | null;
}

export interface ModelKey {
  readonly id: string;
  readonly version: string;
}

export function activeModelKey(db: Db, env: NodeJS.ProcessEnv): ModelKey | null {
  const m = installedBaseModel(db, env);
  return m ? { id: m.id, version: m.version } : null;
}

/** Rows for these track ids, in the given order; unknown ids are left out. */
export function trackRowsByIds(db: Db, ids: readonly number[], model: ModelKey | null): TrackRow[] {
  if (ids.length === 0) return [];
  const json = JSON.stringify(ids);
  // An analysis counts only when it is the installed version's and from the current content.
  const rows = db
    .prepare(
      `SELECT t.id, t.path, t.title, t.artist, t.album, t.genre, t.year, t.track_no, t.duration_sec, t.format, t.status, t.added_at,
              CASE WHEN a.model_version = @version AND a.content_hash IS t.content_hash THEN a.status END AS a_status
       FROM json_each(@ids) j
       JOIN tracks t ON t.id = j.value
       LEFT JOIN analyses a ON a.track_id = t.id AND a.model_id = @model
       ORDER BY j.key`,
    )
    .all({ ids: json, model: model?.id ?? '', version: model?.version ?? '' }) as Row[];
  const cells = tagCells(db, json);
  return rows.map((r) => ({
    id: r.id,
    path: r.path,
    title: r.title,
    artist: r.artist,
    album: r.album,
    genre: r.genre,
    year: r.year,
    trackNo: r.track_no,
    durationSec: r.duration_sec,
    format: r.format,
    status: r.status,
    analysis: r.a_status ?? 'none',
    addedAt: r.added_at,
    userTags: cells.get(r.id) ?? [],
  }));
}

function tagCells(db: Db, idsJson: string): Map<number, TrackRow['userTags']> {
  const rows = db
    .prepare(
      `SELECT track_id AS trackId, tag_id AS tagId, max(label) AS label, max(probability) AS probability FROM (
         SELECT l.track_id, l.tag_id, l.value AS label, NULL AS probability FROM labels l WHERE l.track_id IN (SELECT value FROM json_each(@ids))
         UNION ALL
         SELECT p.track_id, p.tag_id, NULL, p.probability FROM predictions p WHERE p.track_id IN (SELECT value FROM json_each(@ids))
       ) x JOIN user_tags u ON u.id = x.tag_id AND u.deleted_at IS NULL
       GROUP BY track_id, tag_id ORDER BY track_id, tag_id`,
    )
    .all({ ids: idsJson }) as { trackId: number; tagId: number; label: number | null; probability: number | null }[];
  const out = new Map<number, TrackRow['userTags']>();
  for (const r of rows) {
    let list = out.get(r.trackId);
    if (!list) out.set(r.trackId, (list = []));
    list.push({ tagId: r.tagId, label: r.label === null ? null : r.label === 1, probability: r.probability });
  }
  return out;
}
