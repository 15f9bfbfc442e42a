/**
 * Colour mapping for the taggram (tags x time heatmap). A perceptually
 * uniform ramp (viridis, sampled at 9 stops and interpolated) so equal steps
 * in probability look like equal steps in colour, in light and dark themes,
 * and it stays readable in greyscale and for common colour-vision deficiencies.
 */

const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 73, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [109, 205, 89],
  [253, 231, 37],
];

export type Rgb = readonly [number, number, number];

/** Colour of a probability; NaN and out-of-range values are clamped into [0, 1]. */
export function colourFor(value: number): Rgb {
  const v = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const pos = v * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = VIRIDIS_STOPS[i]!;
  const b = VIRIDIS_STOPS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** 256-entry lookup table, RGB triplets, so painting a large taggram is a table read per cell. */
export function colourLut(): Uint8ClampedArray {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colourFor(i / 255);
    lut[i * 3] = r;
    lut[i * 3 + 1] = g;
    lut[i * 3 + 2] = b;
  }
  return lut;
}

/**
 * RGBA pixels for a heatmap with one pixel per cell: `rows` tags, `cols`
 * time steps; `values[row][col]` in [0, 1]. The canvas scales it up with
 * image smoothing off, so cells stay crisp.
 */
export function heatmapPixels(values: readonly (ArrayLike<number>)[], cols: number, lut: Uint8ClampedArray = colourLut()): Uint8ClampedArray {
  const rows = values.length;
  const out = new Uint8ClampedArray(rows * cols * 4);
  for (let r = 0; r < rows; r++) {
    const line = values[r]!;
    for (let c = 0; c < cols; c++) {
      const raw = c < line.length ? line[c]! : 0;
      const v = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
      const k = Math.round(v * 255) * 3;
      const o = (r * cols + c) * 4;
      out[o] = lut[k]!;
      out[o + 1] = lut[k + 1]!;
      out[o + 2] = lut[k + 2]!;
      out[o + 3] = 255;
    }
  }
  return out;
}

/** Text colour that stays readable on top of a cell colour (relative luminance, WCAG). */
export function textOn(rgb: Rgb): 'black' | 'white' {
  const lin = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
  return l > 0.179 ? 'black' : 'white';
}
