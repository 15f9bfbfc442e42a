/**
 * The word under the caret in the search bar, and how a chosen completion
 * replaces it. The server's autocomplete op knows the fields and tag names;
 * this only finds what to replace, so the caret lands right after the
 * inserted text.
 */
export interface TokenAtCaret {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const BREAK = /[\s()]/;

export function tokenAtCaret(query: string, caret: number): TokenAtCaret {
  const c = Math.min(Math.max(0, caret), query.length);
  let start = c;
  while (start > 0 && !BREAK.test(query[start - 1]!)) start--;
  // A quoted value ("deep house") counts as one word: step back over an open quote.
  const quoteOpen = query.lastIndexOf('"', c - 1);
  if (quoteOpen >= 0 && quoteOpen < start && (query.slice(0, quoteOpen).split('"').length - 1) % 2 === 0) {
    start = quoteOpen;
    while (start > 0 && !BREAK.test(query[start - 1]!)) start--;
  }
  let end = c;
  while (end < query.length && !BREAK.test(query[end]!)) end++;
  return { start, end, text: query.slice(start, c) };
}

export interface Applied {
  readonly query: string;
  readonly caret: number;
}

/** Replace [start, end) with `insert`; a trailing space unless the insert ends with ':' (a field name awaiting its value). */
export function applyCompletion(query: string, start: number, end: number, insert: string): Applied {
  const spacer = insert.endsWith(':') || query.slice(end).startsWith(' ') ? '' : ' ';
  const next = query.slice(0, start) + insert + spacer + query.slice(end);
  return { query: next, caret: start + insert.length + spacer.length };
}
