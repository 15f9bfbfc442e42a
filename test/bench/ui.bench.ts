/**
 * Renderer speed on a generated library, in Debian's Chromium against
 * `earmark serve`:
 *   - time to first rows on screen (navigation start to the first table row
 *     with data), cold and warm (reload);
 *   - frame times while scrolling the virtualised table (requestAnimationFrame
 *     timestamps in the page) for a steady fast scroll and for scrollbar jumps;
 *   - search as you type: request sent to rows on screen, and keystroke to rows
 *     on screen (the latter includes the debounce).
 *
 *   npm run bench:ui                                   (100,000 tracks)
 *   EARMARK_BENCH_UI_TRACKS=20000 npm run bench:ui     (a quicker check)
 *
 * The library database is the search benchmark's cached one when present
 * (.cache/search-bench-N-*.db), else a simpler one generated here and cached
 * under .cache/. Writes bench-results/ui.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { openDatabase } from '../../src-main/db/database.js';
import { repoRoot } from '../helpers/tmp.js';
import { launchBrowser, startServe } from '../ui/harness.js';
import { rng } from '../helpers/rng.js';

const TRACKS = Math.max(1000, Number(process.env.EARMARK_BENCH_UI_TRACKS ?? 100_000));
const TARGET_FIRST_ROWS_MS = 1500;
const TARGET_FRAME_P95_MS = 20;
const TARGET_SEARCH_MS = 100;
const GENERATOR_VERSION = 1;
const WORDS = ['love', 'night', 'day', 'blue', 'road', 'heart', 'fire', 'rain', 'dream', 'city', 'light', 'song', 'river', 'summer', 'ghost', 'stone', 'gold', 'home', 'star', 'wind', 'café', 'soleil', 'noche', 'ocean', 'electric', 'silent', 'wild', 'young', 'slow'];
const GENRES = ['Rock', 'Pop', 'Jazz', 'Soul', 'Electronic', 'Hip-Hop', 'Classical', 'Folk', 'Metal', 'Blues'];
const USER_TAGS = ['warm', 'driving', 'focus'];


/** A plain library: tracks with metadata, analysed, three user tags with predictions for every track. */
function generate(file: string): void {
  const tmp = `${file}.building`;
  fs.rmSync(tmp, { force: true });
  const db = openDatabase(tmp);
  db.pragma('synchronous = OFF');
  const next = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const insertTrack = db.prepare(
    `INSERT INTO tracks (id, path, status, title, artist, album, genre, year, duration_sec, format, track_no, added_at, updated_at)
     VALUES (?, ?, 'ok', ?, ?, ?, ?, ?, ?, 'MPEG', ?, ?, ?)`,
  );
  const insertAnalysis = db.prepare(
    `INSERT INTO analyses (track_id, model_id, model_version, status, segment_count, tags_mean, tags_max, embedding_mean, analysed_at)
     VALUES (?, 'choi-crnn-msd', '1.0.0', 'done', 4, ?, ?, ?, ?)`,
  );
  const tagIds = USER_TAGS.map((t, i) => Number(db.prepare('INSERT INTO user_tags (name, name_key, created_at) VALUES (?, ?, ?)').run(t, t, i).lastInsertRowid));
  const model = Number(db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status) VALUES (1, 'bench', 'choi-crnn-msd', 1, 'active')").run().lastInsertRowid);
  for (const id of tagIds) db.prepare("INSERT INTO tag_quality (tag_model_id, tag_id, chosen, threshold, n_yes, n_no) VALUES (?, ?, 'logreg', 0.5, 10, 10)").run(model, id);
  const insertPrediction = db.prepare('INSERT INTO predictions (track_id, tag_id, tag_model_id, probability) VALUES (?, ?, ?, ?)');
  const tagsBlob = Buffer.from(new Float32Array(50).fill(0.1).buffer);
  const embBlob = Buffer.from(new Float32Array(32).fill(0.1).buffer);
  const artists = Array.from({ length: Math.max(50, Math.floor(TRACKS / 40)) }, (_, i) => `${pick(WORDS)} ${pick(WORDS)} ${i}`);
  for (let start = 1; start <= TRACKS; start += 5000) {
    db.transaction(() => {
      for (let id = start; id < Math.min(start + 5000, TRACKS + 1); id++) {
        const artist = pick(artists);
        const album = `${pick(WORDS)} ${pick(WORDS)}`;
        const title = `${pick(WORDS)} ${pick(WORDS)}`;
        insertTrack.run(id, `/library/${artist}/${album}/${id} ${title}.mp3`, title, artist, album, pick(GENRES), 1950 + Math.floor(next() * 75), 60 + next() * 500, 1 + (id % 12), id, id);
        insertAnalysis.run(id, tagsBlob, tagsBlob, embBlob, id);
        for (const tagId of tagIds) insertPrediction.run(id, tagId, model, next() ** 2);
      }
    })();
  }
  db.prepare("INSERT INTO settings (key, value) VALUES ('bench_complete', ?)").run(JSON.stringify({ version: GENERATOR_VERSION, tracks: TRACKS }));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.renameSync(tmp, file);
}

