/**
 * Progress of a long job (scan, analysis, training), reported the same way
 * to the terminal, to the HTTP door (server-sent events) and to the app.
 */
export interface Progress {
  readonly job: string;
  readonly done: number;
  /** Unknown while a scan is still walking folders. */
  readonly total: number | null;
  readonly failed: number;
  /** Items per second since the job started. */
  readonly ratePerSec: number;
  /** Seconds left, when the total is known and the rate is positive. */
  readonly etaSec: number | null;
  readonly message?: string;
}

export type ProgressListener = (p: Progress) => void;

/** Keeps counts and derives rate and ETA; `snapshot()` is cheap. */
export class ProgressTracker {
  private readonly startMs: number;
  done = 0;
  failed = 0;
  total: number | null;

  constructor(readonly job: string, total: number | null = null, private readonly now: () => number = Date.now) {
    this.startMs = now();
    this.total = total;
  }

  snapshot(message?: string): Progress {
    const elapsedSec = Math.max(1e-3, (this.now() - this.startMs) / 1000);
    const ratePerSec = this.done / elapsedSec;
    const etaSec = this.total !== null && ratePerSec > 0 ? Math.max(0, (this.total - this.done) / ratePerSec) : null;
    return { job: this.job, done: this.done, total: this.total, failed: this.failed, ratePerSec, etaSec, ...(message === undefined ? {} : { message }) };
  }
}

export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec)) return '?';
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}

/**
 * A one-line progress display for terminals. When stderr is not a TTY it
 * stays silent, so logs and pipes get no carriage-return noise.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, minIntervalMs = 100): ProgressListener & { end(): void } {
  let last = 0;
  let shown = false;
  const fn = ((p: Progress) => {
    if (!stream.isTTY) return;
    const t = Date.now();
    if (t - last < minIntervalMs && p.done !== p.total) return;
    last = t;
    const count = p.total === null ? `${p.done}` : `${p.done}/${p.total}`;
    const eta = p.etaSec === null ? '' : ` ETA ${formatDuration(p.etaSec)}`;
    const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
    const line = `${p.job}: ${count} (${p.ratePerSec.toFixed(1)}/s${failed})${eta}${p.message ? ` ${p.message}` : ''}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 100) - 1)}`);
    shown = true;
  }) as ProgressListener & { end(): void };
  fn.end = () => {
    if (shown) stream.write('\r\x1b[2K');
    shown = false;
  };
  return fn;
}
