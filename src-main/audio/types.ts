/**
 * The tagger's view of audio, fixed by how the pretrained CRNN was trained
 * (see models/choi-crnn-msd.json and models/README.md).
 */
export const SAMPLE_RATE_HZ = 12_000;
export const N_FFT = 512;
export const HOP_LENGTH = 256;
export const N_MELS = 96;
export const MEL_FMAX_HZ = 6_000;
export const N_FRAMES = 1366;
/** 29.12 s at 12 kHz. */
export const SEGMENT_SAMPLES = 349_440;
export const SEGMENT_SEC = SEGMENT_SAMPLES / SAMPLE_RATE_HZ;

/** A file to decode: a path, or the exact bytes of a path that is not valid UTF-8. */
export type AudioPath = string | Buffer;

/** One 29.12 s window of a song as a log-mel spectrogram. */
export interface Segment {
  /** Position in the sequence yielded for this track (0, 1, 2...); with a cap, `startSec` says where in the song. */
  readonly index: number;
  readonly startSec: number;
  /** End of the audio actually present (a zero-padded last window ends early). */
  readonly endSec: number;
  /** dB values, row-major [N_MELS][N_FRAMES] (mel band major), as the model's input. */
  readonly data: Float32Array;
  readonly shape: readonly [typeof N_MELS, typeof N_FRAMES];
}

export interface SegmentOptions {
  readonly signal?: AbortSignal;
  /** Cap on segments per track; beyond it, evenly spaced windows are taken. */
  readonly maxSegments?: number;
  /** Explicit ffmpeg binary (else EARMARK_FFMPEG, ffmpeg-static, PATH). */
  readonly ffmpegPath?: string;
  /**
   * The track's duration if already known (the catalogue has it): saves a
   * probe (one extra ffmpeg start, ~0.1 s) and sets the decode timeout.
   */
  readonly durationSecHint?: number;
  /**
   * How a capped long track is read: 'auto' (default) seeks to each chosen
   * window when that is cheaper than decoding the whole file; 'stream' and
   * 'seek' force one way (benchmarks, tests).
   */
  readonly readStrategy?: 'auto' | 'stream' | 'seek';
}
