import type { Db } from '../db/database.js';
import type { Query } from './ast.js';
import { loadBaseModels, type BaseModelVocabulary } from './base-models.js';
import { columnCache } from './column-cache.js';
import { Evaluator, type Evaluation } from './evaluate.js';
import { lex } from './lexer.js';
import { parseQuery } from './parser.js';
import { QueryError } from './query-error.js';

export interface SearchOptions {
  /** Page size; default: all matches (or the query's `limit:`). */
  readonly limit?: number;
  readonly offset?: number;
  /** Search-as-you-type: the last word, when nothing follows it, matches as a prefix (`lov` finds "Love"). */
  readonly asYouType?: boolean;
  /** Base models whose tags `msd:` and friends name; default: the manifests in models/. */
  readonly baseModels?: readonly BaseModelVocabulary[];
}

export interface SearchHit {
  readonly id: number;
  readonly path: string;
  readonly title: string | null;
  readonly artist: string | null;
  readonly album: string | null;
  readonly durationSec: number | null;
  /** Similarity for like:, else the mean of the tag scores the query tested; null when the query scores nothing. */
  readonly score: number | null;
  /** Each score the query used (`tag:warm`, `tag:warm@any`, `label:warm`, `msd:jazz`, `like:12`), null where the track has none. */
  readonly tags: Readonly<Record<string, number | null>>;
}

export interface SearchResult {
  readonly tracks: SearchHit[];
  /** Matches in all (capped by the query's `limit:`), not just this page. */
  readonly total: number;
  readonly query: Query;
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
}

/**
 * Where the term that a search-as-you-type prefix applies to starts, or null:
 * the last term, when no space follows it. `sort:`/`limit:` terms a door
 * appended after one space (`lov sort:title`) do not count as typed.
 */
function lastWordAt(text: string): number | null {
  const tokens = lex(text);
  let end = text.length;
  for (let t = tokens.at(-1); t?.kind === 'term' && /^(sort|limit):/i.test(t.text) && t.pos - 1 + t.text.length === end; t = tokens.at(-1)) {
    end = t.pos - 1;
    if (end > 0 && /\s/u.test(text[end - 1]!)) end--;
    tokens.pop();
  }
  const head = text.slice(0, end);
  if (head === '' || /\s$/u.test(head)) return null;
  const last = tokens.at(-1);
  return last?.kind === 'term' && !last.text.startsWith('"') && last.pos - 1 + last.text.length === end ? last.pos : null;
}

function evaluate(db: Db, text: string, options: SearchOptions, want: (q: Query) => number | null): { query: Query; result: Evaluation } {
  const query = parseQuery(text);
  const evaluator = new Evaluator(db, columnCache(db), {
    baseModels: options.baseModels ?? loadBaseModels(),
    prefixAt: options.asYouType ? lastWordAt(text) : null,
  });
  try {
    return { query, result: evaluator.run(query, want(query)) };
  } catch (err) {
    if (err instanceof QueryError) throw err;
    // An index that cannot take this input is still the query's fault, not a crash.
    if (err instanceof Error && err.name === 'SqliteError' && /fts5|syntax/i.test(err.message)) throw new QueryError(1, `expected a query the full-text index accepts (${err.message})`, { cause: err });
    throw err;
  }
}

function checkPaging(options: SearchOptions): { limit: number | null; offset: number } {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? null;
  if (!Number.isInteger(offset) || offset < 0) throw new QueryError(1, `expected a whole offset of 0 or more, got ${offset}`);
  if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new QueryError(1, `expected a whole limit of 0 or more, got ${limit}`);
  return { limit, offset };
}

/**
 * Runs a query (see README "Search") and returns one page of tracks with the
 * scores the query used. Throws QueryError (a UsageError) for a query the
 * user can fix; never anything else for any input text.
 */
export function search(db: Db, text: string, options: SearchOptions = {}): SearchResult {
  const { limit, offset } = checkPaging(options);
  const { query, result } = evaluate(db, text, options, (q) => {
    const cap = q.limit ?? Infinity;
    const end = limit === null ? cap : Math.min(cap, offset + limit);
    return Number.isFinite(end) ? end : null;
  });
  const total = Math.min(result.matched, query.limit ?? Infinity);
  const pageIds = Array.from(result.ids.subarray(offset, limit === null ? total : Math.min(total, offset + limit)));
  const rows = db
    .prepare('SELECT id, path, title, artist, album, duration_sec FROM tracks WHERE id IN (SELECT value FROM json_each(?))')
    .raw()
    .all(JSON.stringify(pageIds)) as [number, string, string | null, string | null, string | null, number | null][];
  const byId = new Map(rows.map((r) => [r[0], r]));
  const tracks: SearchHit[] = [];
  for (const id of pageIds) {
    const r = byId.get(id);
    if (!r) continue;
    const tags: Record<string, number | null> = {};
    for (const [key, values] of result.used) tags[key] = round(values[id] ?? NaN);
    tracks.push({ id, path: r[1], title: r[2], artist: r[3], album: r[4], durationSec: r[5], score: result.score ? round(result.score[id] ?? NaN) : null, tags });
  }
  return { tracks, total, query };
}

/** The ids of every match, in result order (the query's `limit:` applies); for bulk actions such as `label TAG --query`. */
export function searchTrackIds(db: Db, text: string, options: Pick<SearchOptions, 'baseModels'> = {}): number[] {
  const { result } = evaluate(db, text, options, (q) => q.limit);
  return Array.from(result.ids);
}

/** Checks a query's syntax and names against the library without ordering results (for saving playlists). */
export function validateQuery(db: Db, text: string, options: Pick<SearchOptions, 'baseModels'> = {}): Query {
  return evaluate(db, text, options, () => 0).query;
}
