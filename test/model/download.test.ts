import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { downloadToFile } from '../../src-main/model/download.js';
import { installBaseModel, modelDownloadUrl } from '../../src-main/model/install.js';
import { installedBaseModel, readManifest } from '../../src-main/model/registry.js';
import { tmpDir } from '../helpers/tmp.js';
import { testHome, weightsFile } from './fixtures.js';

const FILE_NAME = 'music_tagger_crnn_weights_tensorflow.h5';

/**
 * A local server on 127.0.0.1 playing a mirror of the weights:
 *   /good/<file>      the real file (via a redirect from /redirect/<file>)
 *   /corrupt/<file>   same size, one byte changed
 *   /drop/<file>      announces the full length, sends half, drops the connection
 *   /stall/<file>     sends the headers and then nothing
 */
async function mirror(t: { after(fn: () => Promise<void> | void): void }): Promise<string> {
  const good = fs.readFileSync(weightsFile);
  const corrupt = Buffer.from(good);
  corrupt[5000] = corrupt[5000]! ^ 0xff;
  const server = http.createServer((req, res) => {
    const [, kind, name] = (req.url ?? '').split('/');
    if (name !== FILE_NAME) {
      res.writeHead(404).end();
      return;
    }
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(good.length) };
    switch (kind) {
      case 'redirect':
        res.writeHead(302, { location: `/good/${FILE_NAME}` }).end();
        return;
      case 'good':
        res.writeHead(200, headers);
        // In pieces, so progress is reported more than once.
        for (let i = 0; i < good.length; i += 256 * 1024) res.write(good.subarray(i, i + 256 * 1024));
        res.end();
        return;
      case 'corrupt':
        res.writeHead(200, headers).end(corrupt);
        return;
      case 'drop':
        res.writeHead(200, headers);
        res.write(good.subarray(0, good.length >> 1), () => {
          res.socket?.destroy();
        });
        return;
      case 'stall':
        res.writeHead(200, headers);
        res.flushHeaders();
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('EARMARK_MODEL_BASE_URL points the download at a mirror folder', () => {
  const m = readManifest('choi-crnn-msd');
  assert.equal(modelDownloadUrl(m, {}), m.source.url);
  assert.equal(modelDownloadUrl(m, { EARMARK_MODEL_BASE_URL: 'http://127.0.0.1:9/x/' }), `http://127.0.0.1:9/x/${FILE_NAME}`);
});

test('installs by download, following a redirect, with byte progress', async (t) => {
  const base = await mirror(t);
  const h = testHome(t);
  const seen: number[] = [];
  const r = await installBaseModel(h.db, {
    env: { ...h.env, EARMARK_MODEL_BASE_URL: `${base}/redirect` },
    onProgress: (p) => {
      if (p.job === 'download') seen.push(p.done);
    },
  });
  assert.equal(r.source, 'download');
  assert.equal(r.from, `${base}/redirect/${FILE_NAME}`);
  assert.equal(installedBaseModel(h.db, h.env)?.dir, r.dir);
  assert.ok(seen.length >= 2, 'several progress reports');
  assert.equal(seen.at(-1), 1649464);
  assert.deepEqual(fs.readdirSync(path.dirname(r.dir)), ['1.0.0'], 'the downloaded .h5 and the temporary folder are gone');
});

for (const [kind, expected] of [
  ['corrupt', /file downloaded from http:\/\/127\.0\.0\.1:\d+\/corrupt\/music_tagger_crnn_weights_tensorflow\.h5: sha256 mismatch for choi-crnn-msd: expected df63638de9f3[0-9a-f]+, got [0-9a-f]{64}/],
  ['drop', /download of http:\/\/127\.0\.0\.1:\d+\/drop\/music_tagger_crnn_weights_tensorflow\.h5 failed: connection dropped after \d+ of 1649464 bytes/],
  ['stall', /download of .*\/stall\/.* failed: no data for 0\.3 s/],
  ['missing', /download of .*\/missing\/.* failed: HTTP 404/],
] as const) {
  test(`a download that goes wrong (${kind}) is refused and leaves nothing installed`, async (t) => {
    const base = await mirror(t);
    const h = testHome(t);
    await assert.rejects(installBaseModel(h.db, { url: `${base}/${kind}/${FILE_NAME}`, env: h.env, idleTimeoutMs: 300 }), expected);
    assert.deepEqual(fs.readdirSync(path.join(h.home, 'models', 'choi-crnn-msd')), [], 'no version folder, no temporary folder');
    assert.equal(installedBaseModel(h.db, h.env), null);
    assert.equal((h.db.prepare('SELECT COUNT(*) AS n FROM base_models').get() as { n: number }).n, 0);
  });
}

test('downloadToFile: refuses oversized bodies, unsupported schemes, and honours an abort', async (t) => {
  const base = await mirror(t);
  const dir = tmpDir(t);
  await assert.rejects(downloadToFile(`${base}/good/${FILE_NAME}`, path.join(dir, 'a'), { maxBytes: 1000 }), /refused: 1649464 bytes, expected at most 1000/);
  await assert.rejects(downloadToFile('ftp://example.org/x', path.join(dir, 'b')), /only http and https/);
  await assert.rejects(downloadToFile('not a url', path.join(dir, 'c')), /not a valid download address/);
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(downloadToFile(`${base}/good/${FILE_NAME}`, path.join(dir, 'd'), { signal: abort.signal }), { name: 'CancelledError' });
  const ok = await downloadToFile(`${base}/redirect/${FILE_NAME}`, path.join(dir, 'e'));
  assert.equal(ok.bytes, 1649464);
  assert.equal(ok.finalUrl, `${base}/good/${FILE_NAME}`);
  assert.equal(ok.sha256, 'df63638de9f3113780768181670c554f122fbd1297c63c065836d70a251115a8');
});
