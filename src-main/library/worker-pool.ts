import { Worker } from 'node:worker_threads';

interface Task<Req, Res> {
  readonly req: Req;
  readonly resolve: (res: Res) => void;
}

interface Slot<Req, Res> {
  worker: Worker;
  /** Sent to this worker, answered in order; the first is the one running. */
  tasks: Task<Req, Res>[];
  timer: NodeJS.Timeout | null;
  /** The worker has started: a task's time limit runs from then, not from a slow start-up. */
  online: boolean;
}

export interface WorkerPoolOptions<Req, Res> {
  /** The worker module (compiled JS). */
  readonly workerUrl: URL;
  readonly size: number;
  /** Per-task limit; a worker still busy after it is terminated and replaced. */
  readonly timeoutMs: number;
  /**
   * Tasks sent ahead to each worker (default 1), so it never waits for the
   * main thread between two small tasks. A worker handles them one at a
   * time, in order, and the time limit runs for the one at the head.
   */
  readonly depth?: number;
  /** The answer to give for a task that timed out. */
  readonly onTimeout: (req: Req, timeoutMs: number) => Res;
  /** The answer to give for a task whose worker died (crash, out of memory). */
  readonly onCrash: (req: Req, err: Error) => Res;
}

/**
 * A fixed number of worker threads, each working through the tasks sent to
 * it in order (a worker must answer in the order it was asked); answers
 * come in whatever order the workers finish. A task never rejects: a hang
 * or a crash turns into the answer given by onTimeout / onCrash, the worker
 * is replaced and the tasks queued behind the bad one are sent again, so
 * one bad file can neither stop nor stall a scan.
 */
export class WorkerPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Task<Req, Res>[] = [];
  private closed = false;
  /** Workers replaced after a timeout or crash (for tests and reports). */
  respawns = 0;

  constructor(private readonly opts: WorkerPoolOptions<Req, Res>) {
    for (let i = 0; i < Math.max(1, opts.size); i++) {
      const slot: Slot<Req, Res> = { worker: undefined as unknown as Worker, tasks: [], timer: null, online: false };
      this.attach(slot);
      this.slots.push(slot);
    }
  }

  /** Tasks queued or running. */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.tasks.length, 0);
  }

  run(req: Req): Promise<Res> {
    if (this.closed) return Promise.reject(new Error('worker pool is closed'));
    return new Promise<Res>((resolve) => {
      this.queue.push({ req, resolve });
      this.dispatch();
    });
  }

  /** Stops every worker; queued tasks are dropped (their promises never settle). */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    await Promise.all(
      this.slots.map((s) => {
        if (s.timer) clearTimeout(s.timer);
        s.tasks = [];
        return s.worker.terminate();
      }),
    );
  }

  private attach(slot: Slot<Req, Res>): void {
    const worker = new Worker(this.opts.workerUrl);
    slot.worker = worker;
    slot.online = false;
    worker.on('online', () => {
      if (slot.worker !== worker) return;
      slot.online = true;
      if (slot.tasks.length > 0 && slot.timer === null) this.startTimer(slot);
    });
    worker.on('message', (res: Res) => {
      if (slot.worker !== worker) return; // an answer from a worker already given up on
      this.finish(slot, res);
    });
    worker.on('error', (err) => {
      if (slot.worker !== worker) return;
      this.fail(slot, (req) => this.opts.onCrash(req, err));
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker || this.closed) return;
      this.fail(slot, (req) => this.opts.onCrash(req, new Error(`worker exited with code ${code}`)));
    });
  }

  /**
   * The task at the head of the slot failed (hang or crash): it gets
   * `answer`, the worker is replaced, and the tasks sent after it go back
   * to the front of the queue.
   */
  private fail(slot: Slot<Req, Res>, answer: (req: Req) => Res): void {
    const [head, ...rest] = slot.tasks;
    this.replace(slot);
    this.queue.unshift(...rest);
    if (head) head.resolve(answer(head.req));
    this.dispatch();
  }

  /** Terminates the slot's worker (without waiting: it may be stuck in a system call) and starts a fresh one. */
  private replace(slot: Slot<Req, Res>): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.tasks = [];
    const old = slot.worker;
    this.respawns++;
    if (!this.closed) this.attach(slot);
    void old.terminate();
  }

  private finish(slot: Slot<Req, Res>, res: Res): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    const task = slot.tasks.shift();
    if (task) task.resolve(res);
    if (slot.tasks.length > 0 && slot.online) this.startTimer(slot);
    this.dispatch();
  }

  private startTimer(slot: Slot<Req, Res>): void {
    const task = slot.tasks[0];
    slot.timer = setTimeout(() => {
      if (slot.tasks[0] !== task) return;
      this.fail(slot, (req) => this.opts.onTimeout(req, this.opts.timeoutMs));
    }, this.opts.timeoutMs);
  }

  private dispatch(): void {
    if (this.closed) return;
    const depth = Math.max(1, this.opts.depth ?? 1);
    for (const slot of this.slots) {
      while (slot.tasks.length < depth) {
        const task = this.queue.shift();
        if (!task) return;
        slot.tasks.push(task);
        if (slot.tasks.length === 1 && slot.online) this.startTimer(slot);
        slot.worker.postMessage(task.req);
      }
    }
  }
}
