/**
 * Slaney-style mel filterbank, as librosa builds it by default
 * (`librosa.filters.mel(..., htk=False, norm='slaney')`): triangles spaced
 * evenly on the Slaney mel scale (linear below 1 kHz, logarithmic above),
 * each scaled to unit area ("area-normalised") so that wide high bands do not
 * dominate. The pretrained CRNN saw exactly this weighting, so any change
 * here shifts its inputs.
 */

/** Slaney's scale: 200/3 Hz per mel below 1 kHz, then log-spaced. */
const F_SP_HZ = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP_HZ;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMelSlaney(hz: number): number {
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP_HZ;
}

export function melToHzSlaney(mel: number): number {
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP_HZ * mel;
}

export interface MelFilterbankSpec {
  readonly sampleRateHz: number;
  readonly nFft: number;
  readonly nMels: number;
  readonly fMinHz: number;
  readonly fMaxHz: number;
}

/** One band's non-zero weights: bins `startBin .. startBin + weights.length - 1`. */
export interface MelBand {
  readonly startBin: number;
  readonly weights: Float64Array;
  /** Centre frequency of the triangle. */
  readonly centreHz: number;
}

export interface MelFilterbank {
  readonly nMels: number;
  /** FFT bins per frame: nFft / 2 + 1. */
  readonly nBins: number;
  /** Sparse rows: each triangle touches only a few bins, so applying it is cheap. */
  readonly bands: readonly MelBand[];
}

export function slaneyMelFilterbank(spec: MelFilterbankSpec): MelFilterbank {
  const { sampleRateHz, nFft, nMels, fMinHz, fMaxHz } = spec;
  const nBins = Math.floor(nFft / 2) + 1;
  const melMin = hzToMelSlaney(fMinHz);
  const melMax = hzToMelSlaney(fMaxHz);
  // nMels + 2 edges: band i rises from edge i to i+1 and falls to i+2.
  const edgesHz = new Float64Array(nMels + 2);
  for (let i = 0; i < nMels + 2; i++) edgesHz[i] = melToHzSlaney(melMin + ((melMax - melMin) * i) / (nMels + 1));
  const bands: MelBand[] = [];
  for (let m = 0; m < nMels; m++) {
    const lo = edgesHz[m]!;
    const mid = edgesHz[m + 1]!;
    const hi = edgesHz[m + 2]!;
    const areaNorm = 2 / (hi - lo);
    const dense = new Float64Array(nBins);
    let first = -1;
    let last = -1;
    for (let k = 0; k < nBins; k++) {
      const fHz = (k * sampleRateHz) / nFft;
      const rising = (fHz - lo) / (mid - lo);
      const falling = (hi - fHz) / (hi - mid);
      const w = Math.max(0, Math.min(rising, falling)) * areaNorm;
      dense[k] = w;
      if (w > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    // A band narrower than one bin would be empty (not the case for 96 bands
    // at n_fft 512, 12 kHz); keep it as an empty row rather than fail.
    const startBin = first < 0 ? 0 : first;
    bands.push({ startBin, weights: first < 0 ? new Float64Array(0) : dense.slice(first, last + 1), centreHz: mid });
  }
  return { nMels, nBins, bands };
}
