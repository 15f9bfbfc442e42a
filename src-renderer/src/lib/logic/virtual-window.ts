/**
 * Window math for the virtualised library table: which rows are visible for a
 * scroll position, and which pages of rows to fetch for them. Pure so it can
 * be tested without a browser; fixed row height keeps it O(1).
 */

export interface WindowInput {
  readonly scrollTopPx: number;
  readonly viewportHeightPx: number;
  readonly rowHeightPx: number;
  readonly rowCount: number;
  /** Extra rows rendered above and below, so a fast flick shows no blank band. */
  readonly overscanRows: number;
}

export interface RowWindow {
  /** First rendered row (inclusive). */
  readonly start: number;
  /** One past the last rendered row. */
  readonly end: number;
  /** Where the first rendered row sits inside the scroll content. */
  readonly offsetPx: number;
  readonly totalHeightPx: number;
}

export function computeWindow(input: WindowInput): RowWindow {
  const rowHeightPx = Math.max(1, input.rowHeightPx);
  const rowCount = Math.max(0, Math.floor(input.rowCount));
  const totalHeightPx = rowCount * rowHeightPx;
  const maxScroll = Math.max(0, totalHeightPx - input.viewportHeightPx);
  const scrollTopPx = Math.min(Math.max(0, input.scrollTopPx), maxScroll);
  const firstVisible = Math.floor(scrollTopPx / rowHeightPx);
  const visibleCount = Math.ceil(Math.max(0, input.viewportHeightPx) / rowHeightPx) + 1;
  const start = Math.max(0, firstVisible - input.overscanRows);
  const end = Math.min(rowCount, firstVisible + visibleCount + input.overscanRows);
  return { start, end: Math.max(start, end), offsetPx: start * rowHeightPx, totalHeightPx };
}

/** Page indexes (pageSize rows each) that cover rows [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start || pageSize <= 0) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/** The scroll position that brings `row` into view with the least movement (keyboard navigation). */
export function scrollToReveal(row: number, scrollTopPx: number, viewportHeightPx: number, rowHeightPx: number): number {
  const top = row * rowHeightPx;
  const bottom = top + rowHeightPx;
  if (top < scrollTopPx) return top;
  if (bottom > scrollTopPx + viewportHeightPx) return bottom - viewportHeightPx;
  return scrollTopPx;
}

/** The most rows a window can hold for this viewport: the size of the table's pool of row elements. */
export function windowCapacity(viewportHeightPx: number, rowHeightPx: number, overscanRows: number): number {
  return Math.ceil(Math.max(0, viewportHeightPx) / Math.max(1, rowHeightPx)) + 1 + 2 * Math.max(0, overscanRows);
}

/**
 * The row a pooled row element shows: slot s holds the one row of [start, start + capacity)
 * with row ≡ s (mod capacity). When the window moves by k rows only k slots change rows, so
 * scrolling rewrites a few rows' text instead of building and tearing down elements.
 */
export function slotRow(slot: number, start: number, capacity: number): number {
  if (capacity <= 0) return start;
  return start + ((((slot - start) % capacity) + capacity) % capacity);
}
