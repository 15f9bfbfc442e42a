import path from 'node:path';
import type { Db } from '../db/database.js';

/**
 * In-memory columns that search scans instead of asking SQLite row by row:
 * numeric metadata, base tags, embeddings and the user's tag scores, each a
 * typed array indexed directly by track id (ids are dense: scans never delete
 * rows), so parts load independently and a new track does not force a reload
 * of the embeddings.
 *
 * Freshness costs one cheap check per query: PRAGMA data_version (changes
 * made by other connections) plus total_changes() (this connection's own).
 * Only when that moved does each part compare its own fingerprint (counts and
 * maxima over indexes) and reload if its table changed.
 */

export interface TrackColumns {
  /** Array length for per-track columns: max(id) + 1. */
  readonly size: number;
  /** 1 for tracks search may return (all but status 'missing'). */
  readonly live: Uint8Array;
  readonly year: Float64Array;
  readonly durationSec: Float64Array;
}

/**
 * Base tags column by column (one Float32Array per tag, indexed by track id,
 * NaN where the track has no analysis): a query reads one or two tags of all
 * tracks, so each read is sequential instead of a stride through 50 values.
 */
export interface BaseTagColumns {
  readonly nTags: number;
  readonly size: number;
  /** Mean over segments, per tag. */
  readonly mean: readonly Float32Array[];
  /** Max over segments, per tag. */
  readonly max: readonly Float32Array[];
}

export interface EmbeddingColumns {
  readonly dim: number;
  readonly size: number;
  readonly present: Uint8Array;
  /** [size x dim] row-major, each present row scaled to unit length (cosine = dot product). */
  readonly unit: Float32Array;
}

export interface UserTagInfo {
  readonly id: number;
  readonly name: string;
  readonly key: string;
  /** threshold_override, else the active tag model's threshold, else 0.5. */
  readonly threshold: number;
}

export interface PathIndex {
  /** `\0path\0path\0...`, lower-cased, in id order. */
  readonly text: string;
  readonly ids: Int32Array;
  /** Offset of each path in `text`, ascending. */
  readonly starts: Int32Array;
}

export interface FormatIndex {
  /** Lower-cased name -> code (0: none). */
  readonly codes: ReadonlyMap<string, number>;
  /** Per id: extension, container and codec codes. */
  readonly columns: readonly Uint16Array[];
}

/** The id of the path that contains offset `at` of PathIndex.text. */
export function pathIdAt(index: PathIndex, at: number): number {
  let lo = 0;
  let hi = index.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return index.ids[lo]!;
}

interface Part<T> {
  value: T;
  fingerprint: string;
  generation: number;
}

/** The key a user tag name is compared by: NFKC and case-folded, like user_tags.name_key. */
export function userTagKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim();
}

/** Sort key of a text: accents dropped, case folded. */
export function foldForSort(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** Copies a little-endian float32 BLOB into `target` at element `offset` (memcpy; BLOBs need not be aligned). */
function copyFloats(blob: Buffer, target: Float32Array, offset: number): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset + offset * 4, blob.length);
  bytes.set(blob);
}

const ORDER_COLUMNS = {
  library: 'artist IS NULL, earmark_fold(artist), earmark_fold(album), disc_no, track_no, earmark_fold(title), path',
  title: 'title IS NULL, earmark_fold(title)',
  artist: 'artist IS NULL, earmark_fold(artist)',
  album: 'album IS NULL, earmark_fold(album), disc_no, track_no',
  genre: 'genre IS NULL, earmark_fold(genre)',
  year: 'year IS NULL, year',
  duration: 'duration_sec IS NULL, duration_sec',
  format: 'format IS NULL, earmark_fold(format)',
  path: 'path',
  added: 'added_at',
} as const;

export type OrderName = keyof typeof ORDER_COLUMNS;

/** Whether the sorted value is missing (sorted last in both directions). */
const NULL_TEST: Record<OrderName, string> = {
  library: '0',
  title: 'title IS NULL',
  artist: 'artist IS NULL',
  album: 'album IS NULL',
  genre: 'genre IS NULL',
  year: 'year IS NULL',
  duration: 'duration_sec IS NULL',
  format: 'format IS NULL',
  path: '0',
  added: '0',
};

export interface TrackOrder {
  /** rank[id]: the track's position in this order. */
  readonly rank: Int32Array;
  /** Track ids in this order. */
  readonly ids: Int32Array;
  /** The rank as a sort value, NaN where the track has no value for this order's column. */
  readonly value: Float64Array;
}

