import type { ApiError, EarmarkApi, Input, TrackRow } from '@contract';
import { apiErrorOf, messageOf } from '../api/client';
import { LatestOnly } from '../logic/latest';
import { PageCache, type Page } from '../logic/page-cache';
import { clickRow, emptySelection, moveFocus, selectAll, type ClickModifiers, type SelectionState } from '../logic/selection';

export type Sort = NonNullable<Input<'listTracks'>['sort']>;

/** Rows per request: large enough that a flick needs few round trips, small enough to answer in a few ms. */
export const PAGE_SIZE = 200;
/**
 * Search as you type asks first for only the rows a screen shows (a tall window shows about
 * 70): about half the server time and a third of the JSON of a whole page, which the table
 * then fetches while the first rows are already on screen.
 */
export const FIRST_PAGE_ROWS = 100;
/** Search as you type waits this long after the last keystroke. */
export const SEARCH_DEBOUNCE_MS = 60;

interface FirstPage {
  readonly query: string;
  readonly page: Page<TrackRow>;
  readonly roundTripMs: number;
}

/**
 * The library table's data: the current query and sort, a windowed cache of
 * rows, the selection and the open track. Views read the getters; `version`
 * changes whenever rows arrive, so the table re-reads its window.
 */
export class LibraryManager {
  #query = $state('');
  /** The query whose rows are shown (lags `query` while typing or when it does not parse). */
  #shownQuery = $state('');
  #sort = $state<Sort>({ by: 'artist', dir: 'asc' });
  #version = $state(0);
  #total = $state<number | null>(null);
  #queryError = $state<ApiError | null>(null);
  #loadError = $state<string | null>(null);
  #searching = $state(false);
  #selection = $state<SelectionState>(emptySelection);
  #openTrackId = $state<number | null>(null);
  #lastRoundTripMs = $state<number | null>(null);
  readonly #cache: PageCache<TrackRow>;
  readonly #search: LatestOnly<string, FirstPage>;
  #unsubscribe: (() => void)[] = [];

  constructor(private readonly api: EarmarkApi) {
    this.#cache = new PageCache<TrackRow>({
      pageSize: PAGE_SIZE,
      maxPages: 40,
      fetchPage: (offset, limit) => this.#fetch(this.#shownQuery, offset, limit),
      onChange: () => {
        this.#total = this.#cache.total;
        this.#version++;
      },
      onError: (err) => (this.#loadError = messageOf(err)),
    });
    this.#search = new LatestOnly<string, FirstPage>(
      async (query) => {
        const t0 = performance.now();
        const page = await this.#fetch(query, 0, FIRST_PAGE_ROWS);
        return { query, page, roundTripMs: performance.now() - t0 };
      },
      ({ query, page, roundTripMs }) => {
        this.#searching = false;
        this.#queryError = null;
        this.#loadError = null;
        this.#shownQuery = query;
        this.#selection = emptySelection;
        this.#lastRoundTripMs = roundTripMs;
        this.#cache.resetWith(page);
      },
      (err) => {
        this.#searching = false;
        const e = apiErrorOf(err);
        if (e && (e.code === 'query_syntax' || e.code === 'usage' || e.code === 'invalid_input')) this.#queryError = e;
        else this.#loadError = messageOf(err);
      },
      SEARCH_DEBOUNCE_MS,
    );
  }

  #fetch(query: string, offset: number, limit: number): Promise<Page<TrackRow>> {
    const q = query.trim();
    const p = q === '' ? this.api.listTracks({ offset, limit, sort: this.#sort }) : this.api.search({ query: q, offset, limit, sort: this.#sort });
    return p.then((r) => ({ rows: r.tracks, total: r.total }));
  }

  start(): void {
    this.#unsubscribe = [
      this.api.on('libraryChanged', () => this.refresh()),
      this.api.on('trackUpdated', () => this.refresh()),
      this.api.on('tagsChanged', () => this.refresh()),
    ];
    void this.#search.now(this.#query);
  }

  /** Rows changed on the server: refetch what is on screen without blanking it. */
  refresh(): void {
    this.#cache.invalidate();
    this.#version++;
    // The table may not be on screen (empty library, another view): fetch the first page anyway, so the total is current.
    void this.#cache.ensure(0, 1);
  }

  get query(): string {
    return this.#query;
  }
  get shownQuery(): string {
    return this.#shownQuery;
  }
  get sort(): Sort {
    return this.#sort;
  }
  get version(): number {
    return this.#version;
  }
  get total(): number | null {
    return this.#total;
  }
  get queryError(): ApiError | null {
    return this.#queryError;
  }
  get loadError(): string | null {
    return this.#loadError;
  }
  get searching(): boolean {
    return this.#searching;
  }
  get selection(): SelectionState {
    return this.#selection;
  }
  get openTrackId(): number | null {
    return this.#openTrackId;
  }
  get lastRoundTripMs(): number | null {
    return this.#lastRoundTripMs;
  }

  row(index: number): TrackRow | undefined {
    return this.#cache.row(index);
  }

  ensure(start: number, end: number): void {
    void this.#cache.ensure(start, end);
  }

  /** Typing in the search bar: debounced; stale answers are dropped. */
  setQuery(query: string): void {
    this.#query = query;
    this.#searching = true;
    this.#search.push(query);
  }

  /** Enter in the search bar: search now. */
  searchNow(query = this.#query): Promise<void> {
    this.#query = query;
    this.#searching = true;
    return this.#search.now(query);
  }

  setSort(sort: Sort): void {
    this.#sort = sort;
    void this.#search.now(this.#shownQuery);
  }

  /** Header click: same column flips the direction, another column sorts ascending. */
  toggleSort(by: Sort['by'], tagId?: number): void {
    const same = this.#sort.by === by && this.#sort.tagId === tagId;
    const dir = same && this.#sort.dir === 'asc' ? 'desc' : by === 'tag' && !same ? 'desc' : 'asc';
    this.setSort(tagId === undefined ? { by, dir } : { by, dir, tagId });
  }

  click(index: number, mods: ClickModifiers): void {
    this.#selection = clickRow(this.#selection, index, mods);
    const row = this.#cache.row(index);
    if (!mods.shift && !mods.toggle && row) this.#openTrackId = row.id;
  }

  move(delta: number, extend: boolean): void {
    this.#selection = moveFocus(this.#selection, delta, this.#total ?? 0, extend);
    const f = this.#selection.focus;
    const row = f === null ? undefined : this.#cache.row(f);
    if (row && !extend) this.#openTrackId = row.id;
  }

  selectAll(): void {
    this.#selection = selectAll(this.#total ?? 0);
  }

  open(trackId: number | null): void {
    this.#openTrackId = trackId;
  }

  /** Ids of the selected rows, in table order; asks the server when some rows are not loaded. */
  async selectedTrackIds(): Promise<number[]> {
    const indexes = [...this.#selection.selected].sort((a, b) => a - b);
    const ids: number[] = [];
    for (const i of indexes) {
      const r = this.#cache.row(i);
      if (!r) {
        const q = this.#shownQuery.trim();
        const all = await this.api.listTrackIds(q === '' ? { sort: this.#sort } : { query: q, sort: this.#sort });
        return indexes.map((k) => all.ids[k]).filter((x): x is number => x !== undefined);
      }
      ids.push(r.id);
    }
    return ids;
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    this.#search.cancel();
  }

  reset(): void {
    this.stop();
    this.#cache.reset();
    this.#query = '';
    this.#shownQuery = '';
    this.#selection = emptySelection;
    this.#openTrackId = null;
    this.#queryError = null;
  }
}
