import type { Db } from '../db/database.js';
import type { Comparison, LeafNode, Query, QueryNode, SortKey } from './ast.js';
import { FIELD_NAMES } from './ast.js';
import { baseTagKey, type BaseModelVocabulary } from './base-models.js';
import { pathIdAt, userTagKey, type ColumnCache, type TrackColumns, type TrackOrder, type UserTagInfo } from './column-cache.js';
import { QueryError, listNames } from './query-error.js';

/** Per-track values the query used (a tag score, a similarity), indexed by track id; NaN where the track has none. */
type Scores = Float32Array | Float64Array;

/** A set of tracks: mask[id] = 1 when track id is in it. */
type Mask = Uint8Array;

export interface Evaluation {
  /** Matching track ids, ordered, at most `want` of them when a want was given. */
  readonly ids: Int32Array;
  /** How many tracks matched (before `limit:` and paging). */
  readonly matched: number;
  /** The ranking score (similarity for like:, else the mean tag score), or null when the query has none. */
  readonly score: Scores | null;
  /** Scores the query used, by a readable key (`tag:warm`, `msd:jazz`, `like:12`). */
  readonly used: ReadonlyMap<string, Scores>;
}

/** How many of a track's strongest base tags `msd:jazz` (no comparison) accepts. */
export const BASE_TAG_TOP = 3;

/** A comparison as an interval; NaN fails every test against it. */
function bounds(c: Comparison): { lo: number; hi: number; loOpen: boolean; hiOpen: boolean } {
  switch (c.op) {
    case '>':
      return { lo: c.value, hi: Infinity, loOpen: true, hiOpen: false };
    case '>=':
      return { lo: c.value, hi: Infinity, loOpen: false, hiOpen: false };
    case '<':
      return { lo: -Infinity, hi: c.value, loOpen: false, hiOpen: true };
    case '<=':
      return { lo: -Infinity, hi: c.value, loOpen: false, hiOpen: false };
    case '=':
      return { lo: c.value, hi: c.value, loOpen: false, hiOpen: false };
    case 'range':
      return { lo: c.min ?? -Infinity, hi: c.max ?? Infinity, loOpen: false, hiOpen: false };
  }
}

function passes(c: Comparison, v: number): boolean {
  if (Number.isNaN(v)) return false;
  switch (c.op) {
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    case '=':
      return v === c.value;
    case 'range':
      return (c.min === null || v >= c.min) && (c.max === null || v <= c.max);
  }
}

/** Durations are fractional seconds: `duration:300` means "rounds to 300". */
function durationComparison(c: Comparison): Comparison {
  return c.op === '=' ? { op: 'range', min: c.value - 0.5, max: c.value + 0.5 } : c;
}

/** FTS5 phrase for a word: quoted (so no operator syntax leaks in), `*` for prefixes; null if it has nothing to index. */
function ftsPhrase(leaf: Extract<LeafNode, { kind: 'text' }>, prefix: boolean): string | null {
  if (!/[\p{L}\p{N}\p{Co}]/u.test(leaf.text)) return null;
  const phrase = `"${leaf.text.replace(/"/g, '""')}"${prefix ? '*' : ''}`;
  return leaf.field === null ? phrase : `${leaf.field} : ${phrase}`;
}

/** A sort key: values by track id (NaN sorts last either way). */
interface SortBy {
  readonly values: Scores;
  readonly descending: boolean;
  /** For a field key: the precomputed order `values` ranks, so no sort is needed. */
  readonly order?: TrackOrder;
}

export interface EvaluateOptions {
  readonly baseModels: readonly BaseModelVocabulary[];
  /** Position of the text term to treat as a prefix (search-as-you-type), or null. */
  readonly prefixAt: number | null;
}

/**
 * Evaluates a parsed query as sets of track ids (byte masks over track id)
 * combined by AND/OR/NOT, then orders the matches. Leaves read the column
 * cache or, for words, the FTS5 index through one parameterised MATCH per AND
 * group. Throws QueryError for names that do not resolve.
 */
