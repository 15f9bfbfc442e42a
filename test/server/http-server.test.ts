import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src-main/server/http-server.js';
import { contentSecurityPolicy } from '../../src-main/api/csp.js';
import { operations, opNames, type ApiResult, type Input, type OpName, type Output } from '../../src-main/api/contract.js';
import { makeLibrary, type Library } from '../api/fixtures.js';
import { tmpDir } from '../helpers/tmp.js';
import { readEvents, request, type RawResponse } from './http-client.js';

async function serve(t: { after(fn: () => unknown): void }, lib: Library, distDir: string): Promise<RunningServer> {
  const server = await startServer({ db: lib.db, dbPath: lib.dbPath, dataDir: path.dirname(lib.dbPath), env: lib.env, port: 0, distDir, log: () => undefined });
  t.after(() => server.close());
  return server;
}

function post(server: RunningServer, op: string, input: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return request(server.port, { method: 'POST', path: `/api/${op}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}`, ...headers }, body: JSON.stringify(input) });
}

async function call<K extends OpName>(server: RunningServer, op: K, input: Input<K>): Promise<Output<K>> {
  const res = await post(server, op, input);
  const result = JSON.parse(res.body.toString('utf8')) as ApiResult<unknown>;
  if (!result.ok) assert.fail(`${op}: ${result.error.code}: ${result.error.message}`);
  assert.equal(res.status, 200);
  return operations[op].output.parse(result.value) as Output<K>;
}

