import type { ApiResult, EarmarkApi, EventName, Events, OpName, Unsubscribe } from '@contract';
import { RemoteError } from './bridge';

/**
 * The browser side of `earmark serve`: POST /api/<op> with the token as a
 * bearer header, answers as `{ok, value} | {ok: false, error}`, events as
 * server-sent events. Only types come from the contract, so the bundle does
 * not carry zod and the schemas (the server validates every input anyway).
 */

/** Every event name, checked against the contract at compile time (a missing or extra name fails to build). */
const EVENT_NAMES = Object.keys({
  jobStarted: true,
  progress: true,
  jobItemError: true,
  jobFinished: true,
  trackUpdated: true,
  libraryChanged: true,
  tagsChanged: true,
  settingsChanged: true,
} satisfies Record<EventName, true>) as EventName[];

export { RemoteError };

export interface HttpApiOptions {
  /** Where the server lives; the page's own origin and path in practice. */
  readonly baseUrl: URL;
  readonly token: string;
}

type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;

export function createHttpApi(opts: HttpApiOptions): EarmarkApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  async function invoke(op: OpName, input: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(new URL(`api/${op}`, opts.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch (err) {
      throw new RemoteError({ code: 'unreachable', message: `the Earmark server did not answer (${err instanceof Error ? err.message : String(err)})`, op });
    }
    let body: ApiResult<unknown>;
    try {
      body = (await res.json()) as ApiResult<unknown>;
    } catch {
      throw new RemoteError({ code: 'internal', message: `HTTP ${res.status} with a body that is not JSON`, op });
    }
    if (body.ok) return body.value;
    throw new RemoteError(body.error);
  }

  function dispatch<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }

  function openEvents(): void {
    if (source) return;
    // EventSource cannot send headers: the token rides in the query string (and the server's cookie).
    const url = new URL('api/events', opts.baseUrl);
    url.searchParams.set('token', opts.token);
    source = new EventSource(url, { withCredentials: true });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        try {
          dispatch(name, JSON.parse((e as MessageEvent<string>).data) as Events[typeof name]);
        } catch {
          // A malformed event is dropped: the next progress event or a refresh brings the state back.
        }
      });
    }
  }

  function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): Unsubscribe {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    openEvents();
    return () => {
      set.delete(listener);
      if ([...listeners.values()].every((s) => s.size === 0)) {
        source?.close();
        source = null;
      }
    };
  }

  // Operations are looked up by name on the fly: the renderer does not ship the list of
  // operations (that would pull the schemas in). `then` must stay undefined, or `await api`
  // would treat the object as a promise.
  const methods = new Map<string, (input?: unknown) => Promise<unknown>>();
  return new Proxy({} as EarmarkApi, {
    get(_target, prop) {
      if (prop === 'on') return on;
      if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') return undefined;
      let m = methods.get(prop);
      if (!m) methods.set(prop, (m = (input?: unknown) => invoke(prop as OpName, input)));
      return m;
    },
  });
}

export type { Listener };
