/** The user's vocabulary, labels, training and suggestions: src-main/tags behind the contract. */
import { NotFoundError } from '../../core/errors.js';
import type { Db } from '../../db/database.js';
import {
  clearLabels,
  createTag,
  deleteTag,
  listTags,
  mergeTags,
  qualityOf,
  renameTag,
  setLabels,
  setThresholdOverride,
  suggestTracks,
  summarise,
  trainTagModels,
  type StoredQuality,
  type TagSummary,
  type UserTag as CoreTag,
} from '../../tags/index.js';
import { tagById } from '../../tags/vocabulary.js';
import type { UserTag } from '../contract.js';
import type { ApiContext } from '../context.js';
import type { Handlers } from '../dispatcher.js';
import { activeModelKey, trackRowsByIds } from './track-rows.js';
import { plural } from './shared.js';

function toQuality(tagId: number, q: StoredQuality | null): UserTag['quality'] {
  if (!q) return null;
  return {
    tagId,
    chosen: q.chosen,
    rocAuc: q.rocAuc,
    prAuc: q.prAuc,
    f1: q.f1,
    threshold: q.threshold,
    nYes: q.nYes,
    nNo: q.nNo,
    learningCurve: (q.details?.learningCurve.points ?? []).map((p) => ({ nLabels: p.nYes + p.nNo, rocAuc: p.rocAuc, prAuc: p.prAuc })),
  };
}

function countAbove(db: Db, tagId: number, threshold: number | null): number {
  if (threshold === null) return 0;
  return db.prepare('SELECT count(*) FROM predictions WHERE tag_id = ? AND probability >= ?').pluck().get(tagId, threshold) as number;
}

function toUserTag(db: Db, s: TagSummary): UserTag {
  return {
    id: s.id,
    name: s.name,
    createdAt: s.createdAt,
    nYes: s.labels.yes,
    nNo: s.labels.no,
    threshold: s.threshold.value,
    thresholdOverride: s.threshold.source === 'override' ? s.threshold.value : null,
    nPredicted: countAbove(db, s.id, s.threshold.value),
    quality: toQuality(s.id, s.quality),
  };
}

function liveTag(db: Db, id: number): CoreTag {
  const t = tagById(db, id);
  if (!t || t.deletedAt !== null) throw new NotFoundError(`no tag with id ${id}`);
  return t;
}

function userTag(db: Db, t: CoreTag): UserTag {
  return toUserTag(db, summarise(db, t));
}

function changed(ctx: ApiContext): void {
  ctx.events.emit('tagsChanged', {});
}

export const tagHandlers = {
  listTags: (_input, ctx) => listTags(ctx.db).map((s) => toUserTag(ctx.db, s)),

  createTag: (input, ctx) => {
    const t = createTag(ctx.db, input.name);
    changed(ctx);
    return userTag(ctx.db, t);
  },

  renameTag: (input, ctx) => {
    const t = renameTag(ctx.db, liveTag(ctx.db, input.id).name, input.name);
    changed(ctx);
    return userTag(ctx.db, t);
  },

  mergeTags: (input, ctx) => {
    const from = liveTag(ctx.db, input.fromId);
    const into = liveTag(ctx.db, input.intoId);
    mergeTags(ctx.db, from.name, into.name);
    changed(ctx);
    ctx.events.emit('libraryChanged', { reason: 'labels' });
    return userTag(ctx.db, liveTag(ctx.db, into.id));
  },

  deleteTag: (input, ctx) => {
    deleteTag(ctx.db, liveTag(ctx.db, input.id).name);
    changed(ctx);
    return { deleted: true };
  },

  setTagThreshold: (input, ctx) => {
    const t = setThresholdOverride(ctx.db, liveTag(ctx.db, input.id).name, input.threshold);
    changed(ctx);
    return userTag(ctx.db, t);
  },

  countAdmitted: (input, ctx) => {
    liveTag(ctx.db, input.id);
    return { count: countAbove(ctx.db, input.id, input.threshold) };
  },

  setLabels: (input, ctx) => {
    const name = liveTag(ctx.db, input.tagId).name;
    const r = input.value === null ? clearLabels(ctx.db, name, input.trackIds) : setLabels(ctx.db, name, input.trackIds, input.value ? 'yes' : 'no');
    ctx.events.emit('trackUpdated', { trackIds: [...input.trackIds] });
    changed(ctx);
    return { changed: r.count };
  },

  listLabels: (input, ctx) => {
    liveTag(ctx.db, input.tagId);
    const rows = ctx.db.prepare('SELECT track_id AS trackId, value, updated_at AS updatedAt FROM labels WHERE tag_id = ? ORDER BY updated_at DESC, track_id').all(input.tagId) as { trackId: number; value: number; updatedAt: number }[];
    return rows.map((r) => ({ trackId: r.trackId, value: r.value === 1, updatedAt: r.updatedAt }));
  },

  suggest: (input, ctx) => {
    const name = liveTag(ctx.db, input.tagId).name;
    const exclude = new Set(input.excludeIds);
    const picks = suggestTracks(ctx.db, name, { count: input.limit + exclude.size })
      .filter((s) => !exclude.has(s.trackId))
      .slice(0, input.limit);
    const rows = new Map(trackRowsByIds(ctx.db, picks.map((s) => s.trackId), activeModelKey(ctx.db, ctx.env)).map((r) => [r.id, r]));
    return picks.flatMap((s) => {
      const track = rows.get(s.trackId);
      return track ? [{ track, probability: s.probability, reason: s.reason }] : [];
    });
  },

  startTraining: (input, ctx) => {
    const names = input.tagIds?.map((id) => liveTag(ctx.db, id).name);
    return ctx.jobs.start(
      'training',
      async (run) => {
        const r = await trainTagModels(ctx.db, {
          ...(names ? { tags: names } : {}),
          ...(input.seed === undefined ? {} : { seed: input.seed }),
          dataDir: ctx.dataDir,
          signal: run.signal,
          onProgress: (p) => {
            run.progress(p);
          },
        });
        for (const s of r.skipped) run.itemError({ error: `${s.name}: ${s.reason}` });
        return `${plural(r.trained.length, 'tag')} trained, ${r.skipped.length} skipped, ${plural(r.predictedTracks, 'track')} predicted`;
      },
      { label: 'train' },
    );
  },

  trainingResults: (_input, ctx) => {
    const m = ctx.db.prepare("SELECT id, created_at AS createdAt, seed, base_model_id AS baseModelId, status FROM tag_models WHERE status = 'active' ORDER BY created_at DESC LIMIT 1").get() as
      | { id: number; createdAt: number; seed: number; baseModelId: string; status: string }
      | undefined;
    if (!m) return { model: null, tags: [] };
    const tags = listTags(ctx.db).flatMap((t) => {
      const q = toQuality(t.id, qualityOf(ctx.db, t.id));
      return q ? [{ ...q, name: t.name }] : [];
    });
    return { model: m, tags };
  },
} satisfies Partial<Handlers>;

