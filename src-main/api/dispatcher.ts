/**
 * The one entry point both doors call: an operation's name and its raw
 * input, answered as data. The name is checked against the contract, the
 * input against the operation's schema; a handler's error becomes an
 * ApiError. Nothing a caller sends can make it throw.
 */
import { isOpName, operations, type ApiResult, type OpName, type Output, type ParsedInput } from './contract.js';
import type { ApiContext } from './context.js';
import { toApiError, validationError } from './api-error.js';

export type Handler<K extends OpName> = (input: ParsedInput<K>, ctx: ApiContext) => Output<K> | Promise<Output<K>>;
export type Handlers = { readonly [K in OpName]: Handler<K> };

export interface Dispatcher {
  dispatch(op: unknown, input: unknown): Promise<ApiResult<unknown>>;
}

export interface DispatcherOptions {
  /** Called with errors that are not the core's own (bugs): the door logs them. */
  readonly onInternalError?: (op: string, err: unknown) => void;
}

export function createDispatcher(ctx: ApiContext, handlers: Handlers, options: DispatcherOptions = {}): Dispatcher {
  return {
    async dispatch(op, input) {
      const opName = typeof op === 'string' ? op.slice(0, 100) : `(${typeof op})`;
      if (!isOpName(op)) return { ok: false, error: { code: 'unknown_op', op: opName, message: `unknown operation ${JSON.stringify(opName)}` } };
      return run(op, input, ctx, handlers, options);
    },
  };
}

async function run<K extends OpName>(op: K, input: unknown, ctx: ApiContext, handlers: Handlers, options: DispatcherOptions): Promise<ApiResult<Output<K>>> {
  // An absent input means "no arguments" (operations with optional fields only).
  const parsed = operations[op].input.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, error: validationError(op, parsed.error) };
  try {
    const handler = handlers[op] as Handler<K>;
    const value = await handler(parsed.data as ParsedInput<K>, ctx);
    return { ok: true, value };
  } catch (err) {
    const error = toApiError(op, err);
    if (error.code === 'internal') options.onInternalError?.(op, err);
    return { ok: false, error };
  }
}
