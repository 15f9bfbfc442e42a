/**
 * Everything a door needs to serve the contract, wired once: the events, the
 * job manager, the handlers and the dispatcher, on one open database.
 */
import type { Db } from '../db/database.js';
import { EventBus } from './events.js';
import { JobManager, type JobManagerOptions } from './jobs.js';
import { createDispatcher, type Dispatcher, type Handlers } from './dispatcher.js';
import { handlers as defaultHandlers } from './handlers/index.js';
import type { ApiContext, Door } from './context.js';

export interface RuntimeOptions {
  readonly db: Db;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly door: Door;
  readonly audioUrl: (trackId: number) => string;
  readonly env?: NodeJS.ProcessEnv;
  readonly handlers?: Handlers;
  readonly jobs?: JobManagerOptions;
  /** Where bugs (errors that are not the core's own) are reported. */
  readonly log?: (message: string) => void;
}

export interface ApiRuntime {
  readonly ctx: ApiContext;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
  readonly jobs: JobManager;
  /** Cancels running jobs and waits for them; the door closes the database after. */
  shutdown(): Promise<void>;
}

export function createRuntime(options: RuntimeOptions): ApiRuntime {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const events = new EventBus((err) => {
    log(`earmark: event listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  });
  const jobs = new JobManager(events, options.jobs);
  const ctx: ApiContext = {
    db: options.db,
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    env: options.env ?? process.env,
    door: options.door,
    events,
    jobs,
    audioUrl: options.audioUrl,
  };
  const dispatcher = createDispatcher(ctx, options.handlers ?? defaultHandlers, {
    onInternalError: (op, err) => {
      log(`earmark: ${op} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    },
  });
  return { ctx, dispatcher, events, jobs, shutdown: () => jobs.shutdown() };
}
