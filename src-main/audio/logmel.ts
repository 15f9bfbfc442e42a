import FFT from 'fft.js';
import { slaneyMelFilterbank } from './mel-filterbank.js';
import { HOP_LENGTH, MEL_FMAX_HZ, N_FFT, N_FRAMES, N_MELS, SAMPLE_RATE_HZ, SEGMENT_SAMPLES } from './types.js';

/**
 * The log-mel spectrogram the pretrained CRNN was trained on, step by step as
 * the upstream code did it with librosa (see SOURCE.md beside the weights):
 * periodic Hann window, n_fft 512, hop 256, centred frames with reflect
 * padding (1366 frames for 29.12 s), power spectrum, Slaney mel filterbank
 * (96 bands, 0-6000 Hz, area-normalised), then 10*log10(max(1e-10, M^2)) --
 * the upstream code squared the mel *power* once more before its
 * `logamplitude` -- floored at 80 dB below the segment's maximum.
 */

/** `logamplitude`'s amin and top_db. */
const AMIN = 1e-10;
const TOP_DB = 80;

/** Everything that does not depend on the samples, built once per process. */
interface LogMelPlan {
  readonly fft: FFT;
  readonly window: Float64Array;
  /** The filterbank flattened for a tight loop: band m uses weights[offset[m] .. offset[m] + length[m]) on bins start[m]... */
  readonly melWeights: Float64Array;
  readonly melOffset: Int32Array;
  readonly melStart: Int32Array;
  readonly melLength: Int32Array;
  /** Two windowed frames packed as one complex signal (re = frame t, im = frame t + 1), interleaved. */
  readonly packed: Float64Array;
  readonly spectrum: Float64Array;
  readonly powerA: Float64Array;
  readonly powerB: Float64Array;
  readonly padded: Float32Array;
}

let plan: LogMelPlan | undefined;

function getPlan(): LogMelPlan {
  if (plan) return plan;
  const window = new Float64Array(N_FFT);
  // Periodic ("fftbins=True") Hann: the period is N_FFT, not N_FFT - 1.
  for (let i = 0; i < N_FFT; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT);
  const bank = slaneyMelFilterbank({ sampleRateHz: SAMPLE_RATE_HZ, nFft: N_FFT, nMels: N_MELS, fMinHz: 0, fMaxHz: MEL_FMAX_HZ });
  const melOffset = new Int32Array(N_MELS);
  const melStart = new Int32Array(N_MELS);
  const melLength = new Int32Array(N_MELS);
  const melWeights = new Float64Array(bank.bands.reduce((n, b) => n + b.weights.length, 0));
  let off = 0;
  bank.bands.forEach((b, m) => {
    melOffset[m] = off;
    melStart[m] = b.startBin;
    melLength[m] = b.weights.length;
    melWeights.set(b.weights, off);
    off += b.weights.length;
  });
  plan = {
    fft: new FFT(N_FFT),
    window,
    melWeights,
    melOffset,
    melStart,
    melLength,
    packed: new Float64Array(2 * N_FFT),
    spectrum: new Float64Array(2 * N_FFT),
    powerA: new Float64Array(N_FFT / 2 + 1),
    powerB: new Float64Array(N_FFT / 2 + 1),
    padded: new Float32Array(SEGMENT_SAMPLES + N_FFT),
  };
  return plan;
}

/** Applies the filterbank to one frame's power spectrum and writes column t in dB; returns the column's maximum. */
function melToDb(p: LogMelPlan, power: Float64Array, result: Float32Array, t: number): number {
  const { melWeights, melOffset, melStart, melLength } = p;
  let maxDb = -Infinity;
  for (let m = 0; m < N_MELS; m++) {
    const off = melOffset[m]!;
    const start = melStart[m]!;
    const len = melLength[m]!;
    let mel = 0;
    for (let j = 0; j < len; j++) mel += melWeights[off + j]! * power[start + j]!;
    const db = 10 * Math.log10(Math.max(AMIN, mel * mel));
    result[m * N_FRAMES + t] = db;
    if (db > maxDb) maxDb = db;
  }
  return maxDb;
}

