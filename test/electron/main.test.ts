import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { register } from 'node:module';
import { contentSecurityPolicy } from '../../src-main/api/csp.js';
import type { ApiResult } from '../../src-main/api/contract.js';
import { APP_ENTRY_URL, IPC_INVOKE } from '../../src-main/electron/policy.js';

test('main.ts hands Electron the secure window, protocols, CSP header, permission and navigation rules, and IPC', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-electron-'));
  process.env.EARMARK_HOME = home;
  register('./electron-loader.js', import.meta.url);
  const { recorded } = await import('./fake-electron.js');
  await import('../../src-main/electron/main.js');
  // start() runs after whenReady() resolves.
  await new Promise((r) => setImmediate(r));
  t.after(async () => {
    for (const fn of recorded.appHandlers.get('will-quit') ?? []) (fn as (e: { preventDefault(): void }) => void)({ preventDefault: () => undefined });
    await new Promise((r) => setImmediate(r));
    for (const fn of recorded.appHandlers.get('will-quit') ?? []) (fn as (e: { preventDefault(): void }) => void)({ preventDefault: () => undefined });
    fs.rmSync(home, { recursive: true, force: true });
  });

  assert.equal(recorded.paths.get('userData'), home, 'the app uses the CLI\'s data directory');
  const schemes = recorded.schemes as { scheme: string; privileges: Record<string, boolean> }[];
  assert.deepEqual(schemes.map((s) => s.scheme).sort(), ['earmark', 'earmark-audio']);
  assert.equal(schemes.find((s) => s.scheme === 'earmark-audio')?.privileges.stream, true);
  assert.deepEqual([...recorded.protocolHandlers.keys()].sort(), ['earmark', 'earmark-audio']);

  assert.equal(recorded.windows.length, 1);
  const win = recorded.windows[0]!;
  const prefs = win.options.webPreferences ?? {};
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webSecurity, true);
  assert.ok(fs.existsSync(String(prefs.preload)), `the preload is built at ${String(prefs.preload)}`);
  assert.equal(win.loadedUrl, APP_ENTRY_URL);

  // The CSP goes out as a header on every response.
  const seenHeaders: Record<string, string[]>[] = [];
  (recorded.headersReceived as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)({ responseHeaders: { 'content-type': ['text/html'] } }, (r) => {
    seenHeaders.push(r.responseHeaders);
  });
  assert.deepEqual(seenHeaders, [{ 'content-type': ['text/html'], 'Content-Security-Policy': [contentSecurityPolicy] }]);

  let granted: boolean | null = null;
  (recorded.permissionRequest as (c: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', (ok) => {
    granted = ok;
  });
  assert.equal(granted, false);
  assert.equal((recorded.permissionCheck as (c: unknown, p: string) => boolean)({}, 'notifications'), false);

  // IPC: one channel, the op name checked by the dispatcher.
  const invoke = recorded.ipcHandlers.get(IPC_INVOKE) as (e: unknown, op: unknown, input: unknown) => Promise<ApiResult<unknown>>;
  const stats = await invoke({ senderFrame: { url: APP_ENTRY_URL } }, 'libraryStats', {});
  assert.equal(stats.ok, true);
  const info = await invoke({ senderFrame: { url: APP_ENTRY_URL } }, 'appInfo', {});
  if (!info.ok) assert.fail(info.error.message);
  const value = info.value as { door: string; dataDir: string };
  assert.equal(value.door, 'electron');
  assert.equal(value.dataDir, home);
  const foreign = await invoke({ senderFrame: { url: 'https://evil.example/' } }, 'libraryStats', {});
  assert.equal(foreign.ok, false);
  const audio = await recorded.protocolHandlers.get('earmark-audio')!(new Request('earmark-audio://track/1'));
  assert.equal(audio.status, 404);
  const page = await recorded.protocolHandlers.get('earmark')!(new Request(APP_ENTRY_URL));
  assert.equal(page.headers.get('content-security-policy'), contentSecurityPolicy);

  // Every web contents: navigation away blocked (https opened outside), window.open denied, webviews refused.
  const handlers = new Map<string, (...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (event: string, fn: (...args: unknown[]) => void) => handlers.set(event, fn),
    setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => {
      openHandler = fn;
    },
  };
  for (const fn of recorded.appHandlers.get('web-contents-created') ?? []) (fn as (e: unknown, c: unknown) => void)({}, contents);
  let prevented = 0;
  const event = { preventDefault: () => prevented++ };
  handlers.get('will-navigate')!(event, 'https://example.com/page');
  handlers.get('will-navigate')!(event, 'file:///etc/passwd');
  handlers.get('will-navigate')!(event, `${APP_ENTRY_URL}#/tags`);
  assert.equal(prevented, 2);
  handlers.get('will-attach-webview')!(event);
  assert.equal(prevented, 3);
  assert.deepEqual(openHandler!({ url: 'https://example.org/' }), { action: 'deny' });
  assert.deepEqual(openHandler!({ url: 'http://example.org/' }), { action: 'deny' });
  assert.deepEqual(recorded.openedExternally, ['https://example.com/page', 'https://example.org/']);
  assert.ok(Array.isArray(recorded.menu));
});