export class ColumnCache {
  private versionKey = '';
  private generation = 0;
  private readonly parts = new Map<string, Part<unknown>>();
  /** Fingerprints computed in this generation: several parts share one (paths, formats, orders: the tracks'). */
  private readonly fingerprints = new Map<string, string>();

  constructor(private readonly db: Db) {
    // SQLite's NOCASE folds ASCII only; this sorts "Énergie" with the E's.
    db.function('earmark_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldForSort(s) : s));
  }

  /** Call once per query: bumps the generation when anything in the database may have changed. */
  refresh(): void {
    const dataVersion = this.db.pragma('data_version', { simple: true }) as number;
    const own = this.db.prepare('SELECT total_changes()').pluck().get() as number;
    const key = `${dataVersion}:${own}`;
    if (key !== this.versionKey) {
      this.versionKey = key;
      this.generation++;
      this.fingerprints.clear();
    }
  }

  private part<T>(name: string, fingerprint: () => string, load: () => T): T {
    const p = this.parts.get(name) as Part<T> | undefined;
    if (p && p.generation === this.generation) return p.value;
    const fp = fingerprint();
    if (p?.fingerprint === fp) {
      p.generation = this.generation;
      return p.value;
    }
    const value = load();
    this.parts.set(name, { value, fingerprint: fp, generation: this.generation });
    return value;
  }

  private memo(key: string, compute: () => string): string {
    let fp = this.fingerprints.get(key);
    if (fp === undefined) {
      fp = compute();
      this.fingerprints.set(key, fp);
    }
    return fp;
  }

  private tracksFingerprint(): string {
    return this.memo('tracks', () => this.computeTracksFingerprint());
  }

  private computeTracksFingerprint(): string {
    const r = this.db.prepare("SELECT count(*), max(id), max(updated_at), (SELECT count(*) FROM tracks WHERE status = 'missing') FROM tracks").raw().get() as unknown[];
    return r.join(':');
  }

  tracks(): TrackColumns {
    return this.part('tracks', () => this.tracksFingerprint(), () => {
      const maxId = (this.db.prepare('SELECT max(id) FROM tracks').pluck().get() as number | null) ?? 0;
      const size = maxId + 1;
      const live = new Uint8Array(size);
      const year = new Float64Array(size).fill(NaN);
      const durationSec = new Float64Array(size).fill(NaN);
      for (const row of this.db.prepare('SELECT id, status, year, duration_sec FROM tracks').raw().iterate() as IterableIterator<[number, string, number | null, number | null]>) {
        const [id, status, y, d] = row;
        if (status !== 'missing') live[id] = 1;
        if (y !== null) year[id] = y;
        if (d !== null) durationSec[id] = d;
      }
      return { size, live, year, durationSec };
    });
  }

  /**
   * Every path, lower-cased and with / for \\, in one string (`\0` before and after each), so a
   * substring search is one indexOf loop and the heap holds one object, not
   * 100,000 (fewer and shorter garbage collections).
   */
  paths(): PathIndex {
    return this.part('paths', () => this.tracksFingerprint(), () => {
      const parts: string[] = [];
      const ids: number[] = [];
      const starts: number[] = [];
      let at = 1;
      for (const [id, p] of this.db.prepare('SELECT id, path FROM tracks ORDER BY id').raw().iterate() as IterableIterator<[number, string]>) {
        const lower = p.toLowerCase().replace(/\0/g, ' ').replace(/\\/g, '/');
        ids.push(id);
        starts.push(at);
        parts.push(lower);
        at += lower.length + 1;
      }
      return { text: `\0${parts.join('\0')}\0`, ids: Int32Array.from(ids), starts: Int32Array.from(starts) };
    });
  }

  /** Per id, codes of the lower-cased file extension, container and codec, for `format:`. */
  formats(): FormatIndex {
    return this.part('formats', () => this.tracksFingerprint(), () => {
      const { size } = this.tracks();
      const codes = new Map<string, number>();
      const code = (name: string): number => {
        let c = codes.get(name);
        if (c === undefined) {
          c = codes.size + 1;
          codes.set(name, c);
        }
        return c;
      };
      const ext = new Uint16Array(size);
      const container = new Uint16Array(size);
      const codec = new Uint16Array(size);
      for (const [id, p, f, c] of this.db.prepare('SELECT id, path, format, codec FROM tracks').raw().iterate() as IterableIterator<[number, string, string | null, string | null]>) {
        if (id >= size) continue;
        ext[id] = code(path.extname(p).slice(1).toLowerCase());
        if (f) container[id] = code(f.toLowerCase());
        if (c) codec[id] = code(c.toLowerCase());
      }
      return { codes, columns: [ext, container, codec] };
    });
  }

  /** Tracks sorted by `name` (nulls last), ties broken by library order (artist, album, disc, track, title). */
  order(name: OrderName): TrackOrder {
    return this.part(`order:${name}`, () => this.tracksFingerprint(), () => {
      const { size } = this.tracks();
      const rank = new Int32Array(size).fill(2 ** 31 - 1);
      const value = new Float64Array(size).fill(NaN);
      const columns = name === 'library' ? ORDER_COLUMNS.library : `${ORDER_COLUMNS[name]}, ${ORDER_COLUMNS.library}`;
      // Every piece is a constant from this file: nothing from the query reaches this SQL.
      const rows = this.db.prepare(`SELECT id, ${NULL_TEST[name]} FROM tracks ORDER BY ${columns}`).raw().all() as [number, number][];
      const ids = new Int32Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const [id, nul] = rows[i]!;
        ids[i] = id;
        rank[id] = i;
        if (!nul) value[id] = i;
      }
      return { rank, ids, value };
    });
  }

