import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * A track's identity by content: a sampled hash over the audio payload, so
 * a renamed or moved file is recognised without reading all of it.
 *
 * The payload is the file minus an ID3v2 tag at the start and an ID3v1 tag
 * at the end, so editing an MP3's tags does not change its identity. (Tags
 * inside other containers, such as FLAC's Vorbis comments, are part of the
 * payload; editing those makes a new identity, as would re-encoding.)
 * Small payloads are hashed whole; larger ones through three chunks (start,
 * middle, end) plus their length. The version prefix lets a later scheme
 * coexist with stored hashes.
 */
export const contentHashVersion = 's1';
const chunkBytes = 64 * 1024;

/** Hashes the open file `fd` of `sizeBytes` bytes (synchronous: runs in a parser worker). */
export function sampledContentHash(fd: number, sizeBytes: number): string {
  const { start, end } = audioPayloadRange(fd, sizeBytes);
  const length = end - start;
  const hash = crypto.createHash('sha256');
  const header = Buffer.alloc(8);
  header.writeBigUInt64LE(BigInt(length));
  hash.update(contentHashVersion).update(header);
  if (length <= 3 * chunkBytes) {
    hash.update(readAt(fd, start, length));
  } else {
    const middle = start + Math.floor((length - chunkBytes) / 2);
    for (const at of [start, middle, end - chunkBytes]) hash.update(readAt(fd, at, chunkBytes));
  }
  return `${contentHashVersion}:${hash.digest('hex')}`;
}

/** The byte range of the audio payload: without a leading ID3v2 tag or a trailing ID3v1 tag. */
function audioPayloadRange(fd: number, sizeBytes: number): { start: number; end: number } {
  let start = 0;
  let end = sizeBytes;
  if (sizeBytes >= 10) {
    const h = readAt(fd, 0, 10);
    // "ID3", version, revision, flags, then a 28-bit "synchsafe" size.
    if (h.toString('latin1', 0, 3) === 'ID3' && h[3]! < 0xff && ((h[6]! | h[7]! | h[8]! | h[9]!) & 0x80) === 0) {
      const tagSize = (h[6]! << 21) | (h[7]! << 14) | (h[8]! << 7) | h[9]!;
      const footer = (h[5]! & 0x10) !== 0 ? 10 : 0;
      const skip = 10 + tagSize + footer;
      if (skip < sizeBytes) start = skip;
    }
  }
  if (end - start >= 128 && readAt(fd, end - 128, 3).toString('latin1') === 'TAG') end -= 128;
  return { start, end };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break; // the file shrank under us: hash what is there
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}
