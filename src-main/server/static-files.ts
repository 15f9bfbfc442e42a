/**
 * The built renderer (src-renderer/dist) as static files. A request path
 * only ever names a file inside that folder: it is decoded once, checked for
 * `..`, NUL and backslashes, resolved, and the real path (after symlinks)
 * must still lie inside the folder.
 */
import fs from 'node:fs';
import path from 'node:path';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResult = { readonly kind: 'file'; readonly file: string; readonly size: number; readonly contentType: string } | { readonly kind: 'not_found' } | { readonly kind: 'no_build' };

/**
 * Finds the file for a URL path (already without the query). A path without
 * an extension that names no file gets index.html (client-side routes).
 */
export function resolveStatic(distDir: string, urlPath: string): StaticResult {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { kind: 'not_found' };
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((s) => s === '..' || s === '.')) return { kind: 'not_found' };
  let root: string;
  try {
    root = fs.realpathSync(distDir);
  } catch {
    return { kind: 'no_build' };
  }
  if (!fs.existsSync(path.join(root, 'index.html'))) return { kind: 'no_build' };
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const found = fileInside(root, rel);
  if (found) return found;
  if (path.extname(rel) === '') return fileInside(root, 'index.html') ?? { kind: 'not_found' };
  return { kind: 'not_found' };
}

function fileInside(root: string, rel: string): StaticResult | null {
  const candidate = path.resolve(root, rel);
  try {
    const real = fs.realpathSync(candidate);
    if (real !== root && !real.startsWith(root + path.sep)) return null;
    const st = fs.statSync(real);
    if (!st.isFile()) return null;
    return { kind: 'file', file: real, size: st.size, contentType: contentTypeOf(real) };
  } catch {
    return null;
  }
}

/** Shown where the renderer has not been built: says what to run, and that the API is up. */
export function placeholderPage(distDir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Earmark</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}code{background:#8882;padding:.1em .3em;border-radius:3px}</style>
</head><body>
<h1>Earmark is running</h1>
<p>The server and its API are up, but the app's pages have not been built: there is no <code>${escapeHtml(path.join(distDir, 'index.html'))}</code>.</p>
<p>Build them with <code>npm run build</code> (or <code>npx vite build src-renderer</code>), then reload this page.</p>
</body></html>
`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
