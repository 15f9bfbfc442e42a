import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { opNames } from '../../src-main/api/contract.js';
import { contentSecurityPolicy } from '../../src-main/api/csp.js';
import { EventBus } from '../../src-main/api/events.js';
import {
  APP_ENTRY_URL,
  appPathOf,
  audioIdText,
  audioUrlFor,
  externalUrlToOpen,
  isAppUrl,
  navigationDecision,
  permissionDecision,
  secureWebPreferences,
  windowOpenDecision,
  IPC_EVENT,
} from '../../src-main/electron/policy.js';
import { forwardEvents, handleInvoke } from '../../src-main/electron/ipc.js';
import { appResponse, audioResponse } from '../../src-main/electron/protocols.js';
import { makeLibrary, makeRuntime } from '../api/fixtures.js';
import { tmpDir } from '../helpers/tmp.js';

test('the window: sandboxed, context-isolated, no Node, web security on, no webviews', () => {
  const prefs = secureWebPreferences('/app/preload.js', opNames);
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.preload, '/app/preload.js');
});

test('navigation stays on the app\'s pages; only https links leave, for the system browser', () => {
  assert.deepEqual(navigationDecision(APP_ENTRY_URL), { allow: true });
  assert.deepEqual(navigationDecision('earmark://app/index.html#/tags'), { allow: true });
  assert.deepEqual(navigationDecision('https://musicbrainz.org/recording/x'), { allow: false, openExternally: 'https://musicbrainz.org/recording/x' });
  for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'earmark://evil/index.html', 'earmark-audio://track/1', 'smb://host/share', 'https://user:pw@example.com/', 'not a url', 'data:text/html,<script>1</script>']) {
    assert.deepEqual(navigationDecision(url), { allow: false, openExternally: null }, url);
  }
  assert.deepEqual(windowOpenDecision('https://example.com/a'), { action: 'deny', openExternally: 'https://example.com/a' });
  assert.deepEqual(windowOpenDecision(APP_ENTRY_URL), { action: 'deny', openExternally: null });
  assert.equal(externalUrlToOpen('HTTPS://Example.com'), 'https://example.com/');
  assert.equal(isAppUrl('earmark://app.evil/x'), false);
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) assert.equal(permissionDecision(p), false, p);
});

test('custom protocol URLs: the audio id is taken from the raw URL, the app path only from the app origin', () => {
  assert.equal(audioUrlFor(12), 'earmark-audio://track/12');
  assert.equal(audioIdText('earmark-audio://track/12'), '12');
  assert.equal(audioIdText('earmark-audio://track/12?x=1'), '12');
  assert.equal(audioIdText('earmark-audio://track/../../etc/passwd'), null);
  assert.equal(audioIdText('earmark-audio://other/12'), null);
  assert.equal(appPathOf('earmark://app/assets/x.js?v=1'), '/assets/x.js');
  assert.equal(appPathOf('earmark://app'), '/');
  assert.equal(appPathOf('earmark://elsewhere/x'), null);
});

test('earmark-audio:// serves library files by id with ranges, and nothing else', async (t) => {
  const lib = makeLibrary(t);
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());
  await rt.dispatcher.dispatch('addFolder', { path: lib.musicDir });
  const started = await rt.dispatcher.dispatch('startScan', {});
  assert.ok(started.ok);
  await rt.jobs.waitFor((started.value as { id: string }).id);
  const id = lib.db.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(lib.files[2]) as number;
  const bytes = fs.readFileSync(lib.files[2]!);
  const part = audioResponse(lib.db, audioUrlFor(id), 'bytes=10-49');
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-type'), 'audio/flac');
  assert.equal(part.headers.get('content-range'), `bytes 10-49/${bytes.length}`);
  assert.deepEqual(Buffer.from(await part.arrayBuffer()), bytes.subarray(10, 50));
  const whole = audioResponse(lib.db, audioUrlFor(id), null);
  assert.equal(whole.status, 200);
  assert.deepEqual(Buffer.from(await whole.arrayBuffer()), bytes);
  for (const url of ['earmark-audio://track/../../etc/passwd', 'earmark-audio://track/%2e%2e%2fetc%2fpasswd', `earmark-audio://track/${encodeURIComponent(lib.files[2]!)}`, 'earmark-audio://track/abc', 'earmark-audio://track/99999', 'earmark-audio://x/1']) {
    const r = audioResponse(lib.db, url, null);
    assert.ok(r.status === 400 || r.status === 404, `${url}: ${r.status}`);
  }
});

test('earmark://app serves the built renderer with the CSP on HTML, a placeholder before it is built, and nothing outside it', async (t) => {
  const dist = tmpDir(t, 'earmark-dist-');
  const none = appResponse(path.join(dist, 'missing'), 'earmark://app/index.html');
  assert.equal(none.headers.get('content-security-policy'), contentSecurityPolicy);
  assert.match(await none.text(), /not been built/);
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Earmark</title>');
  fs.writeFileSync(path.join(dist, 'app.js'), 'export {}');
  const page = appResponse(dist, 'earmark://app/index.html');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), contentSecurityPolicy);
  assert.equal(await page.text(), '<!doctype html><title>Earmark</title>');
  assert.match(appResponse(dist, 'earmark://app/app.js').headers.get('content-type') ?? '', /javascript/);
  for (const url of ['earmark://app/../../etc/passwd', 'earmark://app/%2e%2e/%2e%2e/etc/passwd', 'earmark://app/..%2F..%2Fetc%2Fpasswd', 'earmark://other/index.html', 'earmark://app/missing.js']) {
    const r = appResponse(dist, url);
    const body = await r.text();
    assert.ok(!body.includes('root:'), url);
    assert.ok(r.status === 404 || (r.status === 200 && body.includes('<title>Earmark')), `${url}: ${r.status}`);
  }
});

test('IPC: calls from the app\'s page reach the dispatcher; calls from any other frame are refused; events go to every live window', async (t) => {
  const lib = makeLibrary(t);
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());
  const ok = await handleInvoke(rt.dispatcher, { senderFrame: { url: APP_ENTRY_URL } }, 'libraryStats', {});
  assert.equal(ok.ok, true);
  const bad = await handleInvoke(rt.dispatcher, { senderFrame: { url: APP_ENTRY_URL } }, 'listTracks', { limit: 'all' });
  assert.ok(!bad.ok && bad.error.code === 'invalid_input');
  for (const url of ['https://evil.example/', 'file:///tmp/x.html', '']) {
    const r = await handleInvoke(rt.dispatcher, { senderFrame: { url } }, 'libraryStats', {});
    assert.ok(!r.ok && r.error.code === 'forbidden', url);
  }
  const r = await handleInvoke(rt.dispatcher, { senderFrame: null }, 'libraryStats', {});
  assert.equal(r.ok, false);

  const bus = new EventBus();
  const sent: unknown[][] = [];
  const live = { isDestroyed: () => false, send: (...args: unknown[]) => sent.push(args) };
  const dead = { isDestroyed: () => true, send: () => assert.fail('a closed window gets nothing') };
  const stop = forwardEvents(bus, () => [live, dead]);
  bus.emit('trackUpdated', { trackIds: [3] });
  stop();
  bus.emit('trackUpdated', { trackIds: [4] });
  assert.deepEqual(sent, [[IPC_EVENT, 'trackUpdated', { trackIds: [3] }]]);
});