export class Evaluator {
  private readonly tracks: TrackColumns;
  private readonly size: number;
  private readonly used = new Map<string, Scores>();
  private readonly likeScores: Scores[] = [];
  private readonly scoredByTags: Scores[] = [];

  constructor(private readonly db: Db, private readonly cache: ColumnCache, private readonly options: EvaluateOptions) {
    cache.refresh();
    this.tracks = cache.tracks();
    this.size = this.tracks.size;
  }

  run(query: Query, want: number | null): Evaluation {
    const mask = query.root === null ? this.tracks.live.slice() : this.node(query.root, null, true);
    const live = this.tracks.live;
    let matched = 0;
    for (let id = 0; id < this.size; id++) {
      if (mask[id] && live[id]) matched++;
      else mask[id] = 0;
    }
    const score = this.primaryScore();
    const keys = this.sortKeys(query.sort, score);
    const ids = this.order(mask, matched, keys, want);
    return { ids, matched, score, used: this.used };
  }

  // ---- set algebra ----

  private node(n: QueryNode, cand: Mask | null, positive: boolean): Mask {
    switch (n.kind) {
      case 'and':
        return this.and(n.children, cand, positive);
      case 'or': {
        const out = new Uint8Array(this.size);
        for (const c of n.children) {
          const r = this.node(c, cand, positive);
          for (let i = 0; i < this.size; i++) out[i]! |= r[i]!;
        }
        return out;
      }
      case 'not': {
        const r = this.node(n.child, cand, false);
        const out = new Uint8Array(this.size);
        const live = this.tracks.live;
        for (let i = 0; i < this.size; i++) out[i] = live[i]! & (r[i]! ^ 1) & (cand ? cand[i]! : 1);
        return out;
      }
      default:
        return this.leaf(n, cand, positive);
    }
  }

  private and(children: readonly QueryNode[], cand: Mask | null, positive: boolean): Mask {
    const cur = cand ? cand.slice() : this.tracks.live.slice();
    const texts = children.filter((c): c is Extract<LeafNode, { kind: 'text' }> => c.kind === 'text');
    if (texts.length > 0) this.intersect(cur, this.text(texts));
    // Similarity last: it is the costly leaf, and it only needs the tracks the others kept.
    const rest = children.filter((c) => c.kind !== 'text').sort((a, b) => Number(a.kind === 'like') - Number(b.kind === 'like'));
    for (const c of rest) this.intersect(cur, this.node(c, cur, positive));
    return cur;
  }

  private intersect(into: Mask, other: Mask): void {
    for (let i = 0; i < this.size; i++) into[i]! &= other[i]!;
  }

  // ---- leaves ----

  private leaf(n: LeafNode, cand: Mask | null, positive: boolean): Mask {
    switch (n.kind) {
      case 'text':
        return this.text([n]);
      case 'path': {
        // Separators never match: a needle with \0 in it finds nothing.
        const needle = n.text.toLowerCase().replace(/\\/g, '/');
        const index = this.cache.paths();
        const out = new Uint8Array(this.size);
        if (needle === '' || needle.includes('\0')) return out;
        const live = this.tracks.live;
        for (let at = index.text.indexOf(needle); at >= 0; ) {
          const id = pathIdAt(index, at);
          if (id < this.size && live[id]) out[id] = 1;
          // Skip to the next path: one hit per track is enough.
          const next = index.text.indexOf('\0', at);
          at = next < 0 ? -1 : index.text.indexOf(needle, next);
        }
        return out;
      }
      case 'format': {
        const want = this.cache.formats().codes.get(n.text.toLowerCase().replace(/^\./, ''));
        const out = new Uint8Array(this.size);
        if (want === undefined) return out;
        const live = this.tracks.live;
        for (const col of this.cache.formats().columns) {
          const end = Math.min(this.size, col.length);
          for (let id = 0; id < end; id++) if (col[id] === want && live[id]) out[id] = 1;
        }
        return out;
      }
      case 'number': {
        const col = n.field === 'year' ? this.tracks.year : this.tracks.durationSec;
        const cmp = n.field === 'duration' ? durationComparison(n.cmp) : n.cmp;
        return this.rangeMask(col, 1, 0, null, cmp);
      }
      case 'tag':
        return this.tag(n, positive);
      case 'label': {
        const info = this.userTag(n.name, n.pos);
        const label = this.cache.userTagLabels(info.id);
        const out = new Uint8Array(this.size);
        const values = new Float32Array(this.size).fill(NaN);
        const live = this.tracks.live;
        const end = Math.min(this.size, label.length);
        for (let id = 0; id < end; id++) {
          const l = label[id]!;
          if (l >= 0) values[id] = l;
          if (live[id] && (n.value === 'any' ? l >= 0 : l === (n.value === 'yes' ? 1 : 0))) out[id] = 1;
        }
        if (positive) this.used.set(`label:${info.name}`, values);
        return out;
      }
      case 'base':
        return this.base(n, positive);
      case 'like':
        return this.like(n, cand, positive);
    }
  }

