import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { repoRoot, tmpDir } from '../helpers/tmp.js';
import { request } from './http-client.js';

interface Launched {
  readonly child: ChildProcessWithoutNullStreams;
  readonly firstLine: string;
  stderr(): string;
  /** Resolves once stderr matches (stderr and stdout arrive independently). */
  stderrMatching(re: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

/** Starts `earmark serve` as a user would and waits for its first line of output. */
async function launch(t: { after(fn: () => unknown): void }, args: readonly string[]): Promise<Launched> {
  const dir = tmpDir(t, 'earmark-serve-');
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'earmark.js'), '--db', path.join(dir, 'e.db'), 'serve', '--no-open', ...args], {
    env: { ...process.env, EARMARK_HOME: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  const waiters: (() => void)[] = [];
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c;
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then((code) => { reject(new Error(`earmark serve exited (${code}) before printing its address: ${err}`)); });
  });
  const stderrMatching = async (re: RegExp): Promise<string> => {
    while (!re.test(err)) {
      if (child.exitCode !== null) throw new Error(`no ${String(re)} on stderr: ${err}`);
      await new Promise<void>((r) => waiters.push(r));
    }
    return err;
  };
  child.on('exit', () => {
    for (const w of waiters.splice(0)) w();
  });
  return { child, firstLine, stderr: () => err, stderrMatching, exited };
}

test('`earmark serve` prints its address with a token as the first line, serves the API, and stops cleanly on SIGTERM', async (t) => {
  const s = await launch(t, ['--port', '0']);
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([\w-]+)$/.exec(s.firstLine);
  assert.ok(m, s.firstLine);
  const port = Number(m[1]);
  const token = m[2]!;
  const ok = await request(port, { method: 'POST', path: '/api/appInfo', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{}' });
  assert.equal(ok.status, 200);
  assert.match(ok.body.toString(), /"door":"http"/);
  assert.equal((await request(port, { method: 'POST', path: '/api/appInfo', headers: { 'content-type': 'application/json' }, body: '{}' })).status, 401);
  assert.doesNotMatch(await s.stderrMatching(/serving .* at http/), /warning/);
  s.child.kill('SIGTERM');
  assert.equal(await s.exited, 0);
  assert.match(s.stderr(), /SIGTERM: stopping/);
});

test('`earmark serve --host 0.0.0.0` warns on stderr that the network can reach it', async (t) => {
  const s = await launch(t, ['--host', '0.0.0.0']);
  assert.match(s.firstLine, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  await s.stderrMatching(/warning: serving on 0\.0\.0\.0/);
  s.child.kill('SIGINT');
  assert.equal(await s.exited, 0);
});
