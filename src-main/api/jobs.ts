/**
 * Runs the long jobs (scan, analysis, training, model install) for the doors:
 * one at a time per kind, with progress and ETA, pause/resume where the core
 * supports it, cancel through an AbortSignal, per-item errors, and events to
 * subscribers. The job bodies are the core's own functions; this module only
 * keeps their state and reports it.
 */
import { CancelledError, EarmarkError, NotFoundError, errorMessage } from '../core/errors.js';
import type { Progress } from '../core/progress.js';
import type { Job, JobItemError, JobKind } from './contract.js';
import type { EventBus } from './events.js';

/** What a job body gets to report with and to stop on. */
export interface JobRun {
  readonly signal: AbortSignal;
  progress(p: Progress): void;
  itemError(item: { readonly path?: string | null; readonly trackId?: number | null; readonly error: string }): void;
  /** Tracks whose rows changed (analysis results, predictions); batched into trackUpdated events. */
  tracksChanged(trackIds: readonly number[]): void;
  /** A body that can pause hands over its controls once it has them. */
  pausable(controls: PauseControls): void;
}

export interface PauseControls {
  pause(): void;
  resume(): void;
}

/** Runs the work; resolves with a one-line summary. Rejecting with CancelledError (or after the signal) means cancelled. */
export type JobBody = (run: JobRun) => Promise<string | null>;

export interface JobManagerOptions {
  /** Least time between two progress events of one job (the last state always arrives with jobFinished). */
  readonly progressIntervalMs?: number;
  /** Finished jobs kept for listJobs/getJob. */
  readonly keepFinished?: number;
  /** Per-item errors kept per job (the count goes on). */
  readonly maxItemErrors?: number;
  readonly now?: () => number;
}

interface JobState {
  job: Job;
  readonly controller: AbortController;
  readonly errors: JobItemError[];
  controls: PauseControls | null;
  readonly done: Promise<Job>;
  lastEmitMs: number;
  pendingTrackIds: Set<number>;
  /** A pause asked for before the body handed over its controls. */
  pauseRequested: boolean;
}

export class JobManager {
  private readonly jobs = new Map<string, JobState>();
  private counter = 0;
  private readonly progressIntervalMs: number;
  private readonly keepFinished: number;
  private readonly maxItemErrors: number;
  private readonly now: () => number;

