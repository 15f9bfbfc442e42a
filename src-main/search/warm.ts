import type { Db } from '../db/database.js';
import { columnCache, type OrderName } from './column-cache.js';

/**
 * Fills the search's column cache ahead of need, one piece per macrotask, so the
 * first searches do not wait for it: on a 100,000-track library the first query
 * otherwise spends seconds building sort orders, and the first `tag:` query
 * 0.1-0.2 s loading that tag's predictions, while the user types. Pieces run one
 * at a time with the event loop free in between, so a request that arrives is
 * answered between two pieces, not after all of them.
 */

/** Per connection: when a door last asked for rows (pieces wait for a quiet moment). */
const lastActivity = new WeakMap<Db, { atMs: number }>();

/** A long piece runs only after this long without a request, so warming does not compete with a user who is scrolling or typing. */
const QUIET_MS = 500;

/**
 * When the app's page last asked the server for anything (the page itself, a script, an
 * event stream): a page (re)loading makes no API call for a few hundred ms, and a long
 * piece started in that gap would hold its first listing back by up to 0.6 s.
 */
let lastPageRequestAtMs = 0;

/** The HTTP door calls this on every request it serves. */
export function notePageRequest(): void {
  lastPageRequestAtMs = Date.now();
}

export interface WarmOptions {
  /** Wait this long before the first piece (let the first page go out first). */
  readonly delayMs?: number;
  /** The orders to build, besides library order: the table's default sort first. */
  readonly orders?: readonly OrderName[];
  /** Called with each step's error (the database closed, a schema mid-migration); warming stops there. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Starts warming a connection's search cache, the first time; each later call only notes
 * activity (doors call it on every listing and search), which holds the next piece back.
 */
export function warmSearchCache(db: Db, options: WarmOptions = {}): void {
  const seen = lastActivity.get(db);
  if (seen) {
    seen.atMs = Date.now();
    return;
  }
  const activity = { atMs: Date.now() };
  lastActivity.set(db, activity);
  const cache = columnCache(db);
  // Short pieces (a scan of one tag's rows, 0.1-0.2 s at 100,000 tracks) run even while the user
  // scrolls: a `tag:` query would otherwise pay for them at the first keystroke. The sort orders
  // (0.6 s each) wait for a quiet moment, so they never hold a page request back that long.
  const steps: { readonly run: () => void; readonly long: boolean }[] = [
    {
      run: () => {
        cache.refresh();
        cache.tracks();
      },
      long: false,
    },
    {
      run: () => {
        for (const tag of cache.userTags()) {
          steps.push({ run: () => cache.userTagLabels(tag.id), long: false });
          steps.push({ run: () => cache.userTagPredictions(tag.id), long: false });
        }
        steps.push({ run: () => cache.order('library'), long: true });
        for (const name of options.orders ?? ['artist']) steps.push({ run: () => cache.order(name), long: true });
      },
      long: false,
    },
  ];
  let next = 0;
  const run = (): void => {
    if (!db.open || next >= steps.length) return;
    const quietForMs = Date.now() - Math.max(activity.atMs, lastPageRequestAtMs);
    if (steps[next]!.long && quietForMs < QUIET_MS) {
      setTimeout(run, QUIET_MS - quietForMs).unref();
      return;
    }
    try {
      cache.refresh();
      steps[next++]!.run();
    } catch (err) {
      options.onError?.(err);
      return;
    }
    setImmediate(run).unref();
  };
  setTimeout(run, options.delayMs ?? 1000).unref();
}
