/** A small real library for the door tests: generated audio, a real database, the real runtime. */
import path from 'node:path';
import { makeAudio } from '../helpers/audio.js';
import { tmpDir } from '../helpers/tmp.js';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { createRuntime, type ApiRuntime } from '../../src-main/api/runtime.js';

export interface Library {
  readonly dir: string;
  readonly musicDir: string;
  readonly dbPath: string;
  readonly db: Db;
  readonly files: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Three short tracks in three formats, one with a non-ASCII title. */
export function makeLibrary(t: { after(fn: () => void): void }): Library {
  const dir = tmpDir(t, 'earmark-api-');
  const musicDir = path.join(dir, 'music');
  const files = [
    makeAudio(path.join(musicDir, 'a', 'Ünïcode tune.mp3'), { durationSec: 1, freqHz: 330, metadata: { title: 'Ünïcode tune', artist: 'Zoë', album: 'Ålbum', date: '1999' } }),
    makeAudio(path.join(musicDir, 'b', 'second.ogg'), { durationSec: 1, freqHz: 440, metadata: { title: 'Second', artist: 'Abe', album: 'Beta', date: '2001' } }),
    makeAudio(path.join(musicDir, 'third.flac'), { durationSec: 1, freqHz: 550, metadata: { title: 'Third', artist: 'Mia', album: 'Gamma', date: '2010' } }),
  ];
  const dbPath = path.join(dir, 'data', 'earmark.db');
  const db = openDatabase(dbPath);
  t.after(() => {
    db.close();
  });
  // The data directory (models, settings) lives in the test's folder, never the user's.
  const env = { ...process.env, EARMARK_HOME: path.join(dir, 'data') };
  return { dir, musicDir, dbPath, db, files, env };
}

export function makeRuntime(lib: Library, log: string[] = []): ApiRuntime {
  return createRuntime({
    db: lib.db,
    dbPath: lib.dbPath,
    dataDir: path.dirname(lib.dbPath),
    env: lib.env,
    door: 'test',
    audioUrl: (id) => `/audio/${id}`,
    log: (m) => log.push(m),
    jobs: { progressIntervalMs: 0 },
  });
}