function libraryDb(): { file: string; source: string } {
  const cacheDir = path.join(repoRoot, '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const searchDb = fs.readdirSync(cacheDir).find((f) => f.startsWith(`search-bench-${TRACKS}-`) && f.endsWith('.db'));
  if (searchDb) return { file: path.join(cacheDir, searchDb), source: `search benchmark's ${searchDb}` };
  const file = path.join(cacheDir, `ui-bench-${TRACKS}-v${GENERATOR_VERSION}.db`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${TRACKS} tracks into ${file}…\n`);
    generate(file);
  }
  return { file, source: path.basename(file) };
}

/**
 * Waits until an expression is true in the page. Polled from here: the page's
 * CSP forbids eval, which page.waitForFunction would need; page.evaluate goes
 * through the DevTools protocol instead. The times measured are taken in the
 * page, so the polling interval does not enter them.
 */
async function pollUntil(page: Page, expression: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? Number.NaN;
}

/** Runs in the page before the app: notes when the first data row appears and when search requests leave. */
const INIT_SCRIPT = `
  window.__bench = { firstRowsAt: null, searchSentAt: [] };
  const origFetch = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input.url ?? String(input);
    if (url.includes('/api/search') || url.includes('/api/listTracks')) window.__bench.searchSentAt.push(performance.now());
    return origFetch(input, init);
  };
  new MutationObserver((_, obs) => {
    if (document.querySelector('[data-testid="library-table"] .trow .title')) {
      window.__bench.firstRowsAt = performance.now();
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** Scrolls the table for durationMs, one step per frame; returns frame intervals and how often unloaded rows showed. */
const SCROLL_SCRIPT = `async ({ mode, durationMs, pxPerFrame }) => {
  const vp = document.querySelector('[data-testid="library-table"]');
  const max = vp.scrollHeight - vp.clientHeight;
  const deltas = [];
  let blankFrames = 0;
  let frames = 0;
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  await new Promise((resolve) => {
    let last = null;
    const start = performance.now();
    const step = (ts) => {
      if (last !== null) deltas.push(ts - last);
      last = ts;
      frames++;
      if (vp.querySelector('.trow .loading')) blankFrames++;
      if (mode === 'steady') vp.scrollTop = Math.min(max, vp.scrollTop + pxPerFrame);
      else if (frames % 10 === 0) vp.scrollTop = Math.floor(rand() * max);
      if (ts - start < durationMs) requestAnimationFrame(step);
      else resolve();
    };
    requestAnimationFrame(step);
  });
  return { deltas, blankFrames, frames };
}`;

/** Types a query into the search bar; resolves with the times from the request and from the keystroke to rows on screen. */
const SEARCH_SCRIPT = `async (query) => {
  const input = document.getElementById('search-input');
  const count = document.querySelector('[data-testid="result-count"]');
  const before = window.__bench.searchSentAt.length;
  const typedAt = performance.now();
  input.value = query;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const deadline = typedAt + 10000;
  await new Promise((resolve) => {
    const check = () => {
      const sent = window.__bench.searchSentAt.length > before;
      const shown = document.querySelector('[data-testid="result-count"]');
      const first = document.querySelector('[data-testid="library-table"] .trow .title');
      if (sent && shown && first && !document.querySelector('#search-status .muted:not([data-testid])') || performance.now() > deadline) resolve();
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  const done = performance.now();
  // The query's own request: the first one after typing (the table asks for more rows once they show).
  const sentAt = window.__bench.searchSentAt[before];
  return { roundTripMs: done - sentAt, keystrokeMs: done - typedAt, timedOut: done > deadline };
}`;

interface ScrollRun {
  readonly deltas: number[];
  readonly blankFrames: number;
  readonly frames: number;
}

interface SearchRun {
  readonly roundTripMs: number;
  readonly keystrokeMs: number;
  readonly timedOut: boolean;
}

/**
 * Records a Chrome trace (devtools timeline categories) to `file` until the returned function is
 * called: set EARMARK_BENCH_TRACE=FILE to see what long frames of the steady scroll spend their
 * time on (open the file in chrome://tracing or Perfetto).
 */
async function startTrace(page: Page, file: string): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => {
    events.push(...e.value);
  });
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'blink', 'cc', 'gpu', 'v8', 'toplevel', 'viz'] },
  });
  return async () => {
    const done = new Promise<void>((resolve) => {
      cdp.once('Tracing.tracingComplete', () => {
        resolve();
      });
    });
    await cdp.send('Tracing.end');
    await done;
    fs.writeFileSync(file, JSON.stringify({ traceEvents: events }));
    console.log(`  trace of the steady scroll: ${file} (${events.length} events)`);
  };
}