/** Copies `samples` into `padded` with N_FFT/2 reflected samples on each side (numpy's 'reflect', edge not repeated). */
function reflectPad(samples: Float32Array, padded: Float32Array): void {
  const half = N_FFT / 2;
  const n = samples.length;
  padded.set(samples, half);
  for (let i = 1; i <= half; i++) {
    padded[half - i] = samples[i]!;
    padded[half + n - 1 + i] = samples[n - 1 - i]!;
  }
}

/**
 * Log-mel of one segment: SEGMENT_SAMPLES mono samples at 12 kHz in, dB values
 * row-major [N_MELS][N_FRAMES] out (a fresh array; `out` may be passed to
 * reuse one). Internal scratch buffers are reused across calls (not
 * re-entrant, which is fine: JavaScript runs one call at a time per thread).
 * Never returns NaN or infinities: non-finite input samples count as silence.
 */
export function logMelSpectrogram(samples: Float32Array, out?: Float32Array): Float32Array {
  if (samples.length !== SEGMENT_SAMPLES) {
    throw new RangeError(`logMelSpectrogram: expected ${SEGMENT_SAMPLES} samples, got ${samples.length}`);
  }
  const result = out ?? new Float32Array(N_MELS * N_FRAMES);
  if (result.length !== N_MELS * N_FRAMES) throw new RangeError(`logMelSpectrogram: output must hold ${N_MELS * N_FRAMES} values, got ${result.length}`);
  const p = getPlan();
  const { fft, window, packed, spectrum, powerA, powerB, padded } = p;
  reflectPad(samples, padded);
  // NaN or infinities from a broken decoder would poison the segment's
  // maximum; x * 0 is 0 for every finite x, so one cheap pass finds them.
  let poison = 0;
  for (let i = 0; i < padded.length; i++) poison += padded[i]! * 0;
  if (poison !== 0) {
    for (let i = 0; i < padded.length; i++) if (!Number.isFinite(padded[i]!)) padded[i] = 0;
  }
  const half = N_FFT / 2;
  let maxDb = -Infinity;
  // Two real frames per complex FFT (the classic packing trick): about a
  // third less FFT work than one real transform per frame. N_FRAMES is even.
  for (let t = 0; t < N_FRAMES; t += 2) {
    const offA = t * HOP_LENGTH;
    const offB = offA + HOP_LENGTH;
    for (let i = 0; i < N_FFT; i++) {
      const w = window[i]!;
      packed[2 * i] = padded[offA + i]! * w;
      packed[2 * i + 1] = padded[offB + i]! * w;
    }
    fft.transform(spectrum, packed);
    // With Z = FFT(a + ib) and Z' = Z[N - k]: A = (Z + conj Z') / 2, B = (Z - conj Z') / 2i.
    for (let k = 0; k <= half; k++) {
      const nk = k === 0 ? 0 : N_FFT - k;
      const zr = spectrum[2 * k]!;
      const zi = spectrum[2 * k + 1]!;
      const nr = spectrum[2 * nk]!;
      const ni = spectrum[2 * nk + 1]!;
      const ar = zr + nr;
      const ai = zi - ni;
      const br = zi + ni;
      const bi = zr - nr;
      powerA[k] = 0.25 * (ar * ar + ai * ai);
      powerB[k] = 0.25 * (br * br + bi * bi);
    }
    maxDb = Math.max(maxDb, melToDb(p, powerA, result, t), melToDb(p, powerB, result, t + 1));
  }
  const floorDb = maxDb - TOP_DB;
  for (let i = 0; i < result.length; i++) {
    if (result[i]! < floorDb) result[i] = floorDb;
  }
  return result;
}