  private text(leaves: readonly Extract<LeafNode, { kind: 'text' }>[]): Mask {
    const phrases = leaves.map((l) => ftsPhrase(l, l.prefix || l.pos === this.options.prefixAt)).filter((p): p is string => p !== null);
    // Words without letters or digits ("-", "!!") match nothing in the index: they are ignored.
    if (phrases.length === 0) return this.tracks.live.slice();
    let rowids: number[];
    try {
      rowids = this.db.prepare('SELECT rowid FROM tracks_fts WHERE tracks_fts MATCH ?').pluck().all(phrases.join(' AND ')) as number[];
    } catch (err) {
      const first = leaves[0]!;
      throw new QueryError(first.pos, `expected words to search for, found ${JSON.stringify(first.text)} (${(err as Error).message})`, { cause: err });
    }
    const out = new Uint8Array(this.size);
    const live = this.tracks.live;
    for (const id of rowids) if (id < this.size && live[id]) out[id] = 1;
    return out;
  }

  private userTag(name: string, pos: number): UserTagInfo {
    const tags = this.cache.userTags();
    const key = userTagKey(name);
    const hit = tags.find((t) => t.key === key || userTagKey(t.name) === key);
    if (!hit) throw new QueryError(pos, `unknown tag ${JSON.stringify(name)}; your tags are: ${listNames(tags.map((t) => t.name))}`, { length: name.length });
    return hit;
  }

  /** The scores `tag:NAME` compares, by track id: a label wins (yes 1, no 0), else the prediction (NaN: none). */
  private tagScores(info: UserTagInfo, segments: boolean): Float32Array {
    const label = this.cache.userTagLabels(info.id);
    const source = segments ? this.cache.userTagSegmentMax(info.id) : this.cache.userTagPredictions(info.id);
    const scores = new Float32Array(this.size).fill(NaN);
    const end = Math.min(this.size, source.length);
    for (let id = 0; id < end; id++) scores[id] = source[id]!;
    const labelled = Math.min(this.size, label.length);
    for (let id = 0; id < labelled; id++) {
      const l = label[id]!;
      if (l >= 0) scores[id] = l;
    }
    return scores;
  }

  private tag(n: Extract<LeafNode, { kind: 'tag' }>, positive: boolean): Mask {
    const info = this.userTag(n.name, n.pos);
    const scores = this.tagScores(info, n.segments);
    if (positive) {
      this.used.set(`tag:${info.name}${n.segments ? '@any' : ''}`, scores);
      this.scoredByTags.push(scores);
    }
    // Labels are already folded into the score (yes 1, no 0), so "no" always excludes.
    return this.rangeMask(scores, 1, 0, null, n.cmp ?? { op: '>=', value: info.threshold });
  }

  /** Tracks whose value (values[id * stride + offset]) passes the comparison; NaN never passes. */
  private rangeMask(values: Float32Array | Float64Array, stride: number, offset: number, present: Uint8Array | null, cmp: Comparison): Mask {
    const { lo, hi, loOpen, hiOpen } = bounds(cmp);
    const out = new Uint8Array(this.size);
    const live = this.tracks.live;
    const end = Math.min(this.size, Math.floor((values.length - offset + stride - 1) / stride), present ? present.length : Infinity);
    for (let id = 0; id < end; id++) {
      if (!live[id] || (present && !present[id])) continue;
      const v = values[id * stride + offset]!;
      if ((loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi)) out[id] = 1;
    }
    return out;
  }

