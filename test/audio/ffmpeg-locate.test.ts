import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clearFfmpegCache, locateFfmpeg } from '../../src-main/audio/ffmpeg-locate.js';
import { EarmarkError } from '../../src-main/core/errors.js';
import { tmpDir } from '../helpers/tmp.js';

const systemFfmpeg = locateFfmpeg({ env: { PATH: process.env.PATH } }).path;

test('finds ffmpeg on PATH, with its version', () => {
  clearFfmpegCache();
  const info = locateFfmpeg({ env: { PATH: process.env.PATH } });
  assert.equal(info.source, 'path');
  assert.ok(path.isAbsolute(info.path));
  assert.match(info.version, /^\S*\d/);
  // Cached: the same object for the same inputs.
  assert.equal(locateFfmpeg({ env: { PATH: process.env.PATH } }), info);
});

test('the configured path comes first, then EARMARK_FFMPEG', () => {
  clearFfmpegCache();
  const fromSetting = locateFfmpeg({ configuredPath: systemFfmpeg, env: { EARMARK_FFMPEG: '/nonexistent/ffmpeg', PATH: '' } });
  assert.equal(fromSetting.source, 'setting');
  assert.equal(fromSetting.path, systemFfmpeg);
  const fromEnv = locateFfmpeg({ configuredPath: null, env: { EARMARK_FFMPEG: systemFfmpeg, PATH: '' } });
  assert.equal(fromEnv.source, 'env');
});

test('a configured path that does not work falls through, and says why', (t) => {
  clearFfmpegCache();
  const dir = tmpDir(t);
  const notFfmpeg = path.join(dir, 'ffmpeg');
  fs.writeFileSync(notFfmpeg, '#!/bin/sh\necho hello\n', { mode: 0o755 });
  const info = locateFfmpeg({ configuredPath: notFfmpeg, env: { EARMARK_FFMPEG: path.join(dir, 'missing'), PATH: process.env.PATH } });
  assert.equal(info.source, 'path');
  const skipped = info.skipped ?? [];
  assert.equal(skipped.length, 2);
  assert.match(skipped[0] ?? '', /setting .*does not look like ffmpeg/);
  assert.match(skipped[1] ?? '', /env .*no such file/);
});

test('no ffmpeg anywhere: one clear error saying how to fix it', (t) => {
  clearFfmpegCache();
  const dir = tmpDir(t);
  assert.throws(
    () => locateFfmpeg({ env: { PATH: dir } }),
    (e: unknown) => e instanceof EarmarkError && e.code === 'ffmpeg_missing' && /install ffmpeg/.test(e.message) && /EARMARK_FFMPEG/.test(e.message),
  );
});
