/**
 * Writes that survive a power cut: the data is fsynced before the file is
 * closed, and a folder can be fsynced so a rename into it is durable too.
 * Model installs and tag-model versions build on these.
 */
import fs from 'node:fs';

/** Writes `data` to `file` (created or truncated) and fsyncs it before returning. */
export function writeFileSynced(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Fsyncs a folder (its entries: created, renamed or removed files); a no-op where the platform cannot. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the files themselves were synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
