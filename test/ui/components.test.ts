/**
 * Component tests in a real browser: the app's Svelte components with logic (LibraryTable,
 * SearchBar, LabelNext, ConfidenceBar), built by Vite into a test-only page
 * (src-renderer/harness) and mounted one at a time in Debian's Chromium, against the real
 * API: an in-process server on a fixture database. Nothing is mocked.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src-main/server/http-server.js';
import { repoRoot } from '../helpers/tmp.js';
import { launchBrowser } from './harness.js';
import { makeFixture, type Fixture } from './components/fixture.js';

const TRACKS = 600;
const ANALYSED = 12;
const harnessDir = path.join(repoRoot, 'build', 'ui-harness');

const afters: (() => void | Promise<void>)[] = [];
let fixture: Fixture;
let server: RunningServer;
let page: Page;
let problems: string[];

before(async () => {
  // The harness page is built here, so it always matches the components under test.
  const vite = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(repoRoot, 'src-renderer', 'harness', 'vite.config.js')], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(vite.status, 0, `vite build of the harness failed: ${vite.stderr}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-ui-components-'));
  afters.push(() => {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  fixture = makeFixture(dir, TRACKS, ANALYSED);
  afters.push(() => {
    fixture.db.close();
  });
  const log: string[] = [];
  server = await startServer({ db: fixture.db, dbPath: fixture.dbPath, dataDir: dir, env: { ...process.env, EARMARK_HOME: dir }, distDir: harnessDir, log: (m) => log.push(m) });
  afters.push(() => server.close());
  const browser = await launchBrowser({ after: (fn) => afters.push(fn) }, { viewport: { width: 1300, height: 700 } });
  page = browser.page;
  problems = browser.problems;
});

after(async () => {
  for (const fn of afters.reverse()) await fn();
});

async function open(component: string): Promise<void> {
  await page.goto(`${server.url}&component=${component}`);
  await page.locator(`main[data-component="${component}"]`).waitFor();
}

/** Polls a value from the page until it equals `want` (the UI updates asynchronously). */
async function eventually<T>(read: () => Promise<T>, want: T, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let got = await read();
  while (JSON.stringify(got) !== JSON.stringify(want)) {
    if (Date.now() > deadline) assert.deepEqual(got, want, what);
    await new Promise((r) => setTimeout(r, 25));
    got = await read();
  }
}

const row = (index: number): Locator => page.locator(`#track-row-${index}`);
const titleOf = async (index: number): Promise<string> => (await row(index).locator('.title').textContent({ timeout: 10_000 })) ?? '';
const grid = (): Locator => page.getByTestId('library-table');
// Page-side code goes in as strings: these tests compile without the DOM's types.
const selectedIndexes = (): Promise<number[]> =>
  page.evaluate<number[]>(`[...document.querySelectorAll('.trow[aria-selected="true"]')].map((r) => Number(r.id.replace('track-row-', ''))).sort((a, b) => a - b)`);

test('LibraryTable renders a window of rows, fetches pages as it scrolls, and keeps the window small', async () => {
  await open('table');
  await page.getByTestId('result-count').filter({ hasText: '600 tracks' }).waitFor();
  assert.equal(await titleOf(0), 'Title 600', 'artist order: track 1 first');
  const rendered = await page.locator('.trow').count();
  assert.ok(rendered > 5 && rendered < 50, `a window of rows, not all ${TRACKS}: ${rendered}`);
  await page.evaluate(`(() => { const el = document.querySelector('[data-testid="library-table"]'); el.scrollTop = el.scrollHeight; })()`);
  assert.equal(await titleOf(TRACKS - 1), 'Title 001', 'the last row comes from a later page');
  assert.equal(await row(TRACKS - 1).getAttribute('aria-rowindex'), String(TRACKS + 1));
  assert.equal(await row(0).count(), 0, 'the first row left the window');
  assert.ok((await page.locator('.trow').count()) < 50);
  // Rows sit where their index says, whatever element shows them.
  const tops = await page.evaluate<[number, number][]>(`[...document.querySelectorAll('.trow')].map((r) => [Number(r.id.replace('track-row-', '')), r.getBoundingClientRect().top])`);
  const sorted = [...tops].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) assert.equal(Math.round(sorted[i]![1] - sorted[i - 1]![1]), 30, `row ${sorted[i]![0]} is one row below ${sorted[i - 1]![0]}`);
  // The tag column shows the prediction of each row's own track.
  const last = fixture.tracks[TRACKS - 1]!;
  assert.equal(await row(TRACKS - 1).getByRole('img').getAttribute('aria-label'), `warm: ${Math.round(last.warm * 100)} % predicted, ${last.warm >= 0.5 ? 'above' : 'below'} the threshold`);
});

