import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { installBaseModel } from '../../src-main/model/install.js';
import { installedBaseModel, listBaseModels, modelInstallDir } from '../../src-main/model/registry.js';
import { MODEL_JSON, WEIGHTS_BIN, readStoredModel } from '../../src-main/model/stored-model.js';
import { tmpDir } from '../helpers/tmp.js';
import { leftovers, testHome, weightsFile } from './fixtures.js';

const SHA = 'df63638de9f3113780768181670c554f122fbd1297c63c065836d70a251115a8';

test('installs from a local copy: verified, converted, recorded, atomically replaced on reinstall', async (t) => {
  const h = testHome(t);
  assert.equal(installedBaseModel(h.db, h.env), null);
  const phases = new Set<string>();
  const r = await installBaseModel(h.db, { fromFile: weightsFile, env: h.env, onProgress: (p) => phases.add(p.job) });
  const dir = modelInstallDir('choi-crnn-msd', '1.0.0', h.env);
  assert.deepEqual({ ...r }, { id: 'choi-crnn-msd', version: '1.0.0', dir, sha256: SHA, sizeBytes: 1649464, source: 'file', from: weightsFile, replaced: false });
  assert.ok(dir.startsWith(path.join(h.home, 'models')));
  assert.deepEqual(fs.readdirSync(dir).sort(), [MODEL_JSON, WEIGHTS_BIN]);
  assert.deepEqual([...phases], ['verify', 'convert']);

  // The stored form: original parameters, conv kernels transposed to HWIO,
  // running_std kept as the variance it is.
  const stored = readStoredModel(dir);
  assert.equal(stored.weights.size, 48);
  assert.equal([...stored.weights.values()].reduce((n, w) => n + w.data.length, 0), 400_562);
  assert.deepEqual(stored.weights.get('conv2/kernel')!.shape, [3, 3, 64, 128]);
  assert.deepEqual(stored.weights.get('bn0/moving_variance')!.shape, [1440]);
  assert.ok(stored.weights.get('bn0/moving_variance')!.data.every((v) => v > 0));
  assert.equal(stored.json.sourceSha256, SHA);

  const active = installedBaseModel(h.db, h.env);
  assert.deepEqual(active && { id: active.id, version: active.version, dir: active.dir, tags: active.manifest.tags.length }, { id: 'choi-crnn-msd', version: '1.0.0', dir, tags: 50 });
  const listed = listBaseModels(h.env, h.db).find((m) => m.id === 'choi-crnn-msd');
  assert.equal(listed?.installed, true);
  assert.equal(listed.active, true);

  const again = await installBaseModel(h.db, { id: 'choi-crnn-msd', fromFile: weightsFile, env: h.env });
  assert.equal(again.replaced, true);
  assert.deepEqual(fs.readdirSync(path.dirname(dir)), ['1.0.0'], 'no temporary folders left');
  assert.equal((h.db.prepare('SELECT COUNT(*) AS n FROM base_models WHERE active = 1').get() as { n: number }).n, 1);

  // Files removed behind the database's back: reported as not installed.
  fs.rmSync(dir, { recursive: true });
  assert.equal(installedBaseModel(h.db, h.env), null);
  assert.equal(listBaseModels(h.env, h.db).find((m) => m.id === 'choi-crnn-msd')?.installed, false);
});

test('a local file of the wrong size or content is refused, naming the file, expected and actual', async (t) => {
  const h = testHome(t);
  const dir = tmpDir(t);
  const wrongSize = path.join(dir, 'short.h5');
  fs.writeFileSync(wrongSize, fs.readFileSync(weightsFile).subarray(0, 1000));
  await assert.rejects(installBaseModel(h.db, { fromFile: wrongSize, env: h.env }), (err: Error) => {
    assert.match(err.message, new RegExp(`${wrongSize.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: size mismatch for choi-crnn-msd: expected 1649464 bytes, got 1000`));
    return true;
  });
  const flipped = path.join(dir, 'flipped.h5');
  const bytes = fs.readFileSync(weightsFile);
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
  fs.writeFileSync(flipped, bytes);
  await assert.rejects(installBaseModel(h.db, { fromFile: flipped, env: h.env }), new RegExp(`flipped\\.h5: sha256 mismatch for choi-crnn-msd: expected ${SHA}, got [0-9a-f]{64}$`));
  await assert.rejects(installBaseModel(h.db, { fromFile: path.join(dir, 'absent.h5'), env: h.env }), /cannot read .*absent\.h5/);
  await assert.rejects(installBaseModel(h.db, { fromFile: dir, env: h.env }), /is not a file/);
  await assert.rejects(installBaseModel(h.db, { id: 'no-such-model', fromFile: weightsFile, env: h.env }), /unknown base model "no-such-model"/);
  await assert.rejects(installBaseModel(h.db, { id: '../etc', fromFile: weightsFile, env: h.env }), /unknown base model/);

  const parent = path.join(h.home, 'models', 'choi-crnn-msd');
  assert.deepEqual(fs.readdirSync(parent), [], 'nothing installed, nothing half-installed');
  assert.deepEqual(leftovers(parent), []);
  assert.equal(installedBaseModel(h.db, h.env), null);
  assert.equal((h.db.prepare('SELECT COUNT(*) AS n FROM base_models').get() as { n: number }).n, 0);
});

test('an aborted install leaves nothing behind', async (t) => {
  const h = testHome(t);
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(installBaseModel(h.db, { fromFile: weightsFile, env: h.env, signal: abort.signal }), { name: 'CancelledError' });
  assert.deepEqual(fs.readdirSync(path.join(h.home, 'models', 'choi-crnn-msd')), []);
  assert.equal(installedBaseModel(h.db, h.env), null);
});
