import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeAudio } from '../helpers/audio.js';
import { tmpDir } from '../helpers/tmp.js';
import { built, launchBrowser, screenshot, startServe } from './harness.js';

const TITLE = '<img src=x onerror="window.__xss=1">';
const ARTIST = '<script>window.__xss=2</script>';
const ALBUM = '"><svg onload="window.__xss=3">';

test('a track whose tags hold HTML shows them as text and runs nothing', { timeout: 120_000 }, async (t) => {
  assert.ok(built(), 'src-renderer/dist is missing: run `npm run build` first');
  const lib = tmpDir(t, 'earmark-ui-xss-lib-');
  makeAudio(path.join(lib, 'evil.mp3'), { durationSec: 2, metadata: { title: TITLE, artist: ARTIST, album: ALBUM } });
  makeAudio(path.join(lib, 'plain.mp3'), { durationSec: 2, freqHz: 660, metadata: { title: 'Plain tone', artist: 'Nobody' } });

  const served = await startServe(t);
  const { page, problems } = await launchBrowser(t);
  await page.goto(served.url);

  // Empty library: the app opens on the first-run steps.
  await page.getByRole('heading', { name: 'Get started' }).waitFor();
  await page.getByLabel('Folder path').fill(lib);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await page.getByText(lib, { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Scan now' }).click();
  await page.getByText(/2 tracks in the library/).waitFor({ timeout: 60_000 });

  await page.locator('[data-view="library"]').click();
  const evilRow = page.getByRole('row').filter({ hasText: TITLE });
  await evilRow.waitFor();
  assert.equal(await evilRow.getByRole('gridcell').first().textContent(), TITLE);
  await evilRow.click();
  await page.getByTestId('track-panel').getByRole('heading', { name: TITLE }).waitFor();
  await page.getByTestId('track-panel').getByText(ARTIST, { exact: true }).waitFor();
  await page.getByTestId('track-panel').getByText(ALBUM).first().waitFor();

  // Search results render the same way.
  await page.locator('#search-input').fill('img');
  await page.getByTestId('result-count').filter({ hasText: /^1 track$/ }).waitFor();
  await screenshot(page, 'xss-library-light');

  assert.equal(await page.evaluate('window.__xss'), undefined, 'no injected handler ran');
  assert.equal(await page.locator('img[src="x"], svg[onload], script:not([src])').count(), 0, 'no element was injected');
  assert.deepEqual(problems, []);
});
