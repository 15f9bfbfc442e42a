import path from 'node:path';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = import.meta.dirname;

/**
 * One build serves both doors: Electron loads dist/index.html from file:// (or
 * its own protocol) and `earmark serve` serves it over http, so every asset URL
 * is relative (base './'). Nothing is inlined into index.html: the doors send a
 * strict Content-Security-Policy (script-src 'self', no inline, no eval).
 */
export default defineConfig({
  root: here,
  base: './',
  plugins: [svelte()],
  resolve: {
    alias: { '@contract': path.resolve(here, '../src-main/api/contract.ts') },
  },
  build: {
    outDir: path.resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
  },
});
