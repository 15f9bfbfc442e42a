/** Search, query checking and autocomplete: src-main/search behind the contract. */
import type { Db } from '../../db/database.js';
import { autocomplete, QueryError, search, searchTrackIds, validateQuery } from '../../search/index.js';
import { tagById } from '../../tags/vocabulary.js';
import { warmSearchCache } from '../../search/warm.js';
import type { Output, ParsedInput } from '../contract.js';
import type { ApiContext } from '../context.js';
import type { Handlers } from '../dispatcher.js';
import { activeModelKey, trackRowsByIds } from './track-rows.js';

type Sort = NonNullable<ParsedInput<'search'>['sort']>;

// The query language's sort keys for the table's columns (trackNo has none: the query's order stays).
const sortKeys: Partial<Record<Sort['by'], string>> = {
  title: 'title',
  artist: 'artist',
  album: 'album',
  genre: 'genre',
  year: 'year',
  durationSec: 'duration',
  addedAt: 'added',
  path: 'path',
  relevance: 'score',
};

/**
 * The table's sort as a `sort:` term after the user's text, so the search
 * core orders the whole result (a user-typed sort comes first and wins).
 * Appended at the end, it leaves the positions in a syntax error unchanged.
 */
function withSort(db: Db, text: string, sort: Sort | undefined): string {
  if (!sort) return text;
  let key = sortKeys[sort.by];
  if (sort.by === 'tag' && sort.tagId !== undefined) {
    const tag = tagById(db, sort.tagId);
    if (tag) key = `tag:${JSON.stringify(tag.name)}`;
  }
  if (key === undefined) return text;
  return `${text} sort:${sort.dir === 'desc' ? '-' : ''}${key}`;
}

export function searchPage(input: { query: string; offset: number; limit: number; sort?: Sort | undefined }, ctx: ApiContext): Output<'search'> {
  // Someone is typing: the background warming of the search cache waits for a pause.
  warmSearchCache(ctx.db);
  const r = search(ctx.db, withSort(ctx.db, input.query, input.sort), { offset: input.offset, limit: input.limit, asYouType: true });
  return { total: r.total, offset: input.offset, tracks: trackRowsByIds(ctx.db, r.tracks.map((t) => t.id), activeModelKey(ctx.db, ctx.env)) };
}

export function searchIds(query: string, sort: Sort | undefined, ctx: ApiContext): number[] {
  return searchTrackIds(ctx.db, withSort(ctx.db, query, sort));
}

/** The word around the cursor: from the last space, parenthesis or start, to the next space, parenthesis or end. */
export function wordAt(text: string, cursor: number): { from: number; to: number } {
  let from = cursor;
  while (from > 0 && !/[\s()]/u.test(text[from - 1]!)) from--;
  let to = cursor;
  while (to < text.length && !/[\s()]/u.test(text[to]!)) to++;
  return { from, to };
}

function kindOf(suggestion: string, userTags: ReadonlySet<string>): 'field' | 'tag' | 'value' | 'operator' {
  const s = suggestion.replace(/^-/, '');
  if (/^(AND|OR|NOT)$/.test(s)) return 'operator';
  if (s.endsWith(':')) return 'field';
  const colon = s.indexOf(':');
  if (colon > 0 && (s.startsWith('tag:') || s.startsWith('label:'))) return userTags.has(s.slice(colon + 1).replace(/^"|"$/g, '').toLowerCase()) ? 'tag' : 'value';
  return colon > 0 ? 'value' : 'field';
}

export const searchHandlers = {
  search: (input, ctx) => searchPage(input, ctx),

  checkQuery: (input, ctx) => {
    try {
      validateQuery(ctx.db, input.query);
      return { ok: true, message: null, position: null, length: null };
    } catch (err) {
      if (err instanceof QueryError) return { ok: false, message: err.message, position: err.position, length: err.length };
      throw err;
    }
  },

  autocomplete: (input, ctx) => {
    const { from, to } = wordAt(input.query, Math.min(input.cursor, input.query.length));
    const data = autocomplete(ctx.db, input.query.slice(from, Math.min(input.cursor, input.query.length)));
    const tags = new Set(data.tags.map((t) => t.toLowerCase()));
    return {
      from,
      to,
      items: data.suggestions.map((s) => ({ label: s, insert: s, kind: kindOf(s, tags), detail: null })),
    };
  },
} satisfies Partial<Handlers>;
