/**
 * Errors a user can act on. The CLI prints `message` as one line (no stack
 * unless --debug); the API doors send `code` and `message` as data.
 */
export class EarmarkError extends Error {
  readonly code: string;
  /** The file the error is about, when there is one. */
  readonly path: string | undefined;

  constructor(code: string, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EarmarkError';
    this.code = code;
    this.path = options.path;
  }
}

/** Bad input from a user (arguments, query, file); exit code 2 on the CLI. */
export class UsageError extends EarmarkError {
  constructor(message: string, options: { path?: string; cause?: unknown } = {}) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

export class NotFoundError extends EarmarkError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

/** Thrown by work that was cancelled through an AbortSignal. */
export class CancelledError extends EarmarkError {
  constructor(message = 'cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
