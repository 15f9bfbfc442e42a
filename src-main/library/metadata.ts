import fs from 'node:fs';
import { parseBuffer, parseFile, type IAudioMetadata } from 'music-metadata';
import type { TrackMetadata } from './protocol.js';
import { oggDurationSec, pcmTruncatedAt } from './container-probe.js';

/**
 * Reads a file's tags and stream properties with music-metadata, from
 * `openablePath` (the file open as `fd`, of `sizeBytes`).
 *
 * Cover art is skipped (it is the bulk of many tags and is not needed to
 * catalogue), and so is music-metadata's `duration: true`, which reads
 * every Ogg page or ADTS frame: Ogg durations come from the last page
 * instead (container-probe.ts); raw ADTS AAC gets its duration later, from
 * the decoder. Files that are cut short are reported as errors where the
 * headers make it cheap to tell: a WAV/AIFF data chunk longer than the file,
 * or a stream far shorter than its declared duration at its bitrate.
 */
export async function readMetadata(openablePath: string, fd: number, sizeBytes: number): Promise<TrackMetadata> {
  const options = { skipCovers: true, duration: false };
  // A small file is read in one go and parsed from memory: the file reader
  // would make dozens of small asynchronous reads, each a trip through
  // libuv's thread pool, which costs more than the parsing itself.
  const m = sizeBytes <= wholeReadMaxBytes ? await parseBuffer(readWhole(fd, sizeBytes), { path: openablePath, size: sizeBytes }, options) : await parseFile(openablePath, options);
  const f = m.format;
  if (f.hasAudio === false || (f.codec === undefined && f.sampleRate === undefined && f.duration === undefined)) {
    throw new Error('no audio stream found');
  }
  let durationSec = f.duration;
  if (durationSec === undefined && f.container === 'Ogg') durationSec = oggDurationSec(fd, sizeBytes, f.sampleRate, f.codec) ?? undefined;
  const pcmEnd = f.container === 'WAVE' || f.container === 'AIFF' ? pcmTruncatedAt(fd, sizeBytes) : null;
  if (pcmEnd !== null) throw new Error(`file is truncated: ${sizeBytes} bytes, its audio data ends at byte ${pcmEnd}`);
  // Bitrates music-metadata derives from the file size would make this circular: only header-declared ones.
  if ((f.container === 'MPEG' || f.container === 'ASF/audio') && f.bitrate && durationSec) {
    const expectedBytes = (f.bitrate * durationSec) / 8;
    if (sizeBytes < expectedBytes / 2) throw new Error(`file is truncated: ${sizeBytes} bytes where ${formatSec(durationSec)} at ${Math.round(f.bitrate / 1000)} kbit/s needs about ${Math.round(expectedBytes)}`);
  }
  return { ...toTrackMetadata(m), durationSec: durationSec ?? null };
}

const wholeReadMaxBytes = 1024 * 1024;

function readWhole(fd: number, sizeBytes: number): Buffer {
  const buf = Buffer.alloc(sizeBytes);
  let got = 0;
  while (got < sizeBytes) {
    const n = fs.readSync(fd, buf, got, sizeBytes - got, got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

function formatSec(sec: number): string {
  return `${sec.toFixed(1)} s`;
}

export function toTrackMetadata(m: IAudioMetadata): TrackMetadata {
  const c = m.common;
  const f = m.format;
  // RIFF INFO and AIFF text chunks have no declared encoding; ffmpeg and
  // many taggers write UTF-8 there, which music-metadata reads as Latin-1.
  const fix = f.container === 'WAVE' || f.container === 'AIFF' ? repairUtf8ReadAsLatin1 : (s: string) => s;
  const text = (s: string | undefined | null): string | null => (s === undefined || s === null || s.trim() === '' ? null : fix(s.trim()));
  const list = (xs: readonly (string | undefined)[] | undefined): string[] => (xs ?? []).map((x) => text(x)).filter((x): x is string => x !== null);
  const num = (n: number | null | undefined): number | null => (typeof n === 'number' && Number.isFinite(n) ? n : null);
  const int = (n: number | null | undefined): number | null => {
    const v = num(n);
    return v === null ? null : Math.round(v);
  };
  const artists = list(c.artists ?? (c.artist === undefined ? [] : [c.artist]));
  return {
    title: text(c.title),
    artist: text(c.artist) ?? (artists.length > 0 ? artists.join(', ') : null),
    artists,
    album: text(c.album),
    albumArtist: text(c.albumartist),
    trackNo: int(c.track.no),
    trackTotal: int(c.track.of),
    discNo: int(c.disk.no),
    discTotal: int(c.disk.of),
    year: int(c.year),
    date: text(c.date),
    genres: list(c.genre),
    durationSec: num(f.duration),
    format: text(f.container),
    codec: text(f.codec),
    sampleRateHz: int(f.sampleRate),
    channels: int(f.numberOfChannels),
    bitrateBps: int(f.bitrate),
    moods: list(c.mood === undefined ? [] : [c.mood]),
    comments: list((c.comment ?? []).map((x) => x.text)),
    mbRecordingId: text(c.musicbrainz_recordingid),
    mbTrackId: text(c.musicbrainz_trackid),
    mbAlbumId: text(c.musicbrainz_albumid),
    mbArtistId: c.musicbrainz_artistid === undefined ? null : text(c.musicbrainz_artistid.join(';')),
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * "CafÃ©" back to "Café": when every character of `s` fits in a byte and
 * those bytes are valid UTF-8 with at least one multi-byte sequence, the
 * text was UTF-8 read as Latin-1. Genuine Latin-1 text almost never forms
 * valid UTF-8, so it is left alone.
 */
export function repairUtf8ReadAsLatin1(s: string): string {
  let high = false;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code > 0xff) return s;
    if (code >= 0x80) high = true;
  }
  if (!high) return s;
  try {
    return strictUtf8.decode(Buffer.from(s, 'latin1'));
  } catch {
    return s;
  }
}
