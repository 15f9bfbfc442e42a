/**
 * Real-browser test harness: `earmark serve` as a child process on a temp
 * library, Debian's Chromium driven by playwright-core, screenshots under
 * test-artifacts/ui/. Everything started here is stopped in t.after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../helpers/tmp.js';

export const CHROMIUM = process.env.EARMARK_CHROMIUM ?? '/usr/bin/chromium';
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'ui');

interface After {
  after(fn: () => void | Promise<void>): void;
}

export interface Served {
  readonly url: string;
  readonly proc: ChildProcess;
  readonly home: string;
  readonly dbPath: string;
  /** Everything the server wrote to stderr so far (for failure messages). */
  stderr(): string;
}

/** Stops a child: SIGTERM, then SIGKILL if it lingers. */
async function stop(proc: ChildProcess, graceMs = 3000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      resolve();
    });
  });
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts `earmark serve --port 0` on a fresh data dir and database; resolves with the URL it prints first. */
export async function startServe(t: After, opts: { home?: string; dbPath?: string; extraEnv?: NodeJS.ProcessEnv } = {}): Promise<Served> {
  const ownHome = opts.home === undefined;
  const home = opts.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-ui-home-'));
  const dbPath = opts.dbPath ?? path.join(home, 'library.db');
  const proc = spawn(process.execPath, [path.join(repoRoot, 'bin', 'earmark.js'), '--db', dbPath, 'serve', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, EARMARK_HOME: home, ...opts.extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(async () => {
    await stop(proc);
    // The data dir goes only after the server (and its workers) stopped writing there.
    if (ownHome) fs.rmSync(home, { recursive: true, force: true, maxRetries: 3 });
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d: string) => {
    stderr += d;
  });
  const lines = readline.createInterface({ input: proc.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`earmark serve printed no URL within 30 s; stderr: ${stderr}`));
    }, 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`earmark serve exited with ${code}; stderr: ${stderr}`));
    });
  });
  // Keep draining stdout so the child never blocks on a full pipe.
  lines.on('line', () => {
    /* drained */
  });
  if (!/^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(url)) throw new Error(`unexpected first line from earmark serve: ${url}`);
  return { url, proc, home, dbPath, stderr: () => stderr };
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught page errors, console errors and CSP violations seen so far. */
  readonly problems: string[];
}

export async function launchBrowser(t: After, opts: { viewport?: { width: number; height: number } } = {}): Promise<Browser> {
  // Not tmpDir(): the profile may only be removed after the browser has closed (one after hook, in order).
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-ui-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    acceptDownloads: true,
    colorScheme: 'light',
  });
  t.after(async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (err) => {
    problems.push(`pageerror: ${err.message}`);
  });
  page.on('console', (msg) => {
    // HTTP error statuses are the backend's business (and show in the UI); script errors and CSP refusals are ours.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  return { context, page, problems };
}

/** Saves a screenshot as test-artifacts/ui/<name>.png (to be looked at, not compared). */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Screenshots of the current view in light and dark. */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light' });
  await setTheme(page, 'light');
  await screenshot(page, `${name}-light`);
  await setTheme(page, 'dark');
  await screenshot(page, `${name}-dark`);
  await setTheme(page, 'light');
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  const current = await page.locator('html').getAttribute('data-theme');
  if (current !== theme) await page.getByTestId('theme-toggle').click();
  await page.locator(`html[data-theme="${theme}"]`).waitFor();
}

export function built(): boolean {
  return fs.existsSync(path.join(repoRoot, 'src-renderer', 'dist', 'index.html'));
}
