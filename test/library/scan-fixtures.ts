/**
 * Helpers for the catalogue tests: real audio made once per test file by
 * ffmpeg (makeAudio), copied where a test needs it, and a database in a
 * temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeAudio } from '../helpers/audio.js';
import { openDatabase, type Db } from '../../src-main/db/database.js';

export const nonAsciiTags = { title: 'Café ☕ Ünïcödé', artist: 'Björk & 坂本龍一', album: 'Ελληνικά — Живые', genre: 'Électro', date: '2021' };

// ffmpeg is the slow part of these tests: each distinct file is made once per test process.
const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-audio-cache-'));
process.on('exit', () => {
  fs.rmSync(cacheDir, { recursive: true, force: true });
});

/** Places at `dest` a copy of a 1 s tone file (format from `ext`) with these tags, made once per test process. */
export function placeAudio(dest: string | Buffer, ext: string, metadata: Readonly<Record<string, string>> = nonAsciiTags): void {
  const key = `${ext}-${Buffer.from(JSON.stringify(metadata)).toString('base64url').slice(0, 40)}`;
  const cached = path.join(cacheDir, `${key}.${ext}`);
  if (!fs.existsSync(cached)) makeAudio(cached, { durationSec: 1, metadata });
  const dir = typeof dest === 'string' ? path.dirname(dest) : path.dirname(dest.toString('latin1'));
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(cached, dest);
}

export function openTestDb(dir: string): Db {
  return openDatabase(path.join(dir, 'lib.db'));
}

export interface TrackRowForTest {
  id: number;
  path: string;
  path_raw: Buffer | null;
  status: string;
  error: string | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  genre: string | null;
  year: number | null;
  duration_sec: number | null;
  format: string | null;
  codec: string | null;
  sample_rate: number | null;
  channels: number | null;
  content_hash: string | null;
  missing_since: number | null;
  root_id: number | null;
}

export function trackByPath(db: Db, p: string): TrackRowForTest | undefined {
  return db.prepare('SELECT * FROM tracks WHERE path = ?').get(p) as TrackRowForTest | undefined;
}

export function allTracks(db: Db): TrackRowForTest[] {
  return db.prepare('SELECT * FROM tracks ORDER BY path').all() as TrackRowForTest[];
}