  private analysesFingerprint(modelId: string): string {
    return this.memo(`analyses:${modelId}`, () => this.computeAnalysesFingerprint(modelId));
  }

  private computeAnalysesFingerprint(modelId: string): string {
    const r = this.db.prepare("SELECT count(*), max(analysed_at) FROM analyses WHERE model_id = ? AND status = 'done'").raw().get(modelId) as unknown[];
    return r.join(':');
  }

  baseTags(modelId: string, nTags: number): BaseTagColumns {
    return this.part(`base:${modelId}:${nTags}`, () => this.analysesFingerprint(modelId), () => {
      const maxId = (this.db.prepare("SELECT max(track_id) FROM analyses WHERE model_id = ? AND status = 'done'").pluck().get(modelId) as number | null) ?? 0;
      const size = maxId + 1;
      const mean = Array.from({ length: nTags }, () => new Float32Array(size).fill(NaN));
      const max = Array.from({ length: nTags }, () => new Float32Array(size).fill(NaN));
      const row = new Float32Array(nTags);
      const rows = this.db.prepare("SELECT track_id, tags_mean, tags_max FROM analyses WHERE model_id = ? AND status = 'done' AND tags_mean IS NOT NULL").raw().iterate(modelId) as IterableIterator<[number, Buffer, Buffer | null]>;
      for (const [id, m, x] of rows) {
        // A vector of another length belongs to another model version: not comparable.
        if (m.length !== nTags * 4) continue;
        copyFloats(m, row, 0);
        for (let j = 0; j < nTags; j++) mean[j]![id] = row[j]!;
        copyFloats(x?.length === nTags * 4 ? x : m, row, 0);
        for (let j = 0; j < nTags; j++) max[j]![id] = row[j]!;
      }
      return { nTags, size, mean, max };
    });
  }

  embeddings(modelId: string): EmbeddingColumns {
    return this.part(`embedding:${modelId}`, () => this.analysesFingerprint(modelId), () => {
      const stats = this.db.prepare("SELECT max(track_id), max(length(embedding_mean)) FROM analyses WHERE model_id = ? AND status = 'done'").raw().get(modelId) as [number | null, number | null];
      const size = (stats[0] ?? 0) + 1;
      // The most common length wins if versions were mixed; the first row's is a fine stand-in.
      const firstLen = (this.db.prepare("SELECT length(embedding_mean) FROM analyses WHERE model_id = ? AND status = 'done' AND embedding_mean IS NOT NULL ORDER BY analysed_at DESC LIMIT 1").pluck().get(modelId) as number | undefined) ?? 0;
      const dim = Math.floor(firstLen / 4);
      const present = new Uint8Array(size);
      const unit = new Float32Array(dim > 0 ? size * dim : 0);
      if (dim > 0) {
        const rows = this.db.prepare("SELECT track_id, embedding_mean FROM analyses WHERE model_id = ? AND status = 'done' AND embedding_mean IS NOT NULL").raw().iterate(modelId) as IterableIterator<[number, Buffer]>;
        for (const [id, blob] of rows) {
          if (blob.length !== dim * 4) continue;
          const off = id * dim;
          copyFloats(blob, unit, off);
          let norm = 0;
          for (let j = 0; j < dim; j++) norm += unit[off + j]! * unit[off + j]!;
          if (!(norm > 0) || !Number.isFinite(norm)) {
            unit.fill(0, off, off + dim);
            continue;
          }
          const inv = 1 / Math.sqrt(norm);
          for (let j = 0; j < dim; j++) unit[off + j]! *= inv;
          present[id] = 1;
        }
      }
      return { dim, size, present, unit };
    });
  }

