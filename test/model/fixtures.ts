/** Shared set-up for the model tests: the real weights and reference inputs from ../shared. */
import fs from 'node:fs';
import path from 'node:path';
import { parseNpy } from '../../src-main/audio/npy.js';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { installBaseModel, type InstallResult } from '../../src-main/model/install.js';
import { sharedDir, tmpDir } from '../helpers/tmp.js';

export const weightsFile = path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5');
export const bensoundDir = path.join(sharedDir, 'audio', 'bensound');

export interface TestHome {
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly db: Db;
}

/** A fresh data directory (EARMARK_HOME) with an open library database, both removed after the test. */
export function testHome(t: { after(fn: () => void): void }): TestHome {
  const home = tmpDir(t, 'earmark-model-');
  const env: NodeJS.ProcessEnv = { ...process.env, EARMARK_HOME: home };
  delete env.EARMARK_BACKEND;
  delete env.EARMARK_MODEL_BASE_URL;
  const db = openDatabase(path.join(home, 'earmark.db'));
  t.after(() => {
    db.close();
  });
  return { home, env, db };
}

export async function installFromShared(t: { after(fn: () => void): void }): Promise<TestHome & { installed: InstallResult }> {
  const h = testHome(t);
  const installed = await installBaseModel(h.db, { fromFile: weightsFile, env: h.env });
  return { ...h, installed };
}

export interface Reference {
  readonly tags: readonly string[];
  readonly songs: readonly { name: string; input: Float32Array; probs: readonly number[] }[];
}

/** The four log-mel inputs (float64 1x1x96x1366, cast to float32 as the app feeds them) and their expected probabilities. */
export function loadReference(): Reference {
  const expected = JSON.parse(fs.readFileSync(path.join(bensoundDir, 'expected-crnn-msd.json'), 'utf8')) as { tags: string[]; probabilities: Record<string, number[]> };
  const songs = Object.entries(expected.probabilities).map(([name, probs]) => {
    const npy = parseNpy(fs.readFileSync(path.join(bensoundDir, `${name}.npy`)), `${name}.npy`);
    return { name, input: Float32Array.from(npy.data), probs };
  });
  return { tags: expected.tags, songs };
}

/** Folder entries other than the final version folders: temporary or half-installed leftovers. */
export function leftovers(modelParent: string): string[] {
  if (!fs.existsSync(modelParent)) return [];
  return fs.readdirSync(modelParent).filter((e) => e.startsWith('.'));
}
