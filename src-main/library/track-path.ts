/**
 * File names on Linux are bytes, not text. A name that is valid UTF-8 is
 * stored as is in tracks.path; one that is not is stored twice: a display
 * form in tracks.path (each invalid byte written as \xNN, so two different
 * names never share one display form) and the exact bytes in
 * tracks.path_raw. Everything that opens a track's file (the scanner, the
 * ffmpeg decoder) goes through trackFsPath() so such files stay reachable.
 */

/** The columns of a tracks row that locate its file. */
export interface TrackLocation {
  readonly path: string;
  readonly path_raw: Uint8Array | null;
}

/** The path to hand to fs or to a child process: the exact bytes when the name is not UTF-8. */
export function trackFsPath(row: TrackLocation): string | Buffer {
  return row.path_raw === null ? row.path : Buffer.from(row.path_raw);
}

/**
 * A path that can be passed where only a string is accepted (ffmpeg's argv,
 * music-metadata): the path itself, or, for a non-UTF-8 name, the
 * /proc/self/fd link of `fd`, an open descriptor of that file which the
 * caller keeps open while the string is in use (Linux only).
 */
export function openablePath(fsPath: string | Buffer, fd: number): string {
  return typeof fsPath === 'string' ? fsPath : `/proc/self/fd/${fd}`;
}

/** Length of the valid UTF-8 sequence starting at bytes[i], or 0 if the bytes there are not one. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k];
    return b !== undefined && b >= lo && b <= hi;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((b0 >= 0xe1 && b0 <= 0xec) || b0 === 0xee || b0 === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b0 === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no UTF-16 surrogates
  if (b0 === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xf1 && b0 <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The display form of a path given as bytes, and whether it is exact
 * (valid UTF-8). Invalid bytes become the four characters \xNN.
 */
export function decodePath(bytes: Uint8Array): { readonly text: string; readonly exact: boolean } {
  try {
    return { text: strictUtf8.decode(bytes), exact: true };
  } catch {
    // Fall through: escape the bytes that are not UTF-8.
  }
  let out = '';
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const n = utf8SequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += Buffer.from(bytes.subarray(start, i)).toString('utf8');
    out += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
    i += 1;
    start = i;
  }
  out += Buffer.from(bytes.subarray(start)).toString('utf8');
  return { text: out, exact: false };
}
