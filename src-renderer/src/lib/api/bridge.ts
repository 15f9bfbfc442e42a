import type { ApiError, ApiResult, EarmarkApi, EarmarkBridge } from '@contract';

/** An error answer rethrown with the operation's name; `error` keeps its code and a query error's position. */
export class RemoteError extends Error {
  constructor(readonly error: ApiError) {
    super(`${error.op}: ${error.message}`);
    this.name = 'RemoteError';
  }
}

/**
 * The Electron door: the preload's `window.earmark` answers every call as
 * data (contextBridge would strip a thrown error down to its message); this
 * turns it into the same EarmarkApi the HTTP door gives, throwing RemoteError.
 */
export function apiFromBridge(bridge: EarmarkBridge): EarmarkApi {
  const api: Record<string, unknown> = {};
  for (const [name, call] of Object.entries(bridge)) {
    if (name === 'on') continue;
    api[name] = async (input?: unknown): Promise<unknown> => {
      const result = await (call as (input?: unknown) => Promise<ApiResult<unknown>>)(input);
      if (result.ok) return result.value;
      throw new RemoteError(result.error);
    };
  }
  api.on = ((event, listener) => bridge.on(event, listener)) satisfies EarmarkApi['on'];
  return Object.freeze(api) as EarmarkApi;
}
