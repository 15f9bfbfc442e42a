import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../helpers/tmp.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `earmark` command (bin/earmark.js) with its data dir in `home` and the database `db`. */
export function runCli(home: string, db: string, args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin', 'earmark.js'), '--db', db, ...args],
      { cwd: repoRoot, env: { ...process.env, EARMARK_HOME: home }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
