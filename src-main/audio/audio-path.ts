import path from 'node:path';
import type { AudioPath } from './types.js';

/**
 * Helpers for AudioPath: a string, or the raw bytes of a POSIX path that is
 * not valid UTF-8 (such a file cannot be named in ffmpeg's argv, which Node
 * builds from strings, so it is opened by us and handed over as a file
 * descriptor).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A printable form for messages: invalid bytes appear as \xNN. */
export function displayPath(file: AudioPath): string {
  if (typeof file === 'string') return file;
  try {
    return utf8.decode(file);
  } catch {
    let out = '';
    let i = 0;
    while (i < file.length) {
      // Decode the longest valid UTF-8 run we can, byte-escape the rest.
      let j = i;
      while (j < file.length && file[j]! < 0x80) j++;
      if (j > i) {
        out += file.toString('latin1', i, j);
        i = j;
        continue;
      }
      const lead = file[i]!;
      const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      try {
        if (len === 1) throw new Error('continuation byte');
        out += utf8.decode(file.subarray(i, i + len));
        i += len;
      } catch {
        out += `\\x${lead.toString(16).padStart(2, '0')}`;
        i += 1;
      }
    }
    return out;
  }
}

/** Absolute form of a string path; byte paths are used as given. */
export function resolveAudioPath(file: AudioPath): AudioPath {
  return typeof file === 'string' ? path.resolve(file) : file;
}
