import { CancelledError } from '../core/errors.js';
import { defaultSettings } from '../core/settings.js';
import { displayPath } from './audio-path.js';
import { DecodeError, decodePcm, probeDurationSec, type DecodeOptions } from './decode.js';
import { locateFfmpeg } from './ffmpeg-locate.js';
import { logMelSpectrogram } from './logmel.js';
import { N_FRAMES, N_MELS, SAMPLE_RATE_HZ, SEGMENT_SAMPLES, SEGMENT_SEC, type AudioPath, type Segment, type SegmentOptions } from './types.js';

/**
 * A song as the tagger sees it: non-overlapping 29.12 s windows on a grid
 * starting at 0 s, each turned into a log-mel spectrogram.
 *
 * Window rules:
 * - Every full window is used (subject to the cap below).
 * - The last, partial window is kept, zero-padded, when it holds at least
 *   MIN_LAST_WINDOW_SEC (10 s, about a third of a window) of audio: enough
 *   music for the CRNN to say something about a part of the song that no
 *   other window covers. A shorter remainder is dropped: it would be mostly
 *   digital silence, and the previous windows already describe the song.
 * - A song shorter than one window gives exactly one zero-padded segment,
 *   however short (a 2 s jingle still gets tags). No audio at all is a
 *   DecodeError.
 * - Cap: with more windows than `maxSegments` (default 21, about 10 minutes),
 *   `maxSegments` windows of the same grid are taken, evenly spread: the
 *   i-th is the centre window of the i-th of `maxSegments` equal shares of
 *   the song (so the cap of 1 gives the middle window, like the MSD
 *   previews). Segments are yielded in time order; `index` counts them
 *   (0, 1, 2...), `startSec` says where each lies.
 *
 * How a capped song is read: when the song holds at least SEEK_MIN_RATIO x
 * `maxSegments` windows, each chosen window is decoded by its own short
 * ffmpeg run that seeks straight to it (`-ss` before `-i`), which skips
 * decoding most of the file. Below that ratio the whole song is streamed
 * once and unchosen windows are dropped without a log-mel: starting ffmpeg
 * costs about 0.1 s of CPU (a distro build loads ~100 shared libraries),
 * about as much as decoding and resampling one 29 s window of 44.1 kHz
 * Vorbis or MP3, so seeking c windows (c starts + c windows) only beats
 * streaming n windows (1 start + n windows) once n is about 2c. Either way
 * only one window of samples is held in memory.
 *
 * Errors: a DecodeError (or CancelledError) can come after some segments
 * were already yielded (a truncated file is found out at its end): treat the
 * sequence as complete only when the iteration ends without throwing.
 */

export const MIN_LAST_WINDOW_SEC = 10;
const MIN_LAST_WINDOW_SAMPLES = MIN_LAST_WINDOW_SEC * SAMPLE_RATE_HZ;
export const SEEK_MIN_RATIO = 2;
/** Decoded before a seeked window and thrown away, so the resampler has settled when the window starts. */
const SEEK_PREROLL_SEC = 0.1;
const SEEK_PREROLL_SAMPLES = Math.round(SEEK_PREROLL_SEC * SAMPLE_RATE_HZ);

/** How many windows a song of `totalSamples` gives under the rules above. */
export function windowCount(totalSamples: number): number {
  if (totalSamples <= 0) return 0;
  const full = Math.floor(totalSamples / SEGMENT_SAMPLES);
  const rest = totalSamples - full * SEGMENT_SAMPLES;
  const n = full + (rest >= MIN_LAST_WINDOW_SAMPLES ? 1 : 0);
  return Math.max(1, n);
}

/** Grid indices of the windows to use, ascending: all of them, or `cap` evenly spread. */
export function chooseWindows(n: number, cap: number): number[] {
  const c = Math.max(1, Math.floor(cap));
  if (n <= c) return Array.from({ length: n }, (_, i) => i);
  // Centre of each of c equal shares; since n / c > 1 these are distinct and below n.
  return Array.from({ length: c }, (_, i) => Math.floor(((i + 0.5) * n) / c));
}

function makeSegment(index: number, gridIndex: number, samples: Float32Array, filled: number): Segment {
  if (filled < SEGMENT_SAMPLES) samples.fill(0, filled);
  const startSec = gridIndex * SEGMENT_SEC;
  return {
    index,
    startSec,
    endSec: startSec + filled / SAMPLE_RATE_HZ,
    data: logMelSpectrogram(samples),
    shape: [N_MELS, N_FRAMES] as const,
  };
}

export async function* decodeSegments(file: AudioPath, options: SegmentOptions = {}): AsyncGenerator<Segment, void, undefined> {
  const cap = Math.max(1, Math.floor(options.maxSegments ?? defaultSettings.maxSegmentsPerTrack));
  // An explicit path is the 'setting' candidate: checked once (cached), with the usual fallbacks if it does not run.
  const ffmpegPath = locateFfmpeg({ configuredPath: options.ffmpegPath ?? null }).path;
  const { signal } = options;
  const hint = options.durationSecHint;
  // A catalogue can hold 0 or nothing sensible for odd files: then ask ffmpeg.
  const durationSec = hint !== undefined && Number.isFinite(hint) && hint > 0 ? hint : await probeDurationSec(file, { ffmpegPath, ...(signal ? { signal } : {}) });
  const decodeOpts: DecodeOptions = { ffmpegPath, ...(signal ? { signal } : {}), ...(durationSec === undefined ? {} : { durationSecHint: durationSec }) };

  if (durationSec !== undefined) {
    const n = windowCount(Math.round(durationSec * SAMPLE_RATE_HZ));
    const strategy = options.readStrategy ?? 'auto';
    if (n > cap && strategy !== 'stream' && (strategy === 'seek' || n >= SEEK_MIN_RATIO * cap)) {
      yield* seekWindows(file, chooseWindows(n, cap), decodeOpts);
      return;
    }
    if (n > cap) {
      yield* streamWindows(file, new Set(chooseWindows(n, cap)), cap, decodeOpts);
      return;
    }
  }
  if (durationSec === undefined) {
    yield* streamUnknownLength(file, cap, decodeOpts);
    return;
  }
  // Short enough for every window (if the header underestimated the length, the cap still holds).
  yield* streamWindows(file, null, cap, decodeOpts);
}

