import type { Db } from '../db/database.js';
import { blobToFloats } from './dataset.js';
import { labelsOfTrack } from './labels.js';

// Kept apart from predict.ts so that reading a track's user tags (earmark
// show, the track panel) never loads TensorFlow.js.

export interface UserTagValue {
  readonly probability: number | null;
  readonly label: 'yes' | 'no' | null;
}

export interface TrackUserTags {
  /** Every live tag: its song-level probability (null before training) and the user's label. */
  readonly song: Record<string, UserTagValue>;
  /** Per segment (in order of idx): tag name -> probability of that segment on its own. */
  readonly segments: Record<string, number>[];
}

/** The user-tag view of one track, for `earmark show` (song level and per segment). */
export function userTagsForTrack(db: Db, trackId: number): TrackUserTags {
  const tags = db.prepare('SELECT id, name FROM user_tags WHERE deleted_at IS NULL ORDER BY name_key').all() as { id: number; name: string }[];
  const preds = new Map(
    (db.prepare('SELECT tag_id AS tagId, probability, segment_probs AS segmentProbs FROM predictions WHERE track_id = ?').all(trackId) as { tagId: number; probability: number; segmentProbs: Buffer | null }[]).map((r) => [r.tagId, r]),
  );
  const labels = labelsOfTrack(db, trackId);
  const song: Record<string, UserTagValue> = {};
  const segments: Record<string, number>[] = [];
  for (const t of tags) {
    const p = preds.get(t.id);
    song[t.name] = { probability: p ? p.probability : null, label: labels.get(t.id) ?? null };
    if (p?.segmentProbs) {
      blobToFloats(p.segmentProbs).forEach((v, k) => {
        segments[k] ??= {};
        segments[k][t.name] = v;
      });
    }
  }
  return { song, segments };
}
