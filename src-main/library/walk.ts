import fs from 'node:fs';
import { decodePath } from './track-path.js';
import { isAudioName } from './formats.js';
import { fsErrorText } from './fs-errors.js';

/** An audio file found by the walk, with the one stat a scan needs. */
export interface FoundFile {
  readonly kind: 'file';
  /** Display path (exact when pathRaw is null). */
  readonly path: string;
  /** Exact bytes of a path that is not valid UTF-8. */
  readonly pathRaw: Buffer | null;
  readonly sizeBytes: number;
  readonly mtimeMs: number;
}

/** Something under a root that could not be catalogued: a dangling symlink, an unreadable folder. */
export interface WalkProblem {
  readonly kind: 'problem';
  readonly path: string;
  readonly error: string;
  /** Set for a folder that could not be listed: files known under it must not be marked missing. */
  readonly unreadableDir: boolean;
}

export type WalkEntry = FoundFile | WalkProblem;

const slash = Buffer.from('/');
/** Stats issued at once within one folder: enough to keep libuv's pool busy. */
const statBatch = 32;

/**
 * Walks a folder tree depth-first in byte order of names (stable, so the
 * same tree always yields the same sequence), yielding audio files and
 * problems. Paths are handled as bytes throughout, so names that are not
 * UTF-8 survive. Rules:
 * - names starting with '.' (hidden files and folders) are skipped;
 * - symlinks are followed; a folder reached twice (a symlink loop, or two
 *   links to one place) is walked once, by device + inode; so is a file;
 * - a folder named like an audio file ("Album.mp3/") is a folder: walked into;
 * - an audio-named thing that is not a regular file (FIFO, socket, device)
 *   or a dangling symlink is reported as a problem.
 */
export async function* walkAudioFiles(rootPath: string, signal?: AbortSignal): AsyncGenerator<WalkEntry> {
  const visited = new Set<string>();
  const rootBytes = Buffer.from(rootPath);
  const rootStat = await fs.promises.stat(rootBytes);
  visited.add(`${rootStat.dev}:${rootStat.ino}`);
  const stack: Buffer[] = [rootBytes];
  const links: Buffer[] = [];
  let followingLinks = false;
  while (stack.length > 0 || links.length > 0) {
    signal?.throwIfAborted();
    if (stack.length === 0) {
      // The real tree is done: now the links, as one more folder of entries (each resolved by stat below).
      followingLinks = true;
      const pending = links.splice(0);
      yield* statEntries(pending, visited, stack);
      continue;
    }
    const dir = stack.pop()!;
    let names: Buffer[];
    try {
      const dirents = (await fs.promises.readdir(dir, { encoding: 'buffer', withFileTypes: true })).filter((d) => d.name[0] !== 0x2e /* '.' */);
      names = [];
      for (const d of dirents) {
        // Links wait until the real tree is walked, so a file or folder reached
        // both ways is catalogued under its real path.
        if (d.isSymbolicLink() && !followingLinks) links.push(joinPath(dir, d.name));
        else names.push(d.name);
      }
    } catch (err) {
      yield { kind: 'problem', path: decodePath(dir).text, error: `cannot list folder: ${fsErrorText(err)}`, unreadableDir: true };
      continue;
    }
    names.sort((a, b) => Buffer.compare(a, b));
    yield* statEntries(
      names.map((name) => joinPath(dir, name)),
      visited,
      stack,
    );
  }
}

function joinPath(dir: Buffer, name: Buffer): Buffer {
  return Buffer.concat([dir, dir[dir.length - 1] === 0x2f ? Buffer.alloc(0) : slash, name]);
}

/**
 * Stats `paths` (following links), yields the audio files and problems
 * among them and pushes the folders not visited yet onto `stack`.
 */
async function* statEntries(paths: readonly Buffer[], visited: Set<string>, stack: Buffer[]): AsyncGenerator<WalkEntry> {
  const subdirs: Buffer[] = [];
  for (let i = 0; i < paths.length; i += statBatch) {
    const batch = paths.slice(i, i + statBatch);
    // stat follows symlinks: one call gives the type, size and mtime of the target.
    const stats = await Promise.allSettled(batch.map((p) => fs.promises.stat(p)));
    for (let k = 0; k < batch.length; k++) {
      const full = batch[k]!;
      const st = stats[k]!;
      if (st.status === 'rejected') {
        if (!isAudioName(full)) continue;
        const err = st.reason as NodeJS.ErrnoException;
        const what = err.code === 'ENOENT' ? 'dangling symbolic link' : err.code === 'ELOOP' ? 'symbolic link loop' : `cannot read: ${fsErrorText(err)}`;
        yield { kind: 'problem', path: decodePath(full).text, error: what, unreadableDir: false };
        continue;
      }
      const s = st.value;
      const key = `${s.dev}:${s.ino}`;
      if (s.isDirectory()) {
        if (visited.has(key)) continue;
        visited.add(key);
        subdirs.push(full);
        continue;
      }
      if (!isAudioName(full)) continue;
      if (!s.isFile()) {
        yield { kind: 'problem', path: decodePath(full).text, error: 'not a regular file', unreadableDir: false };
        continue;
      }
      if (visited.has(key)) continue; // a hard link or a symlink to a file already catalogued
      visited.add(key);
      const decoded = decodePath(full);
      yield { kind: 'file', path: decoded.text, pathRaw: decoded.exact ? null : full, sizeBytes: s.size, mtimeMs: Math.round(s.mtimeMs) };
    }
  }
  // Reverse so the stack pops them in byte order.
  for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]!);
}

export { fsErrorText } from './fs-errors.js';
