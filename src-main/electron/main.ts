/**
 * Door 1: the Electron main process. Thin on purpose: the rules live in
 * policy.ts, ipc.ts and protocols.ts (plain Node, tested there); this file
 * only hands them to Electron. One window, sandboxed, context-isolated, no
 * Node in the page, a strict CSP, no navigation away, no new windows, no
 * permissions; the page reaches the core only through the preload's typed API.
 */
import path from 'node:path';
import { app, BrowserWindow, ipcMain, Menu, protocol, session, shell } from 'electron';
import { dataDir, defaultDbPath, packageRoot } from '../core/paths.js';
import { openDatabase, type Db } from '../db/database.js';
import { opNames } from '../api/contract.js';
import { contentSecurityPolicy, APP_SCHEME, AUDIO_SCHEME } from '../api/csp.js';
import { createRuntime, type ApiRuntime } from '../api/runtime.js';
import { APP_ENTRY_URL, IPC_INVOKE, audioUrlFor, navigationDecision, permissionDecision, secureWebPreferences, windowOpenDecision } from './policy.js';
import { forwardEvents, handleInvoke } from './ipc.js';
import { appResponse, audioResponse } from './protocols.js';
import { menuTemplate } from './menu.js';
const distDir = path.join(packageRoot, 'src-renderer', 'dist');
const preloadPath = path.join(import.meta.dirname, 'preload', 'preload.js');

// Before ready: the same data directory as the CLI and `earmark serve`.
app.setPath('userData', dataDir());
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: AUDIO_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

let mainWindow: BrowserWindow | null = null;
let db: Db | null = null;
let runtime: ApiRuntime | null = null;

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Earmark',
    show: false,
    webPreferences: secureWebPreferences(preloadPath, opNames),
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  void mainWindow.loadURL(APP_ENTRY_URL);
}

function start(): void {
  const dbPath = defaultDbPath();
  db = openDatabase(dbPath);
  const database = db;
  runtime = createRuntime({ db: database, dbPath, dataDir: dataDir(), door: 'electron', audioUrl: audioUrlFor });
  const rt = runtime;

  protocol.handle(APP_SCHEME, (req) => appResponse(distDir, req.url));
  protocol.handle(AUDIO_SCHEME, (req) => audioResponse(database, req.url, req.headers.get('range')));

  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permissionDecision(permission));
  });
  ses.setPermissionCheckHandler((_contents, permission) => permissionDecision(permission));

  ipcMain.handle(IPC_INVOKE, (event, op: unknown, input: unknown) => handleInvoke(rt.dispatcher, event, op, input));
  forwardEvents(rt.events, () => BrowserWindow.getAllWindows().map((w) => w.webContents));

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        devTools: !app.isPackaged,
        openDataFolder: () => void shell.openPath(dataDir()),
      }),
    ),
  );
  createWindow();
}

// Every web contents, the main window's and any other: no navigation away, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    const decision = navigationDecision(url);
    if (decision.allow) return;
    event.preventDefault();
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
  });
  contents.on('will-redirect', (event, url) => {
    if (!navigationDecision(url).allow) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
});

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      process.stderr.write(`earmark: cannot start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      app.exit(1);
    });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && runtime) createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Stop jobs (finished work is stored) and close the database before leaving.
  let stopping = false;
  app.on('will-quit', (event) => {
    if (stopping || !runtime) {
      db?.close();
      db = null;
      return;
    }
    stopping = true;
    event.preventDefault();
    void runtime.shutdown().finally(() => {
      runtime = null;
      app.quit();
    });
  });
}
