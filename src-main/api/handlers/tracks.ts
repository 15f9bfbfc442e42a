/** Track detail, cover art and audio URLs. */
import fs from 'node:fs';
import { parseFile } from 'music-metadata';
import { NotFoundError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import { trackDetail } from '../../analysis/track-detail.js';
import { openablePath, trackFsPath } from '../../library/track-path.js';
import { effectiveThreshold, liveTags, userTagsForTrack } from '../../tags/index.js';
import type { Output } from '../contract.js';
import type { Handlers } from '../dispatcher.js';
import { audioMimeType } from '../audio-source.js';
import { activeModelKey, trackRowsByIds } from './track-rows.js';

interface MetaRow {
  album_artist: string | null;
  artists: string | null;
  genres: string | null;
  track_total: number | null;
  disc_no: number | null;
  disc_total: number | null;
  date: string | null;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  bitrate: number | null;
  size: number | null;
  error: string | null;
  moods: string | null;
  comments: string | null;
  mb_recording_id: string | null;
  updated_at: number;
  missing_since: number | null;
}

function jsonStrings(text: string | null): string[] {
  if (text === null) return [];
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** The user's tags on one track, from the tags core: label, probability, per-segment probabilities, threshold. */
function userTagsOnTrack(db: Db, trackId: number): Output<'trackDetail'>['userTags'] {
  const view = userTagsForTrack(db, trackId);
  return liveTags(db).map((t) => {
    const v = view.song[t.name];
    const probability = v?.probability ?? null;
    const threshold = effectiveThreshold(db, t.id);
    const segmentProbs = view.segments.length > 0 && view.segments.every((seg) => t.name in seg) ? view.segments.map((seg) => seg[t.name]!) : null;
    return {
      tagId: t.id,
      name: t.name,
      label: v?.label === undefined || v.label === null ? null : v.label === 'yes',
      probability,
      predicted: probability !== null && threshold !== null && probability >= threshold,
      threshold,
      segmentProbs,
    };
  });
}

export const trackHandlers = {
  trackDetail: (input, ctx) => {
    const d = trackDetail(ctx.db, input.id, ctx.env);
    const [row] = trackRowsByIds(ctx.db, [input.id], activeModelKey(ctx.db, ctx.env));
    const m = ctx.db.prepare('SELECT * FROM tracks WHERE id = ?').get(input.id) as MetaRow | undefined;
    if (!row || !m) throw new NotFoundError(`no track with id ${input.id} in the library`);
    const baseTagNames = Object.keys(d.baseTags ?? d.segments[0]?.baseTags ?? {});
    const max = d.baseTagsMax ?? {};
    return {
      track: {
        ...row,
        albumArtist: m.album_artist,
        artists: jsonStrings(m.artists),
        genres: jsonStrings(m.genres),
        trackTotal: m.track_total,
        discNo: m.disc_no,
        discTotal: m.disc_total,
        date: m.date,
        codec: m.codec,
        sampleRate: m.sample_rate,
        channels: m.channels,
        bitrate: m.bitrate,
        size: m.size,
        error: m.error,
        moods: jsonStrings(m.moods),
        comments: jsonStrings(m.comments),
        mbRecordingId: m.mb_recording_id,
        updatedAt: m.updated_at,
        missingSince: m.missing_since,
      },
      analysis: d.analysis
        ? {
            state: d.analysis.current ? d.analysis.status : 'none',
            modelId: d.analysis.modelId,
            modelVersion: d.analysis.modelVersion,
            segmentCount: d.analysis.segmentCount,
            error: d.analysis.error,
            analysedAt: Date.parse(d.analysis.analysedAt),
          }
        : null,
      baseTagNames,
      baseTags: Object.entries(d.baseTags ?? {})
        .map(([tag, mean]) => ({ tag, mean, max: max[tag] ?? mean }))
        .sort((a, b) => b.mean - a.mean),
      segments: d.segments.map((s) => ({ index: s.index, startSec: s.startSec, endSec: s.endSec, probs: baseTagNames.map((n) => s.baseTags[n] ?? 0) })),
      userTags: userTagsOnTrack(ctx.db, input.id),
      audioUrl: ctx.audioUrl(input.id),
    };
  },

  trackCover: async (input, ctx) => {
    const row = ctx.db.prepare('SELECT path, path_raw FROM tracks WHERE id = ?').get(input.id) as { path: string; path_raw: Buffer | null } | undefined;
    if (!row) throw new NotFoundError(`no track with id ${input.id} in the library`);
    const fsPath = trackFsPath(row);
    let fd: number;
    try {
      fd = fs.openSync(fsPath, 'r');
    } catch {
      return null;
    }
    try {
      const meta = await parseFile(openablePath(fsPath, fd), { skipCovers: false, duration: false });
      const pic = meta.common.picture?.[0];
      // Only image types a browser shows; anything else is not worth the bytes.
      if (!pic || !/^image\/(jpeg|png|gif|webp)$/.test(pic.format)) return null;
      return { mime: pic.format, dataBase64: Buffer.from(pic.data).toString('base64') };
    } catch {
      // A file whose tags cannot be read has no cover to show; the scan recorded why.
      return null;
    } finally {
      fs.closeSync(fd);
    }
  },

  audioUrl: (input, ctx) => {
    const row = ctx.db.prepare('SELECT path FROM tracks WHERE id = ?').get(input.id) as { path: string } | undefined;
    if (!row) throw new NotFoundError(`no track with id ${input.id} in the library`);
    return { url: ctx.audioUrl(input.id), mime: audioMimeType(row.path) };
  },
} satisfies Partial<Handlers>;