async function main(): Promise<void> {
  const { file, source } = libraryDb();
  const afters: (() => void | Promise<void>)[] = [];
  const t = { after: (fn: () => void | Promise<void>) => afters.push(fn) };
  try {
    const work = fs.mkdtempSync(path.join(repoRoot, '.cache', 'ui-bench-run-'));
    afters.push(() => {
      fs.rmSync(work, { recursive: true, force: true });
    });
    const dbPath = path.join(work, 'library.db');
    fs.copyFileSync(file, dbPath);
    const served = await startServe(t, { home: work, dbPath });
    const { page, problems } = await launchBrowser(t, { viewport: { width: 1400, height: 900 } });
    await page.addInitScript(INIT_SCRIPT);

    // Time to first rows: cold (first load, server caches cold) and warm (reloads).
    const firstRows: number[] = [];
    for (let i = 0; i < 4; i++) {
      if (i === 0) await page.goto(served.url);
      else await page.reload();
      await pollUntil(page, 'window.__bench && window.__bench.firstRowsAt !== null', 60_000);
      firstRows.push(Number(await page.evaluate('window.__bench.firstRowsAt')));
    }
    const total = await page.getByTestId('result-count').innerText();

    // Let the first pages settle, then scroll.
    await page.waitForTimeout(500);
    const stopTrace = process.env.EARMARK_BENCH_TRACE ? await startTrace(page, process.env.EARMARK_BENCH_TRACE) : null;
    const steady = await page.evaluate<ScrollRun>(`(${SCROLL_SCRIPT})({ mode: 'steady', durationMs: 4000, pxPerFrame: 120 })`);
    if (stopTrace) await stopTrace();
    const jumps = await page.evaluate<ScrollRun>(`(${SCROLL_SCRIPT})({ mode: 'jumps', durationMs: 4000, pxPerFrame: 0 })`);

    // Search as you type: growing prefixes, as a person types. First let the page requests of the
    // jumps finish, as the scroll test lets the first pages settle: the server answers requests in
    // order, so the first query would otherwise wait behind the deep pages the last jumps asked for.
    await page.waitForTimeout(500);
    const queries = ['l', 'lo', 'lov', 'love', 'love n', 'love ni', 'love night', 'rain', 'year:1990..1999', 'genre:jazz', 'tag:warm', 'tag:warm year:1980..1989', 'city -rock', 'ocean'];
    const search: { query: string; roundTripMs: number; keystrokeMs: number; timedOut: boolean }[] = [];
    for (const q of queries) {
      const r = await page.evaluate<SearchRun>(`(${SEARCH_SCRIPT})(${JSON.stringify(q)})`);
      search.push({ query: q, ...r });
      await page.waitForTimeout(150);
    }

    // Reference, side by side: the same scroll loop on a static tall page in the same browser,
    // so the table's frame times can be read against what this machine manages at all right now.
    await page.goto('about:blank');
    await page.setContent('<div data-testid="library-table" style="height:800px;overflow:auto"><div style="height:3000000px;background:linear-gradient(#eee,#333)"></div></div>');
    const reference = await page.evaluate<ScrollRun>(`(${SCROLL_SCRIPT})({ mode: 'steady', durationMs: 3000, pxPerFrame: 120 })`);

    const roundTrips = search.filter((s) => !s.timedOut).map((s) => s.roundTripMs);
    const result = {
      tracks: TRACKS,
      library: source,
      shown: total,
      firstRowsMs: { cold: firstRows[0], warmMedian: percentile(firstRows.slice(1), 0.5), all: firstRows, target: TARGET_FIRST_ROWS_MS },
      scrollSteady: { frames: steady.frames, p50Ms: percentile(steady.deltas, 0.5), p95Ms: percentile(steady.deltas, 0.95), maxMs: Math.max(...steady.deltas), framesWithUnloadedRows: steady.blankFrames, target: TARGET_FRAME_P95_MS },
      scrollJumps: { frames: jumps.frames, p50Ms: percentile(jumps.deltas, 0.5), p95Ms: percentile(jumps.deltas, 0.95), maxMs: Math.max(...jumps.deltas), framesWithUnloadedRows: jumps.blankFrames, target: TARGET_FRAME_P95_MS },
      searchAsYouType: { p50Ms: percentile(roundTrips, 0.5), p95Ms: percentile(roundTrips, 0.95), keystrokeToRowsP50Ms: percentile(search.map((s) => s.keystrokeMs), 0.5), timedOut: search.filter((s) => s.timedOut).length, target: TARGET_SEARCH_MS, runs: search },
      referenceStaticScroll: { frames: reference.frames, p50Ms: percentile(reference.deltas, 0.5), p95Ms: percentile(reference.deltas, 0.95) },
      pageProblems: problems,
      note: 'Headless Chromium with --disable-gpu (software raster) on a shared machine; figures are indicative.',
    };
    const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
    console.log(`UI benchmark, ${TRACKS.toLocaleString()} tracks (${source})`);
    console.log(`  first rows on screen: cold ${result.firstRowsMs.cold?.toFixed(0)} ms, warm median ${result.firstRowsMs.warmMedian.toFixed(0)} ms (target ≤ ${TARGET_FIRST_ROWS_MS}) ${verdict((result.firstRowsMs.cold ?? Infinity) <= TARGET_FIRST_ROWS_MS)}`);
    console.log(`  scrolling, steady: p50 ${result.scrollSteady.p50Ms.toFixed(1)} ms, p95 ${result.scrollSteady.p95Ms.toFixed(1)} ms per frame over ${steady.frames} frames (target p95 ≤ ${TARGET_FRAME_P95_MS}) ${verdict(result.scrollSteady.p95Ms <= TARGET_FRAME_P95_MS)}; ${steady.blankFrames} frames showed unloaded rows`);
    console.log(`  scrolling, jumps:  p50 ${result.scrollJumps.p50Ms.toFixed(1)} ms, p95 ${result.scrollJumps.p95Ms.toFixed(1)} ms per frame (target p95 ≤ ${TARGET_FRAME_P95_MS}) ${verdict(result.scrollJumps.p95Ms <= TARGET_FRAME_P95_MS)}; ${jumps.blankFrames} frames showed unloaded rows`);
    console.log(`  search as you type: request to rows p50 ${result.searchAsYouType.p50Ms.toFixed(0)} ms, p95 ${result.searchAsYouType.p95Ms.toFixed(0)} ms (target ≤ ${TARGET_SEARCH_MS}) ${verdict(result.searchAsYouType.p95Ms <= TARGET_SEARCH_MS)}; keystroke to rows p50 ${result.searchAsYouType.keystrokeToRowsP50Ms.toFixed(0)} ms (includes the debounce)`);
    console.log(`  reference (static page, same scroll loop): p50 ${result.referenceStaticScroll.p50Ms.toFixed(1)} ms, p95 ${result.referenceStaticScroll.p95Ms.toFixed(1)} ms; table/reference p95 ratio ${(result.scrollSteady.p95Ms / result.referenceStaticScroll.p95Ms).toFixed(1)}`);
    if (problems.length > 0) console.log(`  page problems: ${problems.join('; ')}`);
    fs.mkdirSync(path.join(repoRoot, 'bench-results'), { recursive: true });
    fs.writeFileSync(path.join(repoRoot, 'bench-results', 'ui.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const fn of afters.reverse()) await fn();
  }
}

await main();
