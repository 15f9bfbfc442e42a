import type { ApiError, EarmarkApi } from '@contract';
import { createHttpApi, RemoteError } from './http-transport';

/**
 * The one place that decides how the renderer reaches the core: in Electron
 * the preload exposes `window.earmark` (same EarmarkApi type); in a browser
 * (`earmark serve`) it talks HTTP with the token from the launch URL.
 */
declare global {
  interface Window {
    earmark?: EarmarkApi;
  }
}

const TOKEN_KEY = 'earmark.token';

/** The launch URL carries `?token=`; keep it for reloads, then drop it from the address bar. */
function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export type Door = 'electron' | 'http';

export function connect(): { api: EarmarkApi; door: Door } {
  if (window.earmark) return { api: window.earmark, door: 'electron' };
  const base = new URL('./', window.location.href);
  base.search = '';
  base.hash = '';
  return { api: createHttpApi({ baseUrl: base, token: takeToken() }), door: 'http' };
}

/** The error as data, whichever door threw it (Electron's preload throws its own class with the same fields). */
export function apiErrorOf(err: unknown): ApiError | null {
  if (err instanceof RemoteError) return err.error;
  if (err instanceof Error && 'code' in err && 'op' in err) {
    const e = err as Error & { code: string; op: string; position?: number };
    return { code: e.code, op: e.op, message: e.message, ...(e.position === undefined ? {} : { position: e.position }) };
  }
  return null;
}

export function messageOf(err: unknown): string {
  const e = apiErrorOf(err);
  if (e) return e.message;
  return err instanceof Error ? err.message : String(err);
}