  private baseModel(prefix: string, pos: number): BaseModelVocabulary {
    const key = prefix.toLowerCase();
    const hit = this.options.baseModels.find((m) => m.prefixes.includes(key));
    if (!hit) {
      const valid = [...FIELD_NAMES, ...this.options.baseModels.flatMap((m) => m.prefixes)].map((f) => `${f}:`);
      throw new QueryError(pos, `unknown field "${prefix}:"; expected one of ${valid.join(' ')} (quote text that contains a colon)`, { length: prefix.length + 1 });
    }
    return hit;
  }

  /** A base tag's column (by track id, NaN: not analysed) and the columns of all its model's tags. */
  private baseScore(model: BaseModelVocabulary, prefix: string, name: string, max: boolean, pos: number): { scores: Float32Array; key: string; columns: readonly Float32Array[] } {
    const key = baseTagKey(name);
    const index = model.tags.findIndex((t) => baseTagKey(t) === key);
    if (index < 0) throw new QueryError(pos + prefix.length + 1, `unknown tag ${JSON.stringify(name)} of ${model.id}; its tags are: ${listNames(model.tags, 60)}`, { length: name.length });
    const cols = this.cache.baseTags(model.id, model.tags.length);
    const columns = max ? cols.max : cols.mean;
    const short = model.prefixes[model.prefixes.length - 1] ?? model.id;
    return { scores: columns[index]!, key: `${short}:${model.tags[index]!}${max ? '@max' : ''}`, columns };
  }

  private base(n: Extract<LeafNode, { kind: 'base' }>, positive: boolean): Mask {
    const model = this.baseModel(n.model, n.pos);
    const s = this.baseScore(model, n.model, n.name, n.max, n.pos);
    if (positive) {
      this.used.set(s.key, s.scores);
      this.scoredByTags.push(s.scores);
    }
    if (n.cmp) return this.rangeMask(s.scores, 1, 0, null, n.cmp);
    // Among the track's strongest: count, tag by tag, how many beat this one.
    const scores = s.scores;
    const end = Math.min(this.size, scores.length);
    const stronger = new Uint8Array(end);
    for (const col of s.columns) if (col !== scores) countGreater(col, scores, stronger, end);
    const out = new Uint8Array(this.size);
    const live = this.tracks.live;
    for (let id = 0; id < end; id++) if (live[id] && stronger[id]! < BASE_TAG_TOP && !Number.isNaN(scores[id]!)) out[id] = 1;
    return out;
  }

  /** The base model whose embeddings like: compares: the first manifest with analyses, else the most analysed model. */
  private embeddingModel(): string | null {
    const has = this.db.prepare("SELECT 1 FROM analyses WHERE model_id = ? AND status = 'done' AND embedding_mean IS NOT NULL LIMIT 1").pluck();
    for (const m of this.options.baseModels) if (has.get(m.id) !== undefined) return m.id;
    const row = this.db.prepare("SELECT model_id FROM analyses WHERE status = 'done' AND embedding_mean IS NOT NULL GROUP BY model_id ORDER BY count(*) DESC LIMIT 1").pluck().get() as string | undefined;
    return row ?? null;
  }

