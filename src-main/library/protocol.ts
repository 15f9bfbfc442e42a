/**
 * Messages between the scanner (main thread) and its metadata parser
 * workers. Declared once here; both sides import these types.
 */

/** What a scan stores about one file's tags and stream, as in the tracks columns. */
export interface TrackMetadata {
  readonly title: string | null;
  /** Display form of the artists. */
  readonly artist: string | null;
  readonly artists: readonly string[];
  readonly album: string | null;
  readonly albumArtist: string | null;
  readonly trackNo: number | null;
  readonly trackTotal: number | null;
  readonly discNo: number | null;
  readonly discTotal: number | null;
  readonly year: number | null;
  readonly date: string | null;
  readonly genres: readonly string[];
  readonly durationSec: number | null;
  /** Container, e.g. MPEG, FLAC, Ogg. */
  readonly format: string | null;
  readonly codec: string | null;
  readonly sampleRateHz: number | null;
  readonly channels: number | null;
  readonly bitrateBps: number | null;
  readonly moods: readonly string[];
  readonly comments: readonly string[];
  readonly mbRecordingId: string | null;
  readonly mbTrackId: string | null;
  readonly mbAlbumId: string | null;
  readonly mbArtistId: string | null;
}

export interface ParseRequest {
  readonly id: number;
  /** A string path, or the exact bytes of a name that is not valid UTF-8 (Linux). */
  readonly path: string | Uint8Array;
}

export type ParseResponse =
  | { readonly id: number; readonly ok: true; readonly contentHash: string; readonly meta: TrackMetadata }
  /** contentHash is set when the bytes could be read but not understood as audio. */
  | { readonly id: number; readonly ok: false; readonly contentHash: string | null; readonly error: string };