test('the contract over HTTP: a real scan job whose progress arrives as server-sent events, then listing, detail and audio with ranges', async (t) => {
  const lib = makeLibrary(t);
  const server = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
  await call(server, 'addFolder', { path: lib.musicDir });

  let jobId = '';
  const events = await readEvents(
    server.port,
    `/api/events?token=${server.token}`,
    (evs) => evs.some(([name, p]) => name === 'jobFinished' && (p as { job: { id: string } }).job.id === jobId),
    () => {
      void call(server, 'startScan', {}).then((job) => {
        jobId = job.id;
      });
    },
  );
  const names = events.map(([n]) => n);
  assert.equal(names[0], 'jobStarted');
  const progress = events.filter(([n]) => n === 'progress').map(([, p]) => (p as { job: Output<'getJob'> }).job.progress);
  assert.ok(progress.length > 0, 'progress events arrived');
  assert.ok(progress.every((p) => typeof p.done === 'number' && 'etaSec' in p));
  const finished = (events.find(([n]) => n === 'jobFinished')![1] as { job: Output<'getJob'> }).job;
  assert.equal(finished.state, 'done');
  assert.equal(finished.progress.done, 3);

  const page = await call(server, 'listTracks', { sort: { by: 'title', dir: 'asc' } });
  assert.equal(page.total, 3);
  const mp3 = page.tracks.find((r) => r.path.endsWith('.mp3'))!;
  const detail = await call(server, 'trackDetail', { id: mp3.id });
  assert.equal(detail.audioUrl, `/audio/${mp3.id}`);

  const bytes = fs.readFileSync(lib.files[0]!);
  const auth = { 'x-earmark-token': server.token };
  const whole = await request(server.port, { path: `/audio/${mp3.id}`, headers: auth });
  assert.equal(whole.status, 200);
  assert.equal(whole.headers['content-type'], 'audio/mpeg');
  assert.equal(whole.headers['accept-ranges'], 'bytes');
  assert.deepEqual(whole.body, bytes);
  const part = await request(server.port, { path: `/audio/${mp3.id}`, headers: { ...auth, range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
  assert.deepEqual(part.body, bytes.subarray(100, 200));
  const tail = await request(server.port, { path: `/audio/${mp3.id}`, headers: { ...auth, range: 'bytes=-50' } });
  assert.deepEqual(tail.body, bytes.subarray(bytes.length - 50));
  assert.equal((await request(server.port, { path: `/audio/${mp3.id}`, headers: { ...auth, range: `bytes=${bytes.length}-` } })).status, 416);
  const ogg = page.tracks.find((r) => r.path.endsWith('.ogg'))!;
  assert.equal((await request(server.port, { method: 'HEAD', path: `/audio/${ogg.id}`, headers: auth })).headers['content-type'], 'audio/ogg');
});

test('invalid input to every operation comes back over HTTP as a typed validation error (400), and the server keeps serving', async (t) => {
  const lib = makeLibrary(t);
  const server = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  for (const op of opNames) {
    const res = await post(server, op, { unexpectedKey: [1] });
    assert.equal(res.status, 400, op);
    const r = JSON.parse(res.body.toString('utf8')) as ApiResult<unknown>;
    assert.ok(!r.ok && r.error.code === 'invalid_input' && r.error.op === op, `${op}: ${res.body.toString('utf8')}`);
  }
  const notJson = await request(server.port, { method: 'POST', path: '/api/listTracks', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: '{"limit": ' });
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.toString(), /not valid JSON/);
  const unknown = await post(server, 'dropDatabase', {});
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.toString(), /unknown_op/);
  for (const weird of ['__proto__', 'constructor', '..%2F..%2Fetc%2Fpasswd', 'listTracks/extra']) {
    const r = await post(server, weird, {});
    assert.equal(r.status, 404, weird);
  }
  const huge = await request(server.port, { method: 'POST', path: '/api/setLabels', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` }, body: `{"x":"${'a'.repeat(9 * 1024 * 1024)}"}` });
  assert.equal(huge.status, 413);
  assert.equal((await call(server, 'libraryStats', {})).tracks, 0);
});

test('access rules: token, Host, Origin, cross-site writes, content type', async (t) => {
  const lib = makeLibrary(t);
  const server = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  const port = server.port;
  const json = { 'content-type': 'application/json' };
  const bearer = { authorization: `Bearer ${server.token}` };

  // No token, wrong token: refused, for the API, events, audio and pages alike.
  for (const p of ['/api/libraryStats', '/']) {
    const method = p.startsWith('/api/') ? 'POST' : 'GET';
    assert.equal((await request(port, { method, path: p, headers: json, body: method === 'POST' ? '{}' : undefined })).status, 401, p);
    assert.equal((await request(port, { method, path: p, headers: { ...json, authorization: 'Bearer wrong' }, body: method === 'POST' ? '{}' : undefined })).status, 403, p);
    assert.equal((await request(port, { method, path: p, headers: { ...json, 'x-earmark-token': `${server.token}x` }, body: method === 'POST' ? '{}' : undefined })).status, 403, p);
  }
  assert.equal((await request(port, { path: '/api/events' })).status, 401);
  assert.equal((await request(port, { path: '/api/events?token=nope' })).status, 403);
  assert.equal((await request(port, { path: '/audio/1' })).status, 401);
  // A query token is for reads only.
  assert.equal((await request(port, { method: 'POST', path: `/api/libraryStats?token=${server.token}`, headers: json, body: '{}' })).status, 401);
  // The right token in either header works.
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, ...bearer }, body: '{}' })).status, 200);
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, 'x-earmark-token': server.token }, body: '{}' })).status, 200);

  // Foreign Host (DNS rebinding), even with the token.
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`]) {
    const r = await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, ...bearer, host }, body: '{}' });
    assert.ok(r.status === 421 || r.status === 403, `${host}: ${r.status}`);
  }
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, ...bearer, host: `localhost:${port}` }, body: '{}' })).status, 200);

  // Foreign Origin on writes (and on reads that carry one), even with the token.
  for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
    const r = await request(port, { method: 'POST', path: '/api/addFolder', headers: { ...json, ...bearer, origin }, body: JSON.stringify({ path: lib.musicDir }) });
    assert.equal(r.status, 403, origin);
  }
  assert.equal((await call(server, 'listFolders', {})).length, 0, 'no refused write went through');
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, ...bearer, origin: `http://127.0.0.1:${port}` }, body: '{}' })).status, 200);
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { ...json, ...bearer, 'sec-fetch-site': 'cross-site' }, body: '{}' })).status, 403);
  // A form post (text/plain) cannot call an operation.
  assert.equal((await request(port, { method: 'POST', path: '/api/libraryStats', headers: { 'content-type': 'text/plain', ...bearer }, body: '{}' })).status, 415);
  assert.equal((await request(port, { method: 'PUT', path: '/api/libraryStats', headers: { ...json, ...bearer }, body: '{}' })).status, 405);
  assert.equal((await request(port, { method: 'GET', path: '/api/libraryStats', headers: bearer })).status, 405);
});

test('the first page load with ?token= sets an HttpOnly SameSite=Strict cookie that later requests of the page can use', async (t) => {
  const lib = makeLibrary(t);
  const server = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  const first = await request(server.port, { path: `/?token=${server.token}` });
  assert.equal(first.status, 200);
  const cookie = first.headers['set-cookie']?.[0] ?? '';
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const pair = cookie.split(';')[0]!;
  assert.equal((await request(server.port, { method: 'POST', path: '/api/libraryStats', headers: { 'content-type': 'application/json', cookie: pair }, body: '{}' })).status, 200);
  assert.equal((await request(server.port, { method: 'POST', path: '/api/libraryStats', headers: { 'content-type': 'application/json', cookie: `${pair.split('=')[0]!}=forged` }, body: '{}' })).status, 403);
});

