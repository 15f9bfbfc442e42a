/** A library with the real model installed, in a temporary data directory (shared by the analysis tests). */
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { installBaseModel } from '../../src-main/model/install.js';
import { sharedDir, tmpDir } from '../helpers/tmp.js';

export const weightsFile = path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5');
export const bensoundDir = path.join(sharedDir, 'audio', 'bensound');

export interface TestLibrary {
  readonly home: string;
  readonly dbPath: string;
  readonly db: Db;
  /** EARMARK_HOME pointing at the temporary data directory; wasm backend (what CI has). */
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
}

export async function libraryWithModel(t: { after(fn: () => void): void }): Promise<TestLibrary> {
  const dir = tmpDir(t);
  const home = path.join(dir, 'home');
  const dbPath = path.join(home, 'earmark.db');
  const env: NodeJS.ProcessEnv = { ...process.env, EARMARK_HOME: home, EARMARK_BACKEND: 'wasm' };
  const db = openDatabase(dbPath);
  t.after(() => db.close());
  await installBaseModel(db, { fromFile: weightsFile, env });
  return { home, dbPath, db, env, dir };
}

/** Adds a tracks row as the scanner would (content hash made up: the analysis only compares it). */
export function addTrack(db: Db, file: string, hash = `hash:${file}`): number {
  return Number(
    db.prepare("INSERT INTO tracks (path, status, content_hash, added_at, updated_at) VALUES (?, 'ok', ?, ?, ?)").run(file, hash, Date.now(), Date.now()).lastInsertRowid,
  );
}
