import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EarmarkError, errorMessage } from '../core/errors.js';

/**
 * Which ffmpeg binary decodes audio. Order: the configured path (the
 * `ffmpegPath` setting), then EARMARK_FFMPEG, then the binary shipped by the
 * optional `ffmpeg-static` package, then `ffmpeg` on PATH. Each candidate is
 * checked by running `ffmpeg -version`, so a stale setting falls through to
 * the next candidate (and is listed in `skipped`, which `earmark doctor`
 * shows) instead of failing every decode later.
 */
export interface FfmpegInfo {
  readonly path: string;
  readonly source: 'setting' | 'env' | 'ffmpeg-static' | 'path';
  /** As printed by `ffmpeg -version`, e.g. "5.1.9-0+deb12u1". */
  readonly version: string;
  /** Candidates tried before this one and why each was not used. */
  readonly skipped?: readonly string[];
}

export interface LocateFfmpegOptions {
  readonly configuredPath?: string | null;
  readonly env?: NodeJS.ProcessEnv;
}

const VERSION_TIMEOUT_MS = 10_000;

const cache = new Map<string, FfmpegInfo>();

/** Forgets located binaries (after a setting changes, and in tests). */
export function clearFfmpegCache(): void {
  cache.clear();
}

export function locateFfmpeg(opts: LocateFfmpegOptions = {}): FfmpegInfo {
  const env = opts.env ?? process.env;
  const key = JSON.stringify([opts.configuredPath ?? null, env.EARMARK_FFMPEG ?? null, env.PATH ?? null]);
  const hit = cache.get(key);
  if (hit) return hit;

  const skipped: string[] = [];
  const candidates: { source: FfmpegInfo['source']; path: () => string | null }[] = [
    { source: 'setting', path: () => opts.configuredPath ?? null },
    { source: 'env', path: () => env.EARMARK_FFMPEG ?? null },
    { source: 'ffmpeg-static', path: ffmpegStaticPath },
    { source: 'path', path: () => findOnPath(process.platform === 'win32' ? 'ffmpeg.exe' : 'ffmpeg', env) },
  ];
  for (const c of candidates) {
    const p = c.path();
    if (p === null || p === '') continue;
    try {
      const version = ffmpegVersion(p);
      const info: FfmpegInfo = { path: p, source: c.source, version, ...(skipped.length > 0 ? { skipped } : {}) };
      cache.set(key, info);
      return info;
    } catch (err) {
      skipped.push(`${c.source} ${p}: ${errorMessage(err)}`);
    }
  }
  const tried = skipped.length > 0 ? ` (tried: ${skipped.join('; ')})` : '';
  throw new EarmarkError(
    'ffmpeg_missing',
    `ffmpeg not found${tried}: install ffmpeg (e.g. "apt install ffmpeg", "brew install ffmpeg", or from https://ffmpeg.org) ` +
      'or set EARMARK_FFMPEG to the full path of an ffmpeg binary',
  );
}

/** Runs `ffmpeg -version` and returns the version word; throws a short reason if it does not run. */
function ffmpegVersion(binary: string): string {
  let out: string;
  try {
    out = execFileSync(binary, ['-hide_banner', '-version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: VERSION_TIMEOUT_MS,
      windowsHide: true,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : errorMessage(err).split('\n')[0] ?? 'failed');
  }
  const m = /^ffmpeg version (\S+)/m.exec(out);
  if (!m) throw new Error('does not look like ffmpeg (no "ffmpeg version" in its -version output)');
  return m[1]!;
}

/**
 * ffmpeg-static exports the absolute path of its downloaded binary. It is an
 * optional dependency (its download fails on some machines), so it is loaded
 * only if present; inside a packaged Electron app the binary lives in
 * app.asar.unpacked, not in the read-only archive.
 */
function ffmpegStaticPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const exported = require('ffmpeg-static') as unknown;
    if (typeof exported !== 'string') return null;
    const p = exported.replace(`app.asar${path.sep}`, `app.asar.unpacked${path.sep}`);
    return fs.existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here; next directory
    }
  }
  return null;
}