  constructor(
    private readonly events: EventBus,
    options: JobManagerOptions = {},
  ) {
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
    this.keepFinished = options.keepFinished ?? 20;
    this.maxItemErrors = options.maxItemErrors ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a job; a second job of a kind already running is refused (code `busy`). */
  start(kind: JobKind, body: JobBody, options: { readonly canPause?: boolean; readonly label?: string } = {}): Job {
    const running = this.running(kind);
    if (running) throw new EarmarkError('busy', `a ${kind} job is already running (${running.id}); wait for it or cancel it`);
    const id = `${kind}-${++this.counter}`;
    const controller = new AbortController();
    const startedAt = this.now();
    const job: Job = {
      id,
      kind,
      state: 'running',
      startedAt,
      finishedAt: null,
      progress: { job: options.label ?? kind, done: 0, total: null, failed: 0, ratePerSec: 0, etaSec: null },
      canPause: options.canPause ?? false,
      errorCount: 0,
      error: null,
      summary: null,
    };
    let resolveDone!: (j: Job) => void;
    const done = new Promise<Job>((resolve) => {
      resolveDone = resolve;
    });
    const state: JobState = { job, controller, errors: [], controls: null, done, lastEmitMs: 0, pendingTrackIds: new Set(), pauseRequested: false };
    this.jobs.set(id, state);
    this.events.emit('jobStarted', { job });

    const run: JobRun = {
      signal: controller.signal,
      progress: (p) => {
        this.update(state, { progress: { ...p } });
        const t = this.now();
        if (t - state.lastEmitMs >= this.progressIntervalMs || (p.total !== null && p.done >= p.total)) {
          state.lastEmitMs = t;
          this.flushTracks(state);
          this.events.emit('progress', { job: state.job });
        }
      },
      itemError: (item) => {
        const e: JobItemError = { path: item.path ?? null, trackId: item.trackId ?? null, error: item.error, at: this.now() };
        if (state.errors.length < this.maxItemErrors) state.errors.push(e);
        this.update(state, { errorCount: state.job.errorCount + 1 });
        this.events.emit('jobItemError', { jobId: id, kind, item: e });
      },
      tracksChanged: (ids) => {
        for (const t of ids) state.pendingTrackIds.add(t);
        if (state.pendingTrackIds.size >= 500) this.flushTracks(state);
      },
      pausable: (controls) => {
        state.controls = controls;
        if (state.pauseRequested) controls.pause();
      },
    };

    // The body starts on the next tick, so `start` returns (and jobStarted
    // is seen) before the first progress event.
    void Promise.resolve()
      .then(() => (controller.signal.aborted ? Promise.reject(new CancelledError(`${kind} cancelled before it started`)) : body(run)))
      .then(
        (summary) => {
          if (controller.signal.aborted) this.finish(state, 'cancelled', null, summary);
          else this.finish(state, 'done', null, summary);
        },
        (err: unknown) => {
          if (err instanceof CancelledError || controller.signal.aborted) this.finish(state, 'cancelled', null, err instanceof CancelledError ? err.message : null);
          else this.finish(state, 'failed', errorMessage(err), null);
        },
      )
      .finally(() => {
        resolveDone(state.job);
      });
    return job;
  }

  get(id: string): Job {
    return this.state(id).job;
  }

  list(): Job[] {
    return [...this.jobs.values()].map((s) => s.job);
  }

  /** The running (or paused) job of a kind, if any. */
  running(kind: JobKind): Job | undefined {
    return this.runningState(kind)?.job;
  }

  private runningState(kind: JobKind): JobState | undefined {
    for (const s of this.jobs.values()) if (s.job.kind === kind && (s.job.state === 'running' || s.job.state === 'paused')) return s;
    return undefined;
  }

  pause(id: string): Job {
    const s = this.state(id);
    if (!s.job.canPause) throw new EarmarkError('usage', `a ${s.job.kind} job cannot be paused; cancel it instead`);
    if (s.job.state !== 'running') return s.job;
    if (s.controls) s.controls.pause();
    else s.pauseRequested = true;
    this.update(s, { state: 'paused' });
    this.events.emit('progress', { job: s.job });
    return s.job;
  }

  resume(id: string): Job {
    const s = this.state(id);
    if (s.job.state !== 'paused') return s.job;
    s.pauseRequested = false;
    s.controls?.resume();
    this.update(s, { state: 'running' });
    this.events.emit('progress', { job: s.job });
    return s.job;
  }

  /** Asks the job to stop; it finishes (state cancelled) once its body returns. */
  cancel(id: string): Job {
    const s = this.state(id);
    if (s.job.state !== 'running' && s.job.state !== 'paused') return s.job;
    s.controller.abort(new CancelledError(`${s.job.kind} cancelled`));
    // A paused body waits on its gate: let it see the abort.
    s.controls?.resume();
    return s.job;
  }

  errors(id: string, offset: number, limit: number): { total: number; items: JobItemError[] } {
    const s = this.state(id);
    return { total: s.job.errorCount, items: s.errors.slice(offset, offset + limit) };
  }

  /** Resolves with the finished job (for tests, the CLI and shutdown). */
  waitFor(id: string): Promise<Job> {
    return this.state(id).done;
  }

  /** Cancels every running job and waits for them to stop. */
  async shutdown(): Promise<void> {
    const live = [...this.jobs.values()].filter((s) => s.job.state === 'running' || s.job.state === 'paused');
    for (const s of live) this.cancel(s.job.id);
    await Promise.all(live.map((s) => s.done));
  }

  private state(id: string): JobState {
    const s = this.jobs.get(id);
    if (!s) throw new NotFoundError(`no job ${id}`);
    return s;
  }

  private update(s: JobState, patch: Partial<Job>): void {
    s.job = { ...s.job, ...patch };
  }

  private flushTracks(s: JobState): void {
    if (s.pendingTrackIds.size === 0) return;
    const trackIds = [...s.pendingTrackIds];
    s.pendingTrackIds.clear();
    this.events.emit('trackUpdated', { trackIds });
  }

  private finish(s: JobState, state: Job['state'], error: string | null, summary: string | null): void {
    this.flushTracks(s);
    this.update(s, { state, error, summary, finishedAt: this.now() });
    this.events.emit('jobFinished', { job: s.job });
    if (s.job.kind !== 'modelInstall') this.events.emit('libraryChanged', { reason: s.job.kind });
    if (s.job.kind === 'training') this.events.emit('tagsChanged', {});
    this.prune();
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((s) => s.job.finishedAt !== null);
    for (const s of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.jobs.delete(s.job.id);
  }
}
