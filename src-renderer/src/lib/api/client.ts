import type { ApiError, EarmarkApi, EarmarkBridge } from '@contract';
import { apiFromBridge, RemoteError } from './bridge';
import { createHttpApi } from './http-transport';

/**
 * The one place that decides how the renderer reaches the core: in Electron
 * the preload exposes `window.earmark` (answers as data, wrapped by apiFromBridge); in a browser
 * (`earmark serve`) it talks HTTP with the token from the launch URL.
 */
declare global {
  interface Window {
    earmark?: EarmarkBridge;
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
  if (window.earmark) return { api: apiFromBridge(window.earmark), door: 'electron' };
  const base = new URL('./', window.location.href);
  base.search = '';
  base.hash = '';
  return { api: createHttpApi({ baseUrl: base, token: takeToken() }), door: 'http' };
}

/** The error as data, whichever door threw it (both throw RemoteError). */
export function apiErrorOf(err: unknown): ApiError | null {
  return err instanceof RemoteError ? err.error : null;
}

export function messageOf(err: unknown): string {
  const e = apiErrorOf(err);
  if (e) return e.message;
  return err instanceof Error ? err.message : String(err);
}
