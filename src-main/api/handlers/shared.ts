import { EarmarkError } from '../../core/errors.js';

/** For operations whose core part is not in this build yet: a clear error, never a crash. */
export function notAvailable(what: string): never {
  throw new EarmarkError('not_available', `${what} is not available in this build yet`);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