/** One pass over the whole file; `chosen` null means every window, up to `cap`. */
async function* streamWindows(file: AudioPath, chosen: ReadonlySet<number> | null, cap: number, opts: DecodeOptions): AsyncGenerator<Segment, void, undefined> {
  const buf = new Float32Array(SEGMENT_SAMPLES);
  let filled = 0;
  let grid = 0;
  let emitted = 0;
  let total = 0;
  const wanted = (g: number): boolean => (chosen ? chosen.has(g) : true) && emitted < cap;
  for await (const chunk of decodePcm(file, opts)) {
    total += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      const take = Math.min(chunk.length - off, SEGMENT_SAMPLES - filled);
      // Unwanted windows are only counted, never copied nor transformed.
      if (wanted(grid)) buf.set(chunk.subarray(off, off + take), filled);
      filled += take;
      off += take;
      if (filled === SEGMENT_SAMPLES) {
        if (wanted(grid)) yield makeSegment(emitted++, grid, buf, filled);
        // All taken: leaving the loop stops ffmpeg instead of decoding a tail nobody uses.
        if (emitted >= cap) return;
        grid++;
        filled = 0;
      }
    }
  }
  if (total === 0) throw noAudio(file);
  if (filled > 0 && (filled >= MIN_LAST_WINDOW_SAMPLES || grid === 0) && wanted(grid)) yield makeSegment(emitted, grid, buf, filled);
}

/** Capped long song: one short ffmpeg run per chosen window, each seeking straight to it. */
async function* seekWindows(file: AudioPath, grids: readonly number[], opts: DecodeOptions): AsyncGenerator<Segment, void, undefined> {
  const buf = new Float32Array(SEGMENT_SAMPLES);
  let emitted = 0;
  for (const g of grids) {
    if (opts.signal?.aborted) throw new CancelledError(`cancelled: ${displayPath(file)}`);
    const startSec = g * SEGMENT_SEC;
    const preroll = g === 0 ? 0 : SEEK_PREROLL_SAMPLES;
    let skip = preroll;
    let filled = 0;
    for await (const chunk of decodePcm(file, { ...opts, startSec: startSec - preroll / SAMPLE_RATE_HZ, maxDurationSec: SEGMENT_SEC + preroll / SAMPLE_RATE_HZ })) {
      let c = chunk;
      if (skip > 0) {
        const s = Math.min(skip, c.length);
        skip -= s;
        c = c.subarray(s);
      }
      const take = Math.min(c.length, SEGMENT_SAMPLES - filled);
      buf.set(c.subarray(0, take), filled);
      filled += take;
    }
    // The declared duration can overshoot the real end (estimated from the bitrate): a window past it is empty or short.
    if (filled >= MIN_LAST_WINDOW_SAMPLES || (filled > 0 && emitted === 0 && g === grids.at(-1))) yield makeSegment(emitted++, g, buf, filled);
  }
  if (emitted === 0) throw noAudio(file);
}

/**
 * No duration known (ffmpeg could not tell): stream once, keeping log-mels of
 * every `stride`-th window; when 2 x cap are kept, drop every other one and
 * double the stride. Memory stays at most 2 x cap segments; the result is
 * evenly spread, chosen down to `cap` at the end and yielded then.
 */
async function* streamUnknownLength(file: AudioPath, cap: number, opts: DecodeOptions): AsyncGenerator<Segment, void, undefined> {
  const buf = new Float32Array(SEGMENT_SAMPLES);
  let kept: { grid: number; seg: Segment }[] = [];
  let stride = 1;
  let filled = 0;
  let grid = 0;
  let total = 0;
  const keep = (filledNow: number): void => {
    kept.push({ grid, seg: makeSegment(0, grid, buf, filledNow) });
    if (kept.length >= 2 * cap) {
      kept = kept.filter((_, i) => i % 2 === 0);
      stride *= 2;
    }
  };
  for await (const chunk of decodePcm(file, opts)) {
    total += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      const take = Math.min(chunk.length - off, SEGMENT_SAMPLES - filled);
      const wanted = grid % stride === 0;
      if (wanted) buf.set(chunk.subarray(off, off + take), filled);
      filled += take;
      off += take;
      if (filled === SEGMENT_SAMPLES) {
        if (wanted) keep(filled);
        grid++;
        filled = 0;
      }
    }
  }
  if (total === 0) throw noAudio(file);
  if (filled > 0 && (filled >= MIN_LAST_WINDOW_SAMPLES || grid === 0) && grid % stride === 0) keep(filled);
  const picks = chooseWindows(kept.length, cap);
  for (const [i, p] of picks.entries()) {
    const { seg } = kept[p]!;
    yield { ...seg, index: i };
  }
}

function noAudio(file: AudioPath): DecodeError {
  const shown = displayPath(file);
  return new DecodeError('decode_empty', `cannot decode ${shown}: no audio in it`, { path: shown });
}
