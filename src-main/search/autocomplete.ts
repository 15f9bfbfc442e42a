import type { Db } from '../db/database.js';
import { FIELD_NAMES, SORT_FIELDS } from './ast.js';
import { baseTagKey, loadBaseModels, type BaseModelVocabulary } from './base-models.js';
import { columnCache, userTagKey } from './column-cache.js';

export interface AutocompleteData {
  /** Field names with their colon: `title:`, `year:`, `tag:`... */
  readonly fields: readonly string[];
  /** The user's live tags. */
  readonly tags: readonly string[];
  /** Each base model's short prefix and tags. */
  readonly baseTags: readonly { readonly model: string; readonly prefix: string; readonly tags: readonly string[] }[];
  /** Completions of `prefix` (the word being typed), at most 20, each a whole term to put in its place. */
  readonly suggestions: readonly string[];
}

const MAX_SUGGESTIONS = 20;

function quoteIfNeeded(name: string): string {
  return /[\s"()<>=@]/u.test(name) ? JSON.stringify(name) : name;
}

/**
 * What the UI needs to complete a query: every field, tag and base tag, and
 * the completions of the word being typed (`ta` -> `tag:`, `tag:wa` ->
 * `tag:warm`, `msd:ja` -> `msd:jazz`, `sort:-ye` -> `sort:-year`).
 */
export function autocomplete(db: Db, prefix = '', options: { baseModels?: readonly BaseModelVocabulary[] } = {}): AutocompleteData {
  const models = options.baseModels ?? loadBaseModels();
  const cache = columnCache(db);
  cache.refresh();
  const tags = cache.userTags().map((t) => t.name);
  const baseTags = models.map((m) => ({ model: m.id, prefix: m.prefixes[m.prefixes.length - 1] ?? m.id, tags: m.tags }));
  const fields = [...FIELD_NAMES, ...baseTags.map((b) => b.prefix)].map((f) => `${f}:`);

  const negation = prefix.startsWith('-') ? '-' : '';
  const word = prefix.slice(negation.length);
  const suggestions: string[] = [];
  const colon = word.indexOf(':');
  if (colon < 0) {
    const w = word.toLowerCase();
    for (const f of fields) if (f.startsWith(w)) suggestions.push(`${negation}${f}`);
  } else {
    const field = word.slice(0, colon).toLowerCase();
    let rest = word.slice(colon + 1);
    if (field === 'sort') {
      const desc = rest.startsWith('-') ? '-' : '';
      rest = rest.slice(desc.length);
      const keys = [...SORT_FIELDS, 'score', ...tags.map((t) => `tag:${quoteIfNeeded(t)}`), ...baseTags.flatMap((b) => b.tags.map((t) => `${b.prefix}:${quoteIfNeeded(t)}`))];
      for (const k of keys) if (k.toLowerCase().startsWith(rest.toLowerCase())) suggestions.push(`sort:${desc}${k}`);
    } else if (field === 'tag' || field === 'label') {
      const key = userTagKey(rest.replace(/^"/, ''));
      for (const t of tags) if (userTagKey(t).startsWith(key)) suggestions.push(`${negation}${field}:${quoteIfNeeded(t)}`);
    } else {
      const model = models.find((m) => m.prefixes.includes(field));
      if (model) {
        const key = baseTagKey(rest.replace(/^"/, ''));
        for (const t of model.tags) if (baseTagKey(t).startsWith(key)) suggestions.push(`${negation}${word.slice(0, colon)}:${quoteIfNeeded(t)}`);
      }
    }
  }
  return { fields, tags, baseTags, suggestions: suggestions.slice(0, MAX_SUGGESTIONS) };
}
