/**
 * The desktop app's security rules as plain functions, free of Electron so
 * tests run them in Node: which URLs the window may show, which links leave
 * for the browser, what the custom protocols serve. main.ts only wires them.
 */
import type { WebPreferences } from 'electron';
import { APP_SCHEME, AUDIO_SCHEME } from '../api/csp.js';

/** The renderer is served from its own privileged origin, never file://. */
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function audioUrlFor(trackId: number): string {
  return `${AUDIO_SCHEME}://track/${trackId}`;
}

/** Whether a URL belongs to the app's own pages (the only thing the window may show). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/**
 * The URL to hand to the system browser for a link the user followed, or
 * null: only https, and no credentials in it. Everything else (http, file:,
 * javascript:, custom schemes that launch programs) stays closed.
 */
export function externalUrlToOpen(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' || u.username !== '' || u.password !== '' || u.hostname === '') return null;
    return u.href;
  } catch {
    return null;
  }
}

export type NavigationDecision = { readonly allow: true } | { readonly allow: false; readonly openExternally: string | null };

/** will-navigate: stay on the app's pages; an https link opens in the browser instead. */
export function navigationDecision(url: string): NavigationDecision {
  if (isAppUrl(url)) return { allow: true };
  return { allow: false, openExternally: externalUrlToOpen(url) };
}

/** window.open and target=_blank: never a new window; https goes to the browser. */
export function windowOpenDecision(url: string): { readonly action: 'deny'; readonly openExternally: string | null } {
  return { action: 'deny', openExternally: externalUrlToOpen(url) };
}

/** Camera, microphone, notifications, geolocation...: the app needs none of them. */
export function permissionDecision(_permission: string): boolean {
  return false;
}

/** The track id text of an earmark-audio://track/<id> URL, from the raw string (never normalised into a path). */
export function audioIdText(url: string): string | null {
  const m = /^earmark-audio:\/\/track\/([^/?#]*)(?:[?#].*)?$/i.exec(url);
  return m ? m[1]! : null;
}

/** The path part of an earmark://app/<path> URL, or null for any other URL. */
export function appPathOf(url: string): string | null {
  if (!isAppUrl(url)) return null;
  const m = /^[a-z-]+:\/\/app(\/[^?#]*)?/i.exec(url);
  return m?.[1] ?? '/';
}

/** The webPreferences every window gets; `additionalArguments` carry the operation names to the sandboxed preload. */
export function secureWebPreferences(preloadPath: string, opNames: readonly string[]): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    additionalArguments: [`${OPS_ARG_PREFIX}${opNames.join(',')}`],
  };
}

// ---------------------------------------------------------------------------
// IPC: one channel for calls (the op name travels with it and is checked
// against the contract), one for events. The preload keeps its own copy of
// these names (it cannot import ESM in the sandbox); a test checks they match.

export const IPC_INVOKE = 'earmark:invoke';
export const IPC_EVENT = 'earmark:event';
export const OPS_ARG_PREFIX = '--earmark-ops=';
