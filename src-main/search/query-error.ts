import { UsageError } from '../core/errors.js';

/**
 * A query the user can fix: bad syntax, an unknown field, tag or track. The
 * message always starts with the position, e.g. `at 12: expected a value
 * after "year:"`; the UI can underline from `position` using `length`.
 */
export class QueryError extends UsageError {
  /** Character offset in the query, from 1. */
  readonly position: number;
  /** What the parser wanted there, or what was not found. */
  readonly expected: string;
  /** How many characters the faulty part spans (at least 1). */
  readonly length: number;

  constructor(position: number, expected: string, options: { length?: number; cause?: unknown } = {}) {
    super(`at ${position}: ${expected}`, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'QueryError';
    this.position = position;
    this.expected = expected;
    this.length = Math.max(1, options.length ?? 1);
  }
}

/** Lists valid names in an error, capped so a library with 500 tags stays readable. */
export function listNames(names: readonly string[], max = 25): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).map((n) => (/[\s"]/.test(n) ? JSON.stringify(n) : n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length - max} more)` : shown.join(', ');
}
