import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, tmpDir } from '../helpers/tmp.js';
import { weightsFile } from './fixtures.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function earmark(home: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.EARMARK_BACKEND;
  Object.assign(env, { EARMARK_HOME: home }, extraEnv);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'earmark.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface DoctorJson {
  ok: boolean;
  problems: string[];
  ffmpeg: { ok: boolean; path?: string };
  backend: { ok: boolean; name?: string; reason?: string; conv?: string };
  model: { ok: boolean; id?: string; error?: string };
  node: { ok: boolean };
  dataDir: string;
  dbPath: string;
}

test('earmark models list / install and earmark doctor', (t) => {
  const home = tmpDir(t, 'earmark-cli-');

  const before = earmark(home, ['models', 'list', '--json']);
  assert.equal(before.code, 0, before.stderr);
  const listed = JSON.parse(before.stdout) as { models: { id: string; installed: boolean }[]; installed: unknown[] };
  assert.deepEqual(listed.models.map((m) => [m.id, m.installed]), [['choi-crnn-msd', false]]);
  assert.deepEqual(listed.installed, []);

  const noModel = earmark(home, ['doctor', '--json']);
  assert.equal(noModel.code, 1, 'doctor fails without a model');
  const d0 = JSON.parse(noModel.stdout) as DoctorJson;
  assert.equal(d0.ok, false);
  assert.match(d0.model.error ?? '', /no base model installed: run "earmark models install"/);
  assert.match(noModel.stderr, /^earmark: doctor found 1 problem: base model: no base model installed/);

  const bad = path.join(home, 'bad.h5');
  fs.writeFileSync(bad, 'not the weights');
  const refused = earmark(home, ['models', 'install', '--from', bad]);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `earmark: ${bad}: size mismatch for choi-crnn-msd: expected 1649464 bytes, got 15\n`);

  const installed = earmark(home, ['models', 'install', 'choi-crnn-msd', '--from', weightsFile]);
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /^Installed choi-crnn-msd 1\.0\.0\n/);
  assert.match(installed.stdout, /sha256 df63638de9f3113780768181670c554f122fbd1297c63c065836d70a251115a8 \(verified\)/);

  const list = earmark(home, ['models', 'list']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^ID\s+VERSION\s+INSTALLED\s+ACTIVE/);
  assert.match(list.stdout, /choi-crnn-msd\s+1\.0\.0\s+yes\s+yes\s+1\.6 MB\s+MIT/);

  const doctor = earmark(home, ['doctor', '--json']);
  assert.equal(doctor.code, 0, doctor.stderr);
  const d = JSON.parse(doctor.stdout) as DoctorJson;
  assert.equal(d.ok, true);
  assert.deepEqual(d.problems, []);
  assert.equal(d.dataDir, home);
  assert.equal(d.dbPath, path.join(home, 'earmark.db'));
  assert.equal(d.model.id, 'choi-crnn-msd');
  assert.equal(d.ffmpeg.ok, true);
  assert.ok(d.backend.name === 'wasm' || d.backend.name === 'tensorflow');
  const text = earmark(home, ['doctor'], { EARMARK_BACKEND: 'cpu' });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /ok {4}backend {3}cpu: cpu requested/);
  assert.match(text.stdout, /\n {6}conv {6}winograd: WebAssembly SIMD kernel for conv blocks 2-4\n/);
  const tfjsConv = earmark(home, ['doctor', '--json'], { EARMARK_CONV: 'tfjs' });
  assert.equal((JSON.parse(tfjsConv.stdout) as DoctorJson).backend.conv, 'tfjs conv2d');
  const badConv = earmark(home, ['doctor', '--json'], { EARMARK_CONV: 'fast' });
  assert.equal(badConv.code, 1);
  assert.match((JSON.parse(badConv.stdout) as DoctorJson).problems.join('\n'), /EARMARK_CONV=fast is not one of auto, winograd, tfjs/);
  assert.match(text.stdout, /ok {4}model {5}choi-crnn-msd 1\.0\.0 in .* \(weights verified\)/);

  // No ffmpeg anywhere: an essential thing missing, exit code 1.
  const emptyBin = tmpDir(t, 'earmark-nopath-');
  const noFfmpeg = earmark(home, ['doctor', '--json'], { PATH: emptyBin, EARMARK_FFMPEG: path.join(emptyBin, 'ffmpeg') });
  assert.equal(noFfmpeg.code, 1);
  const d2 = JSON.parse(noFfmpeg.stdout) as DoctorJson;
  assert.equal(d2.ffmpeg.ok, false);
  assert.match(d2.problems.join('\n'), /ffmpeg not found/);
});
