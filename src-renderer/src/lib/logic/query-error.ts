/**
 * Showing a query error where it happened: the server gives a character
 * position (and maybe a length); the search bar underlines that span and puts
 * a caret under it. Positions past the end point at the end (e.g. "missing
 * value after tag:").
 */
export interface ErrorSpan {
  readonly before: string;
  /** The offending text; a single space when the error is at the end, so there is something to underline. */
  readonly at: string;
  readonly after: string;
  /** Clamped start position, for aria and for moving the caret there. */
  readonly start: number;
  readonly end: number;
}

export function splitAtError(query: string, position: number, length = 1): ErrorSpan {
  const start = Math.min(Math.max(0, Math.floor(Number.isFinite(position) ? position : 0)), query.length);
  const len = Math.max(1, Math.floor(Number.isFinite(length) ? length : 1));
  const end = Math.min(query.length, start + len);
  if (start >= query.length) return { before: query, at: ' ', after: '', start: query.length, end: query.length };
  return { before: query.slice(0, start), at: query.slice(start, end), after: query.slice(end), start, end };
}

/** A plain-text description for screen readers: "at character 7: ...". */
export function describeError(message: string, span: ErrorSpan): string {
  return `${message} (at character ${span.start + 1})`;
}
