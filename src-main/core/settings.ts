import type { Db } from '../db/database.js';
import os from 'node:os';

/**
 * Settings shared by the CLI, the server and the app, stored in the library
 * database so every door sees the same values. Environment variables
 * override for one run.
 */
export interface Settings {
  /** Explicit ffmpeg binary; EARMARK_FFMPEG overrides. */
  ffmpegPath: string | null;
  /** Worker threads for analysis; default: all cores. */
  workerThreads: number;
  /** Cap on 29.12 s segments per track (about 10 minutes by default). */
  maxSegmentsPerTrack: number;
  /** TensorFlow.js backend: auto | tensorflow | wasm | cpu; EARMARK_BACKEND overrides. */
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export const defaultSettings: Readonly<Settings> = {
  ffmpegPath: null,
  workerThreads: Math.max(1, os.availableParallelism()),
  maxSegmentsPerTrack: 21,
  backend: 'auto',
};

export function getSettings(db: Db, env: NodeJS.ProcessEnv = process.env): Settings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const stored: Partial<Record<keyof Settings, unknown>> = {};
  for (const r of rows) {
    if (r.key in defaultSettings) stored[r.key as keyof Settings] = JSON.parse(r.value) as unknown;
  }
  const s = { ...defaultSettings, ...stored } as Settings;
  if (env.EARMARK_FFMPEG) s.ffmpegPath = env.EARMARK_FFMPEG;
  const b = env.EARMARK_BACKEND;
  if (b === 'tensorflow' || b === 'wasm' || b === 'cpu' || b === 'auto') s.backend = b;
  return s;
}

export function setSetting<K extends keyof Settings>(db: Db, key: K, value: Settings[K]): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}
