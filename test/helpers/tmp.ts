import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary directory, removed after the test (t.after). */
export function tmpDir(t: { after(fn: () => void): void }, prefix = 'earmark-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The repository root (tests run from build/test/...). */
export const repoRoot: string = path.resolve(import.meta.dirname, '..', '..', '..');

/** ../shared beside the checkout: weights and reference audio, never committed. */
export const sharedDir: string = process.env.EARMARK_SHARED ?? path.resolve(repoRoot, '..', 'shared');
