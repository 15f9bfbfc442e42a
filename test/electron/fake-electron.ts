/**
 * A stand-in for Electron's own modules (the one thing tests may fake), for
 * loading the thin main.ts in plain Node. Everything main.ts hands to
 * Electron is recorded in `recorded` for the test to inspect and drive.
 */
type Fn = (...args: never[]) => unknown;

export interface Recorded {
  paths: Map<string, string>;
  schemes: unknown[];
  protocolHandlers: Map<string, (req: Request) => Response | Promise<Response>>;
  ipcHandlers: Map<string, Fn>;
  appHandlers: Map<string, Fn[]>;
  windows: FakeWindow[];
  headersReceived: Fn | null;
  permissionRequest: Fn | null;
  permissionCheck: Fn | null;
  openedExternally: string[];
  menu: unknown;
  quitCalls: number;
}

export const recorded: Recorded = {
  paths: new Map(),
  schemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  appHandlers: new Map(),
  windows: [],
  headersReceived: null,
  permissionRequest: null,
  permissionCheck: null,
  openedExternally: [],
  menu: null,
  quitCalls: 0,
};

class FakeWebContents {
  readonly sent: unknown[][] = [];
  isDestroyed(): boolean {
    return false;
  }
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
}

export class FakeWindow {
  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    recorded.windows.push(this);
  }
  static getAllWindows(): FakeWindow[] {
    return recorded.windows;
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  once(): void {
    // ready-to-show never comes: nothing is drawn here.
  }
  on(): void {
    // Window events are not simulated.
  }
  show(): void {
    // Nothing to show.
  }
}

export const app = {
  isPackaged: false,
  setPath: (name: string, value: string) => {
    recorded.paths.set(name, value);
  },
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  on: (event: string, fn: Fn) => {
    const list = recorded.appHandlers.get(event) ?? [];
    list.push(fn);
    recorded.appHandlers.set(event, list);
  },
  quit: () => {
    recorded.quitCalls++;
  },
  exit: () => {
    recorded.quitCalls++;
  },
};

export const BrowserWindow = FakeWindow;

export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown[]) => {
    recorded.schemes.push(...schemes);
  },
  handle: (scheme: string, handler: (req: Request) => Response) => {
    recorded.protocolHandlers.set(scheme, handler);
  },
};

export const ipcMain = {
  handle: (channel: string, fn: Fn) => {
    recorded.ipcHandlers.set(channel, fn);
  },
};

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived: (fn: Fn) => {
        recorded.headersReceived = fn;
      },
    },
    setPermissionRequestHandler: (fn: Fn) => {
      recorded.permissionRequest = fn;
    },
    setPermissionCheckHandler: (fn: Fn) => {
      recorded.permissionCheck = fn;
    },
  },
};

export const shell = {
  openExternal: (url: string) => {
    recorded.openedExternally.push(url);
    return Promise.resolve();
  },
  openPath: () => Promise.resolve(''),
};

export const Menu = {
  buildFromTemplate: (template: unknown) => template,
  setApplicationMenu: (menu: unknown) => {
    recorded.menu = menu;
  },
};