test('audio by track id only: traversal, encodings and non-numeric ids are refused', async (t) => {
  const lib = makeLibrary(t);
  const server = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  const auth = { 'x-earmark-token': server.token };
  const attempts = [
    '/audio/../../etc/passwd',
    '/audio/..%2F..%2Fetc%2Fpasswd',
    '/audio/%2e%2e/%2e%2e/etc/passwd',
    '/audio/%252e%252e%252fetc%252fpasswd',
    '/audio/..\\..\\etc\\passwd',
    `/audio/${encodeURIComponent(lib.files[0]!)}`,
    `/audio/${lib.files[1]!}`,
    '/audio/1/../../etc/passwd',
    '/audio/abc',
    '/audio/-1',
    '/audio/1.0',
    '/audio/0x1',
    '/audio/',
    '/audio/%00',
    '/audio/999999',
  ];
  for (const p of attempts) {
    const r = await request(server.port, { path: p, headers: auth });
    assert.ok(r.status === 400 || r.status === 404, `${p}: ${r.status}`);
    assert.ok(!r.body.toString('latin1').includes('root:'), p);
  }
  // Static files cannot escape their folder either.
  for (const p of ['/../../etc/passwd', '/..%2F..%2Fetc%2Fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%5C..%5Cetc%5Cpasswd']) {
    const r = await request(server.port, { path: p, headers: auth });
    assert.ok(!r.body.toString('latin1').includes('root:'), p);
    assert.notEqual(r.status, 500, p);
  }
});

test('every HTML response carries the CSP: the placeholder before the renderer is built, and the built pages after', async (t) => {
  const lib = makeLibrary(t);
  const missing = await serve(t, lib, path.join(lib.dir, 'no-dist'));
  const auth = { 'x-earmark-token': missing.token };
  const placeholder = await request(missing.port, { path: '/', headers: auth });
  assert.equal(placeholder.status, 200);
  assert.equal(placeholder.headers['content-security-policy'], contentSecurityPolicy);
  assert.match(placeholder.body.toString(), /not been built/);

  const dist = tmpDir(t, 'earmark-dist-');
  fs.mkdirSync(path.join(dist, 'assets'));
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>Earmark</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(dist, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dist, 'assets', 'page.html'), '<p>another page</p>');
  fs.symlinkSync('/etc/passwd', path.join(dist, 'assets', 'link.txt'));
  const built = await serve(t, lib, dist);
  const h = { 'x-earmark-token': built.token };
  for (const p of ['/', '/index.html', '/assets/page.html', '/some/client/route']) {
    const r = await request(built.port, { path: p, headers: h });
    assert.equal(r.status, 200, p);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.equal(r.headers['content-security-policy'], contentSecurityPolicy, p);
    assert.equal(r.headers['x-frame-options'], 'DENY');
  }
  const js = await request(built.port, { path: '/assets/app.js', headers: h });
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /^text\/javascript/);
  assert.equal(js.headers['x-content-type-options'], 'nosniff');
  assert.equal((await request(built.port, { path: '/assets/missing.js', headers: h })).status, 404);
  assert.equal((await request(built.port, { path: '/assets/link.txt', headers: h })).status, 404, 'a symlink out of the folder is not followed');
  assert.match(contentSecurityPolicy, /script-src 'self'(;|$)/);
  assert.doesNotMatch(contentSecurityPolicy, /unsafe-eval/);
});

test('close() ends event streams and running jobs and frees the port', async (t) => {
  const lib = makeLibrary(t);
  const server = await startServer({ db: lib.db, dbPath: lib.dbPath, dataDir: path.dirname(lib.dbPath), env: lib.env, port: 0, distDir: path.join(lib.dir, 'x'), log: () => undefined });
  const stream = readEvents(server.port, `/api/events?token=${server.token}`, () => false, () => undefined).catch(() => []);
  await call(server, 'addFolder', { path: lib.musicDir });
  const job = await call(server, 'startScan', {});
  await server.close();
  await stream;
  assert.notEqual(server.runtime.jobs.get(job.id).state, 'running');
  await assert.rejects(request(server.port, { path: '/' }));
});
