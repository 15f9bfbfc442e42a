import path from 'node:path';
import { defineConfig, mergeConfig } from 'vite';
import app from '../vite.config.js';

const here = import.meta.dirname;

/**
 * The component harness (test only): the app's components mounted one at a time, built with
 * the app's own config (relative assets, nothing inline, so the server's CSP applies
 * unchanged), from this folder into build/ui-harness, where test/ui/components serves it from.
 */
export default mergeConfig(
  app,
  defineConfig({
    root: here,
    logLevel: 'warn',
    build: {
      outDir: path.resolve(here, '../../build/ui-harness'),
      minify: false,
      chunkSizeWarningLimit: 2000,
    },
  }),
);
