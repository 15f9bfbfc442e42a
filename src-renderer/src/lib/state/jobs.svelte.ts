import type { EarmarkApi, Job, JobKind } from '@contract';

/**
 * Jobs (scan, analysis, training, model install) as the server reports them:
 * the list is loaded once and then kept current by events, so every view
 * shows the same progress without polling.
 */
export class JobsManager {
  #jobs = $state<Record<string, Job>>({});
  #unsubscribe: (() => void)[] = [];

  constructor(private readonly api: EarmarkApi) {}

  async start(): Promise<void> {
    const update = ({ job }: { job: Job }) => {
      this.#jobs = { ...this.#jobs, [job.id]: job };
    };
    this.#unsubscribe = [this.api.on('jobStarted', update), this.api.on('progress', update), this.api.on('jobFinished', update)];
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const list = await this.api.listJobs();
    const next: Record<string, Job> = {};
    for (const j of list) next[j.id] = j;
    this.#jobs = next;
  }

  /** A job just returned by a start call (before its first event arrives). */
  track(job: Job): Job {
    this.#jobs = { ...this.#jobs, [job.id]: job };
    return job;
  }

  get all(): Job[] {
    return Object.values(this.#jobs).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** The newest job of a kind (running first). */
  latest(kind: JobKind): Job | undefined {
    const of = this.all.filter((j) => j.kind === kind);
    return of.find((j) => j.state === 'running' || j.state === 'paused') ?? of[0];
  }

  active(kind: JobKind): Job | undefined {
    return this.all.find((j) => j.kind === kind && (j.state === 'running' || j.state === 'paused'));
  }

  get anyActive(): boolean {
    return this.all.some((j) => j.state === 'running' || j.state === 'paused');
  }

  async pause(id: string): Promise<void> {
    this.track(await this.api.pauseJob({ id }));
  }

  async resume(id: string): Promise<void> {
    this.track(await this.api.resumeJob({ id }));
  }

  async cancel(id: string): Promise<void> {
    this.track(await this.api.cancelJob({ id }));
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
  }

  reset(): void {
    this.stop();
    this.#jobs = {};
  }
}
