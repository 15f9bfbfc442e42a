/**
 * Everything known about one track, as plain data: what `earmark show`,
 * the HTTP door and the app display. The JSON is built here and nowhere
 * else, so later layers (the user's own tags) add their fields in one place.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { NotFoundError } from '../core/errors.js';
import { installedBaseModel } from '../model/registry.js';
import { blobToFloat32 } from './blobs.js';
import { modelTagNames } from './model-tags.js';
import type { AnalysisRow as StoredAnalysisRow } from './store.js';

/** Tag name to probability, in the model's tag order. */
export type TagProbabilities = Record<string, number>;

export interface TrackMetadata {
  readonly title: string | null;
  readonly artist: string | null;
  readonly album: string | null;
  readonly albumArtist: string | null;
  readonly trackNo: number | null;
  readonly discNo: number | null;
  readonly year: number | null;
  readonly genre: string | null;
  readonly durationSec: number | null;
  readonly format: string | null;
  readonly codec: string | null;
  readonly sampleRateHz: number | null;
  readonly channels: number | null;
  readonly bitrate: number | null;
}

export interface TrackAnalysisInfo {
  readonly modelId: string;
  readonly modelVersion: string;
  readonly status: 'done' | 'error';
  readonly error: string | null;
  readonly segmentCount: number | null;
  /** ISO 8601. */
  readonly analysedAt: string;
  /** False when the model version or the file's content changed since: the track is pending again. */
  readonly current: boolean;
}

export interface SegmentDetail {
  readonly index: number;
  readonly startSec: number;
  readonly endSec: number;
  readonly baseTags: TagProbabilities;
}

export interface TrackDetail {
  readonly id: number;
  readonly path: string;
  readonly status: string;
  readonly error: string | null;
  readonly metadata: TrackMetadata;
  readonly analysis: TrackAnalysisInfo | null;
  /** Song level: mean over segments of each tag's probability; null until analysed. */
  readonly baseTags: TagProbabilities | null;
  /** Song level: max over segments (a tag strong in one passage only). */
  readonly baseTagsMax: TagProbabilities | null;
  /** The time-varying view (a taggram): one entry per analysed segment. */
  readonly segments: readonly SegmentDetail[];
}

interface TrackRow {
  id: number;
  path: string;
  status: string;
  error: string | null;
  content_hash: string | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  album_artist: string | null;
  track_no: number | null;
  disc_no: number | null;
  year: number | null;
  genre: string | null;
  duration_sec: number | null;
  format: string | null;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  bitrate: number | null;
}

type AnalysisRow = Omit<StoredAnalysisRow, 'track_id' | 'embedding_mean'>;

/** Finds a track by id (all digits) or by path (relative to the working directory); throws NotFoundError naming what was asked. */
export function resolveTrackId(db: Db, idOrPath: string, cwd: string = process.cwd()): number {
  const byId = (id: number) => (db.prepare('SELECT id FROM tracks WHERE id = ?').get(id) as { id: number } | undefined)?.id;
  const byPath = (p: string) => (db.prepare('SELECT id FROM tracks WHERE path = ?').get(p) as { id: number } | undefined)?.id;
  if (/^\d+$/.test(idOrPath)) {
    const id = byId(Number(idOrPath));
    if (id !== undefined) return id;
  }
  const abs = path.resolve(cwd, idOrPath);
  let id = byPath(abs);
  if (id === undefined) {
    try {
      id = byPath(fs.realpathSync(abs));
    } catch {
      // Not on disk (any more): only the literal path could have matched.
    }
  }
  if (id === undefined) throw new NotFoundError(`no track with id or path ${idOrPath} in the library`);
  return id;
}

/** Rounds to 6 decimals: float32 noise in JSON helps nobody. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function toTagProbabilities(tags: readonly string[], values: Float32Array): TagProbabilities {
  if (values.length !== tags.length) throw new Error(`stored vector has ${values.length} values, the model has ${tags.length} tags`);
  const out: TagProbabilities = {};
  tags.forEach((t, i) => {
    out[t] = round6(values[i]!);
  });
  return out;
}

/** The n most probable tags, most probable first. */
export function topTags(probs: TagProbabilities, n: number): [string, number][] {
  return Object.entries(probs)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n);
}

export function trackDetail(db: Db, idOrPath: string | number, env: NodeJS.ProcessEnv = process.env): TrackDetail {
  const id = typeof idOrPath === 'number' ? idOrPath : resolveTrackId(db, idOrPath);
  const t = db.prepare('SELECT * FROM tracks WHERE id = ?').get(id) as TrackRow | undefined;
  if (!t) throw new NotFoundError(`no track with id ${id} in the library`);
  const installed = installedBaseModel(db, env);
  // The installed model's results when there are any, else the latest of any model.
  const a = (
    installed
      ? db.prepare('SELECT * FROM analyses WHERE track_id = ? AND model_id = ?').get(id, installed.id)
      : db.prepare('SELECT * FROM analyses WHERE track_id = ? ORDER BY analysed_at DESC LIMIT 1').get(id)
  ) as AnalysisRow | undefined;

  const metadata: TrackMetadata = {
    title: t.title,
    artist: t.artist,
    album: t.album,
    albumArtist: t.album_artist,
    trackNo: t.track_no,
    discNo: t.disc_no,
    year: t.year,
    genre: t.genre,
    durationSec: t.duration_sec,
    format: t.format,
    codec: t.codec,
    sampleRateHz: t.sample_rate,
    channels: t.channels,
    bitrate: t.bitrate,
  };
  const base = { id: t.id, path: t.path, status: t.status, error: t.error, metadata };
  if (!a) return { ...base, analysis: null, baseTags: null, baseTagsMax: null, segments: [] };

  const analysis: TrackAnalysisInfo = {
    modelId: a.model_id,
    modelVersion: a.model_version,
    status: a.status,
    error: a.error,
    segmentCount: a.segment_count,
    analysedAt: new Date(a.analysed_at).toISOString(),
    current: installed !== null && installed.id === a.model_id && installed.version === a.model_version && a.content_hash === t.content_hash,
  };
  const tags = modelTagNames(db, a.model_id, env);
  if (a.status !== 'done' || !tags || !a.tags_mean || !a.tags_max) return { ...base, analysis, baseTags: null, baseTagsMax: null, segments: [] };
  const segRows = db
    .prepare('SELECT idx, start_sec, end_sec, probs FROM segments WHERE track_id = ? AND model_id = ? ORDER BY idx')
    .all(id, a.model_id) as { idx: number; start_sec: number; end_sec: number; probs: Buffer }[];
  return {
    ...base,
    analysis,
    baseTags: toTagProbabilities(tags, blobToFloat32(a.tags_mean, 'analyses.tags_mean')),
    baseTagsMax: toTagProbabilities(tags, blobToFloat32(a.tags_max, 'analyses.tags_max')),
    segments: segRows.map((s) => ({ index: s.idx, startSec: s.start_sec, endSec: s.end_sec, baseTags: toTagProbabilities(tags, blobToFloat32(s.probs, 'segments.probs')) })),
  };
}
