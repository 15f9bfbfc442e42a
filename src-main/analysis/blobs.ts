/** Float32 arrays stored as SQLite BLOBs (little-endian, as typed arrays are on every platform Earmark runs on). */

export function float32ToBlob(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Reads a BLOB written by float32ToBlob. SQLite hands back a Buffer that may
 * sit at any byte offset of a shared pool, so it is copied when not aligned.
 */
export function blobToFloat32(blob: Uint8Array, what = 'blob'): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`${what}: ${blob.byteLength} bytes is not a whole number of float32 values`);
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4).slice();
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer);
}