  /** The user's live tags, with the threshold that `tag:NAME` uses. */
  userTags(): readonly UserTagInfo[] {
    // A few rows: re-read whenever anything changed (a rename must show at once).
    return this.part('user-tags', () => `g${this.generation}`, () => {
      const rows = this.db
        .prepare(
          `SELECT t.id, t.name, t.name_key, coalesce(t.threshold_override, q.threshold, 0.5)
             FROM user_tags t
             LEFT JOIN tag_quality q ON q.tag_id = t.id AND q.tag_model_id = (SELECT max(id) FROM tag_models WHERE status = 'active')
            WHERE t.deleted_at IS NULL
            ORDER BY t.name COLLATE NOCASE`,
        )
        .raw()
        .all() as [number, string, string, number][];
      return rows.map(([id, name, key, threshold]) => ({ id, name, key, threshold }));
    });
  }

  private tagFingerprint(tagId: number): string {
    return this.memo(`tag:${tagId}`, () => this.computeTagFingerprint(tagId));
  }

  private computeTagFingerprint(tagId: number): string {
    const r = this.db
      .prepare(
        `SELECT (SELECT count(*) || ':' || total(probability) FROM predictions WHERE tag_id = @tag),
                (SELECT ifnull(max(id), 0) FROM tag_models WHERE status = 'active')`,
      )
      .raw()
      .get({ tag: tagId }) as unknown[];
    return r.join('|');
  }

  /** The user's labels of a tag by track id: 1 yes, 0 no, -1 none. Reloaded alone when labels change (often, and cheap). */
  userTagLabels(tagId: number): Int8Array {
    const fp = () => this.memo(`labels:${tagId}`, () => (this.db.prepare("SELECT count(*) || ':' || ifnull(max(updated_at), 0) || ':' || total(value) FROM labels WHERE tag_id = ?").pluck().get(tagId) as string));
    return this.part(`labels:${tagId}`, fp, () => {
      const { size } = this.tracks();
      const label = new Int8Array(size).fill(-1);
      for (const [id, v] of this.db.prepare('SELECT track_id, value FROM labels WHERE tag_id = ?').raw().iterate(tagId) as IterableIterator<[number, number]>) {
        if (id < size) label[id] = v === 1 ? 1 : 0;
      }
      return label;
    });
  }

  /** Predicted song-level probabilities of a tag by track id, NaN where none. */
  userTagPredictions(tagId: number): Float32Array {
    return this.part(`predictions:${tagId}`, () => this.tagFingerprint(tagId), () => {
      const { size } = this.tracks();
      const probability = new Float32Array(size).fill(NaN);
      for (const [id, p] of this.db.prepare('SELECT track_id, probability FROM predictions WHERE tag_id = ?').raw().iterate(tagId) as IterableIterator<[number, number]>) {
        if (id < size) probability[id] = p;
      }
      return probability;
    });
  }

  /** The highest segment probability of each track for a tag (predictions.segment_probs), NaN where none. */
  userTagSegmentMax(tagId: number): Float32Array {
    return this.part(`user-tag-segments:${tagId}`, () => this.tagFingerprint(tagId), () => {
      const { size } = this.tracks();
      const best = new Float32Array(size).fill(NaN);
      const rows = this.db.prepare('SELECT track_id, segment_probs FROM predictions WHERE tag_id = ? AND segment_probs IS NOT NULL').raw().iterate(tagId) as IterableIterator<[number, Buffer]>;
      for (const [id, blob] of rows) {
        if (id >= size) continue;
        const n = Math.floor(blob.length / 4);
        if (n === 0) continue;
        const probs = new Float32Array(n);
        copyFloats(blob.subarray(0, n * 4), probs, 0);
        let m = -Infinity;
        for (const p of probs) if (p > m) m = p;
        best[id] = m;
      }
      return best;
    });
  }
}

const caches = new WeakMap<Db, ColumnCache>();

/** The column cache of a database connection (one per connection: data_version is per connection). */
export function columnCache(db: Db): ColumnCache {
  let c = caches.get(db);
  if (!c) {
    c = new ColumnCache(db);
    caches.set(db, c);
  }
  return c;
}
