import path from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = import.meta.dirname;

/**
 * The component harness (test only): the app's components mounted one at a time, built like
 * the app (relative assets, nothing inline, so the server's CSP applies unchanged) into
 * build/ui-harness, where test/ui/components serves it from.
 */
export default defineConfig({
  root: here,
  base: './',
  logLevel: 'warn',
  plugins: [svelte()],
  resolve: {
    alias: { '@contract': path.resolve(here, '../../src-main/api/contract.ts') },
  },
  build: {
    outDir: path.resolve(here, '../../build/ui-harness'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
});
