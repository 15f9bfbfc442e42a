import path from 'node:path';
import { openDatabase, type Db } from '../db/database.js';
import { dataDir, defaultDbPath } from '../core/paths.js';

/** Global options every command sees (declared once on the program). */
export interface GlobalOptions {
  readonly db?: string;
  readonly json?: boolean;
  readonly debug?: boolean;
}

/**
 * What a command needs from the outside world: where the data lives, the
 * database (opened on first use and closed once at exit), and where to print.
 */
export class CliContext {
  private database: Db | undefined;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly json: boolean;
  readonly debug: boolean;

  constructor(opts: GlobalOptions, readonly env: NodeJS.ProcessEnv = process.env) {
    this.dataDir = dataDir(env);
    this.dbPath = opts.db ? path.resolve(opts.db) : defaultDbPath(env);
    this.json = opts.json ?? false;
    this.debug = opts.debug ?? false;
  }

  get db(): Db {
    this.database ??= openDatabase(this.dbPath);
    return this.database;
  }

  close(): void {
    this.database?.close();
    this.database = undefined;
  }
}
