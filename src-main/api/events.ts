import type { EventName, Events, Unsubscribe } from './contract.js';

/** One listener for every event, with its name: what both doors forward. */
export type AnyEventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/**
 * The core's side of the typed event map: jobs and handlers emit, the doors
 * (IPC to each window, SSE to each browser) subscribe. A throwing listener
 * cannot break the emitter or the other listeners.
 */
export class EventBus {
  private readonly listeners = new Set<AnyEventListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of [...this.listeners]) {
      try {
        l(event, payload);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  subscribe(listener: AnyEventListener): Unsubscribe {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
