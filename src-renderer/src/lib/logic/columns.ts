/**
 * Column widths of the library table in pixels, worked out once per resize instead of by a
 * CSS grid in every row: rows are laid out 60 times a second while scrolling, and fixed
 * widths make that layout cheap (measured: grid rows cost most of a search's repaint).
 */

export interface ColumnSize {
  /** The narrowest the column gets. */
  readonly minPx: number;
  /** Share of the space left over, as CSS `fr`; absent: the column stays at minPx. */
  readonly fr?: number;
}

/**
 * Like `grid-template-columns: minmax(minPx, fr)` / `minPx`: flexible columns share what the
 * fixed ones leave, none narrower than its minimum (a column that would be is held at it and
 * the rest share again). Whole pixels, never more than availablePx unless the minimums are.
 */
export function columnWidthsPx(columns: readonly ColumnSize[], availablePx: number): number[] {
  const widths = columns.map((c) => c.minPx);
  let flexible = columns.map((c, i) => ({ i, fr: c.fr ?? 0, minPx: c.minPx })).filter((c) => c.fr > 0);
  let left = Math.max(0, availablePx) - columns.reduce((s, c) => s + (c.fr === undefined || c.fr <= 0 ? c.minPx : 0), 0);
  for (;;) {
    const totalFr = flexible.reduce((s, c) => s + c.fr, 0);
    if (flexible.length === 0 || totalFr <= 0) return widths;
    const perFr = Math.max(0, left) / totalFr;
    const tooNarrow = flexible.filter((c) => c.fr * perFr < c.minPx);
    if (tooNarrow.length === 0) {
      for (const c of flexible) widths[c.i] = Math.floor(c.fr * perFr);
      return widths;
    }
    for (const c of tooNarrow) left -= c.minPx;
    flexible = flexible.filter((c) => c.fr * perFr >= c.minPx);
  }
}
