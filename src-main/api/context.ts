import type { Db } from '../db/database.js';
import type { EventBus } from './events.js';
import type { JobManager } from './jobs.js';

/** Which door a call came through (shown in appInfo; the audio URL differs). */
export type Door = 'electron' | 'http' | 'test';

/** What every handler gets: the library, the job manager, the events, and the door's own bits. */
export interface ApiContext {
  readonly db: Db;
  readonly dbPath: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly door: Door;
  readonly events: EventBus;
  readonly jobs: JobManager;
  /** Where this door serves a track's audio (HTTP: /audio/<id>; Electron: earmark-audio://track/<id>). */
  audioUrl(trackId: number): string;
}