test('LibraryTable keyboard: arrows move the focus and open the track, shift extends, Home/End/PageDown, Enter activates, Ctrl+A', async () => {
  await open('table');
  await row(0).locator('.title').waitFor();
  await grid().focus();
  const active = () => grid().getAttribute('aria-activedescendant');
  await page.keyboard.press('ArrowDown');
  await eventually(active, 'track-row-0', 'first ArrowDown focuses the first row');
  await eventually(() => page.getByTestId('open-track').textContent(), '1', 'the focused row is opened');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await eventually(active, 'track-row-2', 'two more rows down');
  await eventually(() => page.getByTestId('open-track').textContent(), '3', 'row 2 is track 3');
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  await eventually(selectedIndexes, [2, 3, 4], 'shift+arrows extend the selection from the anchor');
  await page.keyboard.press('PageDown');
  const afterPage = Number((await active())?.replace('track-row-', ''));
  assert.ok(afterPage >= 9 && afterPage < 20, `PageDown moves about a screenful: ${afterPage}`);
  await page.keyboard.press('End');
  await eventually(active, `track-row-${TRACKS - 1}`, 'End focuses the last row');
  assert.equal(await titleOf(TRACKS - 1), 'Title 001', 'End scrolls the last row into view');
  await page.keyboard.press('Home');
  await eventually(active, 'track-row-0', 'Home focuses the first row');
  await row(0).locator('.title').waitFor();
  await page.keyboard.press('Enter');
  await eventually(() => page.getByTestId('activated').textContent(), '1', 'Enter activates the focused track');
  await page.keyboard.press('Control+a');
  const rendered = await page.locator('.trow').count();
  await eventually(async () => (await selectedIndexes()).length, rendered, 'Ctrl+A selects every row');
});

test('LibraryTable mouse selection: click, shift-click range, ctrl-click toggle', async () => {
  await open('table');
  await row(6).locator('.title').waitFor();
  await row(1).click();
  await eventually(selectedIndexes, [1], 'a click selects one row');
  await eventually(() => page.getByTestId('open-track').textContent(), '2', 'and opens it');
  await row(4).click({ modifiers: ['Shift'] });
  await eventually(selectedIndexes, [1, 2, 3, 4], 'shift-click selects the range');
  await row(2).click({ modifiers: ['Control'] });
  await eventually(selectedIndexes, [1, 3, 4], 'ctrl-click toggles one row');
  await row(6).dblclick();
  await eventually(() => page.getByTestId('activated').textContent(), '7', 'double-click activates');
});

test('LibraryTable sorting: header clicks sort by a column, again reverses; a tag column sorts strongest first', async () => {
  await open('table');
  await row(0).locator('.title').waitFor();
  const header = (name: string): Locator => page.getByRole('columnheader', { name });
  await page.getByTitle('Sort by Title').click();
  await eventually(() => titleOf(0), 'Title 001', 'title ascending');
  assert.equal(await header('Title').getAttribute('aria-sort'), 'ascending');
  assert.equal(await header('Artist').getAttribute('aria-sort'), 'none');
  await page.getByTitle('Sort by Title').click();
  await eventually(() => titleOf(0), 'Title 600', 'title descending');
  assert.equal(await header('Title').getAttribute('aria-sort'), 'descending');
  await page.getByTitle('Sort by warm').click();
  const strongest = [...fixture.tracks].sort((a, b) => b.warm - a.warm || a.id - b.id)[0]!;
  await eventually(async () => Number(await row(0).getAttribute('data-track-id')), strongest.id, 'the most "warm" track first');
  assert.equal(await header('warm').getAttribute('aria-sort'), 'descending');
});

