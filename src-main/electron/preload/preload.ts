/**
 * The preload: the page's only way to the core. It exposes `window.earmark`,
 * an object whose keys are exactly the contract's operation names plus `on`
 * (never ipcRenderer, never Node). Each call goes over one IPC channel with
 * the op name; the main process checks the name and the input against the
 * contract.
 *
 * This file runs in Electron's sandboxed preload, which loads one CommonJS
 * script and can require nothing but 'electron': so it is CommonJS (see the
 * package.json beside it), imports only types from the contract, and gets
 * the operation names from its window's additionalArguments.
 *
 * Errors travel as data: each call resolves with the ApiResult from main,
 * `{ok: false, error}` included, and the page rethrows it (contextBridge
 * copies only the message of a thrown Error, so its code and a query error's
 * position would not survive the bridge).
 */
import type { ApiResult, EarmarkBridge, EventName, Events, Unsubscribe } from '../../api/contract.js';
import { contextBridge, ipcRenderer } from 'electron';

// Copies of policy.ts's names (that module is ESM and cannot load here); a test checks they match.
export const IPC_INVOKE = 'earmark:invoke';
export const IPC_EVENT = 'earmark:event';
export const OPS_ARG_PREFIX = '--earmark-ops=';

/** The part of ipcRenderer this uses. */
export interface IpcLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The operation names main passed in argv, each checked to be a plain identifier. */
export function opNamesFromArgv(argv: readonly string[]): string[] {
  const arg = argv.find((a) => a.startsWith(OPS_ARG_PREFIX));
  if (arg === undefined) return [];
  return arg
    .slice(OPS_ARG_PREFIX.length)
    .split(',')
    .filter((n) => /^[A-Za-z][A-Za-z0-9]*$/.test(n) && n !== 'on' && !(n in Object.prototype));
}

function isResult(v: unknown): v is ApiResult<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { ok?: unknown }).ok === 'boolean';
}

/** Builds the API object from the IPC channel; exported for the test, which runs it with a fake ipcRenderer. */
export function buildApi(ipc: IpcLike, names: readonly string[]): EarmarkBridge {
  const api: Record<string, unknown> = {};
  for (const name of names) {
    api[name] = async (input?: unknown): Promise<ApiResult<unknown>> => {
      const result = await ipc.invoke(IPC_INVOKE, name, input ?? {});
      if (!isResult(result)) return { ok: false, error: { code: 'internal', op: name, message: 'malformed reply from the main process' } };
      return result;
    };
  }
  api.on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe => {
    if (typeof listener !== 'function') throw new TypeError('on: the listener must be a function');
    // The IPC event object (with its sender) never reaches the page: only the payload does.
    const relay = (_event: unknown, name: unknown, payload: unknown) => {
      if (name === event) listener(payload as Events[E]);
    };
    ipc.on(IPC_EVENT, relay);
    return () => {
      ipc.removeListener(IPC_EVENT, relay);
    };
  };
  return Object.freeze(api) as EarmarkBridge;
}

/** Exposes the API; a no-op where it is not running inside Electron's preload (the test loads the file with a fake). */
export function expose(bridge: { exposeInMainWorld(key: string, api: unknown): void }, ipc: IpcLike, argv: readonly string[]): void {
  bridge.exposeInMainWorld('earmark', buildApi(ipc, opNamesFromArgv(argv)));
}

expose(contextBridge, ipcRenderer, process.argv);
