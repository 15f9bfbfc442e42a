import type { MenuItemConstructorOptions } from 'electron';

/** The usual menus, by role (Electron fills in platform labels and shortcuts). Developer tools only in development. */
export function menuTemplate(platform: NodeJS.Platform, options: { readonly devTools: boolean; readonly openDataFolder: () => void }): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [{ role: 'reload' }, { role: 'forceReload' }, ...(options.devTools ? [{ role: 'toggleDevTools' } as const] : []), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }];
  return [
    ...(mac ? [{ role: 'appMenu' } as const] : []),
    { label: 'File', submenu: [mac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ label: 'Open the Data Folder', click: options.openDataFolder }] },
  ];
}
