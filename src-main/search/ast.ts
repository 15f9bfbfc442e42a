/**
 * The typed syntax tree of a search query. The parser produces it from text
 * without looking at the database; names (tags, base models, tracks) are
 * resolved when the query runs, so a saved playlist keeps working when a tag
 * is renamed back or a model is installed later.
 */

/** Character offset in the query text, counted from 1 (what error messages show). */
export type Position = number;

/** A numeric test: `>0.8`, `<=300`, `=1999`, or an inclusive range `1990..1999` (open ends allowed). */
export type Comparison =
  | { readonly op: '>' | '>=' | '<' | '<=' | '='; readonly value: number }
  | { readonly op: 'range'; readonly min: number | null; readonly max: number | null };

/** Metadata fields matched through the full-text index (words, phrases, prefixes). */
export type TextField = 'title' | 'artist' | 'album' | 'genre';
/** Numeric metadata fields. */
export type NumberField = 'year' | 'duration';

export type QueryNode =
  | { readonly kind: 'and'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly child: QueryNode; readonly pos: Position }
  /** A free word or quoted phrase over title, artist, album, genre and file name; `field` narrows it to one column. */
  | { readonly kind: 'text'; readonly field: TextField | null; readonly text: string; readonly prefix: boolean; readonly pos: Position }
  /** Case-insensitive substring of the file path. */
  | { readonly kind: 'path'; readonly text: string; readonly pos: Position }
  /** Container, codec or file extension, case-insensitive (mp3, flac, ogg, mpeg...). */
  | { readonly kind: 'format'; readonly text: string; readonly pos: Position }
  | { readonly kind: 'number'; readonly field: NumberField; readonly cmp: Comparison; readonly pos: Position }
  /**
   * One of the user's tags. Without a comparison: labelled yes, or predicted at
   * or above the tag's threshold (a "no" label always excludes). `segments`:
   * the best segment's probability instead of the song's.
   */
  | { readonly kind: 'tag'; readonly name: string; readonly segments: boolean; readonly cmp: Comparison | null; readonly pos: Position }
  /** The user's labels only. */
  | { readonly kind: 'label'; readonly name: string; readonly value: 'yes' | 'no' | 'any'; readonly pos: Position }
  /**
   * A base model's tag (`msd:jazz>0.3`); `model` is the id or prefix as typed.
   * Without a comparison: the tag is among the track's 3 strongest. `max`: the
   * strongest segment instead of the mean over segments.
   */
  | { readonly kind: 'base'; readonly model: string; readonly name: string; readonly max: boolean; readonly cmp: Comparison | null; readonly pos: Position }
  /** Ranks by cosine similarity of the mean embedding to a track (id or path); `cmp` filters on it. */
  | { readonly kind: 'like'; readonly track: string; readonly cmp: Comparison | null; readonly pos: Position };

export type LeafNode = Exclude<QueryNode, { kind: 'and' | 'or' | 'not' }>;

export type SortField = 'title' | 'artist' | 'album' | 'genre' | 'year' | 'duration' | 'format' | 'path' | 'added';

export type SortKey =
  | { readonly kind: 'field'; readonly field: SortField; readonly descending: boolean }
  | { readonly kind: 'score'; readonly descending: boolean }
  | { readonly kind: 'tag'; readonly name: string; readonly segments: boolean; readonly descending: boolean; readonly pos: Position }
  | { readonly kind: 'base'; readonly model: string; readonly name: string; readonly max: boolean; readonly descending: boolean; readonly pos: Position };

export interface Query {
  /** null: every track. */
  readonly root: QueryNode | null;
  readonly sort: readonly SortKey[];
  readonly limit: number | null;
}

export const TEXT_FIELDS: readonly TextField[] = ['title', 'artist', 'album', 'genre'];
export const SORT_FIELDS: readonly SortField[] = ['title', 'artist', 'album', 'genre', 'year', 'duration', 'format', 'path', 'added'];
/** Every `name:` the language knows, for error messages and autocomplete (base model prefixes come on top). */
export const FIELD_NAMES: readonly string[] = ['title', 'artist', 'album', 'genre', 'year', 'duration', 'format', 'path', 'tag', 'label', 'like', 'sort', 'limit'];