test('SearchBar: completions as you type, Tab inserts one; results follow the query', async () => {
  await open('search');
  const input = page.locator('#search-input');
  await page.getByTestId('result-count').waitFor();
  await input.pressSequentially('ye');
  const option = page.locator('#search-completions [role="option"]', { hasText: 'year:' });
  await option.waitFor();
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab');
  await eventually(() => input.inputValue(), 'year:', 'Tab inserts the completion');
  await input.pressSequentially('1990..1991');
  // Years are 1950 + (id mod 60): ids with id mod 60 in {40, 41}, ten of each.
  await page.getByTestId('result-count').filter({ hasText: /^20 tracks$/ }).waitFor();
  const years = await page.locator('.trow [role="gridcell"]:nth-child(5)').allTextContents();
  assert.ok(years.length === 20 && years.every((y) => y === '1990' || y === '1991'), `only matching rows: ${years.join(',')}`);
  await input.fill('');
  await input.pressSequentially('tag:wa');
  const tagOption = page.locator('#search-completions [role="option"]', { hasText: 'tag:warm' });
  await tagOption.waitFor();
  assert.equal(await tagOption.locator('.kind').textContent(), 'tag');
  await page.keyboard.press('Enter');
  await eventually(() => input.inputValue(), 'tag:warm ', 'Enter takes the active completion (and a space to go on typing)');
});

test('SearchBar: a query error is shown at its position, with the faulty part marked', async () => {
  await open('search');
  const input = page.locator('#search-input');
  await page.getByTestId('result-count').waitFor();
  await input.fill('rain sort:loudness');
  const error = page.getByTestId('query-error');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /^at 11: expected a sort key/);
  assert.equal(await page.getByTestId('query-error-mirror').locator('mark').textContent(), 'l', 'the character the error points at');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  await input.fill('tag:nosuch');
  await eventually(() => error.textContent(), 'at 1: unknown tag "nosuch"; your tags are: warm', 'unknown tag');
  assert.equal(await page.getByTestId('query-error-mirror').locator('mark').textContent(), 'tag:no', 'the span has the length the server gave');
  await input.fill('year:1999');
  await page.getByTestId('result-count').filter({ hasText: /^10 tracks$/ }).waitFor();
  assert.equal(await page.getByTestId('query-error').count(), 0, 'a valid query clears the error');
  assert.equal(await input.getAttribute('aria-invalid'), 'false');
});