  private resolveTrack(text: string, pos: number): number {
    const notFound = (why: string): never => {
      throw new QueryError(pos + 5, `expected a track id or path after "like:", ${why}`, { length: text.length });
    };
    if (/^\d+$/.test(text)) {
      const id = Number(text);
      const exists = this.db.prepare('SELECT 1 FROM tracks WHERE id = ?').pluck().get(id);
      if (exists === undefined) notFound(`but there is no track ${id}`);
      return id;
    }
    const exact = this.db.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(text) as number | undefined;
    if (exact !== undefined) return exact;
    // A file name or the end of a path is enough when it names one track.
    const needle = `${text.toLowerCase().replace(/\\/g, '/')}\0`;
    const index = this.cache.paths();
    const hits: number[] = [];
    if (!needle.slice(0, -1).includes('\0')) {
      for (const prefix of ['\0', '/']) {
        for (let at = index.text.indexOf(prefix + needle); at >= 0 && hits.length < 6; at = index.text.indexOf(prefix + needle, at + 1)) {
          const id = pathIdAt(index, at + 1);
          if (!hits.includes(id)) hits.push(id);
        }
      }
    }
    if (hits.length === 0) notFound(`but no track has the path ${JSON.stringify(text)}`);
    if (hits.length > 1) notFound(`but ${JSON.stringify(text)} names several tracks (ids ${hits.slice(0, 5).join(', ')}${hits.length > 5 ? ', …' : ''}); use an id or a longer path`);
    return hits[0]!;
  }

  private like(n: Extract<LeafNode, { kind: 'like' }>, cand: Mask | null, positive: boolean): Mask {
    const ref = this.resolveTrack(n.track, n.pos);
    const modelId = this.embeddingModel();
    const emb = modelId === null ? null : this.cache.embeddings(modelId);
    if (!emb || emb.dim === 0 || ref >= emb.size || !emb.present[ref]) {
      throw new QueryError(n.pos + 5, `expected an analysed track after "like:", but track ${ref} has no embedding yet (run the analysis first)`, { length: n.track.length });
    }
    const { dim, unit, present } = emb;
    const sims = new Float32Array(this.size).fill(NaN);
    const out = new Uint8Array(this.size);
    const live = this.tracks.live;
    // A copy of the reference row, so the hot loop reads two arrays that cannot alias.
    const r = unit.slice(ref * dim, ref * dim + dim);
    const limit = Math.min(this.size, emb.size);
    for (let id = 0; id < limit; id++) {
      if (!live[id] || !present[id] || (cand && !cand[id])) continue;
      const dot = dotAt(unit, id * dim, r, dim);
      sims[id] = dot;
      if (!n.cmp || passes(n.cmp, dot)) out[id] = 1;
    }
    if (positive) {
      this.used.set(`like:${ref}`, sims);
      this.likeScores.push(sims);
    }
    return out;
  }

  // ---- ordering ----

