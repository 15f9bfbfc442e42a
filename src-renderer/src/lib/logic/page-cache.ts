/**
 * Windowed fetching for the library table: rows are fetched a page at a time
 * as the window moves, kept in a small LRU, and a new query or sort starts a
 * new generation so late answers for the old one are dropped.
 */

export interface Page<Row> {
  readonly rows: readonly Row[];
  readonly total: number;
}

export type FetchPage<Row> = (offset: number, limit: number, signal: AbortSignal) => Promise<Page<Row>>;

export interface PageCacheOptions<Row> {
  readonly pageSize: number;
  /** Pages kept in memory; least recently used ones beyond this are dropped. */
  readonly maxPages: number;
  readonly fetchPage: FetchPage<Row>;
  /** Called whenever rows or the total changed, so the view can redraw. */
  readonly onChange: () => void;
  readonly onError?: (err: unknown) => void;
}

export class PageCache<Row> {
  private pages = new Map<number, readonly Row[]>();
  /** Pages still shown but due for a refetch (the data changed on the server). */
  private stale = new Set<number>();
  private inFlight = new Map<number, AbortController>();
  private generation = 0;
  private knownTotal: number | null = null;

  constructor(private readonly opts: PageCacheOptions<Row>) {}

  get total(): number | null {
    return this.knownTotal;
  }

  get pageSize(): number {
    return this.opts.pageSize;
  }

  /** The row at an index, or undefined while its page is not loaded. */
  row(index: number): Row | undefined {
    const page = this.pages.get(Math.floor(index / this.opts.pageSize));
    return page?.[index % this.opts.pageSize];
  }

  /** Forget everything (new query or sort): in-flight answers of the old generation are ignored. */
  reset(): void {
    this.generation++;
    for (const c of this.inFlight.values()) c.abort();
    this.inFlight.clear();
    this.pages.clear();
    this.stale.clear();
    this.knownTotal = null;
  }

  /**
   * Start over with a first page already fetched (search as you type fetches it before
   * switching). It may be shorter than a page (only what fills the screen, which answers
   * sooner): then its rows show at once and the whole page is fetched on the next ensure().
   */
  resetWith(first: Page<Row>): void {
    this.reset();
    this.pages.set(0, first.rows);
    this.knownTotal = first.total;
    if (first.rows.length < Math.min(this.opts.pageSize, first.total)) this.stale.add(0);
    this.opts.onChange();
  }

  /** Keep showing what is loaded, but refetch pages as they are needed (rows changed on the server). */
  invalidate(): void {
    this.generation++;
    for (const c of this.inFlight.values()) c.abort();
    this.inFlight.clear();
    for (const p of this.pages.keys()) this.stale.add(p);
  }

  /**
   * Make sure the pages covering rows [start, end) are loaded or loading.
   * Requests for pages that scrolled far away are aborted.
   */
  ensure(start: number, end: number): Promise<void> {
    const size = this.opts.pageSize;
    const first = Math.floor(Math.max(0, start) / size);
    const last = Math.max(first, Math.floor((Math.max(start + 1, end) - 1) / size));
    for (const [p, c] of this.inFlight) {
      if (p < first - 1 || p > last + 1) {
        c.abort();
        this.inFlight.delete(p);
      }
    }
    const waits: Promise<void>[] = [];
    for (let p = first; p <= last; p++) {
      if (this.knownTotal !== null && p * size >= this.knownTotal && p > 0) break;
      const page = this.pages.get(p);
      if (page && !this.stale.has(p)) {
        // Refresh recency for the LRU.
        this.pages.delete(p);
        this.pages.set(p, page);
        continue;
      }
      if (!this.inFlight.has(p)) waits.push(this.load(p));
    }
    return Promise.all(waits).then(() => undefined);
  }

  private async load(pageIndex: number): Promise<void> {
    const gen = this.generation;
    const controller = new AbortController();
    this.inFlight.set(pageIndex, controller);
    try {
      const page = await this.opts.fetchPage(pageIndex * this.opts.pageSize, this.opts.pageSize, controller.signal);
      if (gen !== this.generation || controller.signal.aborted) return;
      this.pages.delete(pageIndex);
      this.pages.set(pageIndex, page.rows);
      this.stale.delete(pageIndex);
      this.knownTotal = page.total;
      while (this.pages.size > this.opts.maxPages) {
        const oldest = this.pages.keys().next().value;
        if (oldest === undefined) break;
        this.pages.delete(oldest);
        this.stale.delete(oldest);
      }
      this.opts.onChange();
    } catch (err) {
      if (gen === this.generation && !controller.signal.aborted) this.opts.onError?.(err);
    } finally {
      if (this.inFlight.get(pageIndex) === controller) this.inFlight.delete(pageIndex);
    }
  }

  /** Replace one row in place (a track was updated) without refetching its page. */
  patch(predicate: (row: Row) => boolean, update: (row: Row) => Row): boolean {
    let changed = false;
    for (const [p, rows] of this.pages) {
      if (!rows.some(predicate)) continue;
      this.pages.set(p, rows.map((r) => (predicate(r) ? update(r) : r)));
      changed = true;
    }
    if (changed) this.opts.onChange();
    return changed;
  }
}