test('LabelNext: Y, N, S answer and label on the server, Backspace undoes, Space plays and pauses, Esc leaves', async () => {
  await open('label');
  const card = page.getByTestId('label-next');
  const title = card.locator('.current .title');
  await title.waitFor();
  const idOf = (t: string | null): number => fixture.tracks.find((x) => x.title === t)!.id;
  const label = (id: number): number | undefined => fixture.db.prepare('SELECT value FROM labels WHERE tag_id = ? AND track_id = ?').pluck().get(fixture.warmTagId, id) as number | undefined;
  const tally = (): Promise<string | null> => card.locator('p.small').last().textContent();

  const first = idOf(await title.textContent());
  await page.keyboard.press('y');
  await eventually(tally, 'This round: 1 yes, 0 no, 0 skipped.', 'Y answers yes');
  await eventually(() => Promise.resolve(label(first)), 1, 'a yes label on the server');
  const second = idOf(await title.textContent());
  assert.notEqual(second, first, 'the next suggestion comes up');
  await page.keyboard.press('n');
  await eventually(tally, 'This round: 1 yes, 1 no, 0 skipped.', 'N answers no');
  await eventually(() => Promise.resolve(label(second)), 0, 'a no label on the server');
  const third = idOf(await title.textContent());
  await page.keyboard.press('s');
  await eventually(tally, 'This round: 1 yes, 1 no, 1 skipped.', 'S skips');
  assert.equal(label(third), undefined, 'a skip labels nothing');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await eventually(tally, 'This round: 1 yes, 0 no, 0 skipped.', 'Backspace steps back twice');
  await eventually(() => Promise.resolve(label(second)), undefined, 'undoing the no removes its label');
  assert.equal(idOf(await title.textContent()), second, 'back at the second suggestion');

  // The suggestion plays as it comes up; Space pauses and plays again.
  const play = card.locator('.answers button').last();
  await eventually(() => play.getAttribute('aria-label'), 'Pause', 'the suggestion is playing');
  await page.keyboard.press(' ');
  await eventually(() => play.getAttribute('aria-label'), 'Play', 'Space pauses');
  await page.keyboard.press(' ');
  await eventually(() => play.getAttribute('aria-label'), 'Pause', 'Space plays again');
  await page.keyboard.press('Escape');
  await eventually(() => page.getByTestId('exited').textContent(), 'true', 'Esc leaves');
  assert.equal(await card.count(), 0);
  assert.equal(await page.getByTestId('notices').textContent(), '', 'no action failed');
});

test('ConfidenceBar: percent, threshold, labels and clamping, as drawn', async () => {
  await open('bar');
  const bar = (i: number): Locator => page.getByTestId(`bar-${i}`);
  const aria = (i: number): Promise<string | null> => bar(i).getByRole('img').getAttribute('aria-label');
  const fillRatio = (i: number): Promise<number> =>
    page.evaluate<number>(`(() => {
      const b = document.querySelector('[data-testid="bar-${i}"] .bar');
      const fill = b && b.querySelector('.fill');
      return fill ? fill.getBoundingClientRect().width / b.getBoundingClientRect().width : NaN;
    })()`);
  const admitted = async (i: number): Promise<boolean> => (await bar(i).locator('.bar.admitted').count()) === 1;
  await bar(0).waitFor();
  assert.equal(await aria(0), 'warm: 73 % predicted, above the threshold');
  assert.ok(Math.abs((await fillRatio(0)) - 0.73) < 0.02, 'the fill is 73 % of the bar');
  assert.equal((await bar(0).getByRole('img').textContent())?.trim(), '73', 'the number beside the bar');
  assert.equal(await admitted(0), true);
  assert.equal(await aria(1), 'warm: 20 % predicted, below the threshold');
  assert.equal(await admitted(1), false);
  assert.equal(await aria(2), 'warm: 50 % predicted, above the threshold', 'at the threshold counts as in');
  assert.equal(await admitted(2), true);
  assert.equal(await aria(3), 'warm: 90 % predicted', 'no threshold: nothing said about it');
  assert.equal(await admitted(3), false);
  assert.equal(await aria(4), 'warm: 100 % predicted, above the threshold', 'clamped to 100 %');
  assert.ok(Math.abs((await fillRatio(4)) - 1) < 0.02, 'and drawn full, not past the end');
  assert.equal(await aria(5), 'warm: 0 % predicted, below the threshold', 'clamped to 0 %');
  assert.ok((await fillRatio(5)) < 0.02);
  assert.equal(await aria(6), 'warm: no prediction');
  assert.equal(await bar(6).locator('.bar').count(), 0);
  assert.equal(await aria(7), 'warm: labelled yes', 'a label wins over the prediction');
  assert.equal(await bar(7).locator('.label.yes').textContent(), 'yes');
  assert.equal(await aria(8), 'warm: labelled no');
  assert.equal(await bar(8).locator('.label.no').textContent(), 'no');
});

test('no script errors or CSP refusals on the harness pages', () => {
  assert.deepEqual(problems, []);
});
