/**
 * Search as you type: each keystroke starts a request after a short pause;
 * only the answer to the newest request is applied, older ones are dropped
 * even if they arrive later (stale responses never overwrite fresh ones).
 */
export class LatestOnly<Input, Output> {
  private seq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;

  constructor(
    private readonly run: (input: Input, signal: AbortSignal) => Promise<Output>,
    private readonly apply: (output: Output, input: Input) => void,
    private readonly onError: (err: unknown, input: Input) => void,
    private readonly delayMs: number,
  ) {}

  /** Schedule a request; a newer call before `delayMs` replaces it. */
  push(input: Input): void {
    const mySeq = ++this.seq;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.fire(input, mySeq);
    }, this.delayMs);
  }

  /** Run now, skipping the pause (Enter key). */
  now(input: Input): Promise<void> {
    const mySeq = ++this.seq;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    return this.fire(input, mySeq);
  }

  cancel(): void {
    this.seq++;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
  }

  private async fire(input: Input, mySeq: number): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      const out = await this.run(input, controller.signal);
      if (mySeq === this.seq) this.apply(out, input);
    } catch (err) {
      if (mySeq === this.seq && !controller.signal.aborted) this.onError(err, input);
    }
  }
}
