import os from 'node:os';
import path from 'node:path';

/**
 * The per-user data directory. The desktop app uses the same place
 * (Electron's `app.getPath('userData')` is set to it), so the CLI, the
 * server and the app all see one library.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.EARMARK_HOME) return path.resolve(env.EARMARK_HOME);
  const home = os.homedir();
  switch (platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Earmark');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Earmark');
    default:
      return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'earmark');
  }
}

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'earmark.db');
}

/** Where installed base models live: one folder per model id and version. */
export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDir(env), 'models');
}

/** The repository (or installed package) root, for bundled files such as models/ manifests. */
export const packageRoot: string = path.resolve(import.meta.dirname, '..', '..', '..');