  private primaryScore(): Scores | null {
    const parts = this.likeScores.length > 0 ? this.likeScores : this.scoredByTags;
    if (parts.length === 0) return null;
    if (parts.length === 1) return parts[0]!;
    const mean = new Float32Array(this.size);
    for (let id = 0; id < this.size; id++) {
      let sum = 0;
      let n = 0;
      for (const p of parts) {
        const v = p[id]!;
        if (!Number.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      mean[id] = n === 0 ? NaN : sum / n;
    }
    return mean;
  }

  private sortKeys(sort: readonly SortKey[], score: Scores | null): SortBy[] {
    const keys: SortBy[] = [];
    for (const k of sort) {
      switch (k.kind) {
        case 'field': {
          const order = this.cache.order(k.field);
          keys.push({ values: order.value, descending: k.descending, order });
          break;
        }
        case 'score':
          if (score) keys.push({ values: score, descending: k.descending });
          break;
        case 'tag': {
          const info = this.userTag(k.name, k.pos);
          const values = this.tagScores(info, k.segments);
          this.used.set(`tag:${info.name}${k.segments ? '@any' : ''}`, values);
          keys.push({ values, descending: k.descending });
          break;
        }
        case 'base': {
          const model = this.baseModel(k.model, k.pos);
          const s = this.baseScore(model, k.model, k.name, k.max, k.pos);
          this.used.set(s.key, s.scores);
          keys.push({ values: s.scores, descending: k.descending });
          break;
        }
      }
    }
    if (keys.length === 0 && score) keys.push({ values: score, descending: true });
    return keys;
  }

  /** Orders the matches by the keys (missing values last), ties in library order; only the first `want` when given. */
  private order(mask: Mask, matched: number, keys: readonly SortBy[], want: number | null): Int32Array {
    const k = want === null ? matched : Math.min(want, matched);
    const library = this.cache.order('library');
    if (keys.length === 0) {
      // Library order needs no sorting: walk the precomputed order.
      const out = new Int32Array(k);
      let n = 0;
      for (let i = 0; i < library.ids.length && n < k; i++) {
        const id = library.ids[i]!;
        if (id < this.size && mask[id]) out[n++] = id;
      }
      return out.subarray(0, n);
    }
    const only = keys.length === 1 ? keys[0] : undefined;
    if (only?.order) return walkOrder(mask, k, only.order, only.descending, library.ids);
    const ids = new Int32Array(matched);
    let n = 0;
    for (let id = 0; id < this.size; id++) if (mask[id]) ids[n++] = id;
    // Key values once per track, so comparisons read arrays instead of calling closures.
    const values = keys.map((key) => {
      const v = new Float64Array(matched);
      for (let i = 0; i < matched; i++) {
        const x = key.values[ids[i]!] ?? NaN;
        v[i] = Number.isNaN(x) ? NaN : key.descending ? -x : x;
      }
      return v;
    });
    const rank = library.rank;
    const cmp = (a: number, b: number): number => {
      for (const v of values) {
        const x = v[a]!;
        const y = v[b]!;
        if (x === y) continue;
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return x < y ? -1 : 1;
      }
      return rank[ids[a]!]! - rank[ids[b]!]!;
    };
    const positions = k < matched / 4 ? topK(matched, k, cmp) : Uint32Array.from({ length: matched }, (_, i) => i).sort(cmp).subarray(0, k);
    return Int32Array.from(positions, (p) => ids[p]!);
  }
}

/**
 * The first k matches under one field's precomputed order, without sorting (the table sorts
 * by a column on every search-as-you-type page): the tracks with a value in order or reversed,
 * then those without one in library order, as the general comparison would put them.
 */
function walkOrder(mask: Mask, k: number, order: TrackOrder, descending: boolean, libraryIds: Int32Array): Int32Array {
  const out = new Int32Array(k);
  let n = 0;
  const { ids, value } = order;
  const len = ids.length;
  const size = mask.length;
  for (let i = 0; i < len && n < k; i++) {
    const id = ids[descending ? len - 1 - i : i]!;
    if (id < size && mask[id] && !Number.isNaN(value[id]!)) out[n++] = id;
  }
  for (let i = 0; i < libraryIds.length && n < k; i++) {
    const id = libraryIds[i]!;
    if (id < size && mask[id] && Number.isNaN(value[id] ?? NaN)) out[n++] = id;
  }
  return out.subarray(0, n);
}

/** counts[i] += 1 where a[i] > b[i], for i < end (a small function V8 optimises on its own). */
function countGreater(a: Float32Array, b: Float32Array, counts: Uint8Array, end: number): void {
  for (let i = 0; i < end; i++) if (a[i]! > b[i]!) counts[i]!++;
}

/** Dot product of a[off..off+dim) and b[0..dim), four lanes at a time. */
function dotAt(a: Float32Array, off: number, b: Float32Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += a[off + j]! * b[j]!;
    s1 += a[off + j + 1]! * b[j + 1]!;
    s2 += a[off + j + 2]! * b[j + 2]!;
    s3 += a[off + j + 3]! * b[j + 3]!;
  }
  for (; j < dim; j++) s0 += a[off + j]! * b[j]!;
  return s0 + s1 + s2 + s3;
}

/** The k smallest of 0..n-1 under cmp, sorted: a bounded max-heap, O(n log k). */
export function topK(n: number, k: number, cmp: (a: number, b: number) => number): Uint32Array {
  const heap = new Uint32Array(k);
  let size = 0;
  const siftUp = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (cmp(heap[i]!, heap[p]!) <= 0) return;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && cmp(heap[l]!, heap[m]!) > 0) m = l;
      if (r < size && cmp(heap[r]!, heap[m]!) > 0) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  if (k === 0) return heap;
  for (let i = 0; i < n; i++) {
    if (size < k) {
      heap[size++] = i;
      siftUp(size - 1);
    } else if (cmp(i, heap[0]!) < 0) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.subarray(0, size).sort(cmp);
}
