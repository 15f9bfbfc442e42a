import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { repoRoot } from '../helpers/tmp.js';

interface BuilderConfig {
  files?: { filter?: string[] }[];
  asarUnpack?: string[];
  electronFuses?: Record<string, boolean>;
  linux?: { target?: string[] };
  mac?: { target?: string[] };
  win?: { target?: string[] };
}

const require = createRequire(import.meta.url);

test('electron-builder.yml passes electron-builder\'s own schema and sets the packaging and fuse rules', async () => {
  // electron-builder's loader and validator, as `electron-builder` itself runs them.
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig: (dir: string, file: string | null, fromOptions: null) => Promise<BuilderConfig>;
    validateConfiguration: (cfg: BuilderConfig, logger: unknown) => Promise<void>;
  };
  const { DebugLogger } = require('builder-util/out/DebugLogger.js') as { DebugLogger: new (enabled: boolean) => unknown };
  const cfg = await getConfig(repoRoot, null, null);
  await validateConfiguration(cfg, new DebugLogger(false));

  assert.deepEqual(cfg.linux?.target, ['AppImage', 'deb']);
  assert.deepEqual(cfg.mac?.target, ['dmg']);
  assert.deepEqual(cfg.win?.target, ['nsis']);
  const files = cfg.files?.flatMap((f) => f.filter ?? []) ?? [];
  for (const f of ['build/**', 'src-renderer/dist/**', 'models/*.json', '!build/test/**']) assert.ok(files.includes(f), f);
  for (const u of ['**/*.node', '**/*.wasm', 'node_modules/ffmpeg-static/**', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/**']) assert.ok(cfg.asarUnpack?.includes(u), u);
  assert.deepEqual(
    {
      runAsNode: cfg.electronFuses?.runAsNode,
      enableNodeOptionsEnvironmentVariable: cfg.electronFuses?.enableNodeOptionsEnvironmentVariable,
      enableNodeCliInspectArguments: cfg.electronFuses?.enableNodeCliInspectArguments,
      onlyLoadAppFromAsar: cfg.electronFuses?.onlyLoadAppFromAsar,
      enableEmbeddedAsarIntegrityValidation: cfg.electronFuses?.enableEmbeddedAsarIntegrityValidation,
    },
    { runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true },
  );
});

test('package.json points Electron at the compiled main process', () => {
  const pkg = require('../../../package.json') as { main: string };
  assert.equal(pkg.main, 'build/src-main/electron/main.js');
});
