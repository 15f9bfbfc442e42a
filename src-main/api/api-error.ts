import type { z } from 'zod';
import { EarmarkError, errorMessage } from '../core/errors.js';
import type { ApiError } from './contract.js';

/** Lists each bad path of the input and what is wrong there ("limit: Too big: expected number to be <=1000"). */
export function validationError(op: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => ({ path: i.path.length === 0 ? '(input)' : i.path.map(String).join('.'), message: i.message }));
  const shown = issues
    .slice(0, 3)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
  return { code: 'invalid_input', op, message: `invalid input: ${shown}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`, issues };
}

/**
 * Turns whatever a handler threw into data. The core's EarmarkError keeps its
 * code; a query syntax error keeps its position; anything else is `internal`
 * (its message still says what happened; the stack goes to the door's log).
 */
export function toApiError(op: string, err: unknown): ApiError {
  const position = numericProperty(err, 'position');
  const length = numericProperty(err, 'length');
  if (err instanceof EarmarkError) {
    return {
      // The search parser's QueryError is a UsageError with a position.
      code: position !== undefined && err.code === 'usage' ? 'query_syntax' : err.code,
      op,
      message: err.message,
      ...(err.path === undefined ? {} : { path: err.path }),
      ...(position === undefined ? {} : { position }),
      ...(length === undefined ? {} : { length }),
    };
  }
  return { code: 'internal', op, message: errorMessage(err) };
}

function numericProperty(err: unknown, key: string): number | undefined {
  if (typeof err !== 'object' || err === null || !(key in err)) return undefined;
  const v = (err as Record<string, unknown>)[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
