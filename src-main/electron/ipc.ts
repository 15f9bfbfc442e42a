/**
 * The IPC side of Door 1, without Electron: what ipcMain.handle runs for a
 * call, and how events reach every window. Calls from anything but the app's
 * own page (a frame that navigated elsewhere) are refused.
 */
import type { ApiResult, EventName, Events } from '../api/contract.js';
import type { Dispatcher } from '../api/dispatcher.js';
import type { EventBus } from '../api/events.js';
import { IPC_EVENT, isAppUrl } from './policy.js';

/** The part of Electron's IpcMainInvokeEvent this needs. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

export async function handleInvoke(dispatcher: Dispatcher, event: InvokeEventLike, op: unknown, input: unknown): Promise<ApiResult<unknown>> {
  const url = event.senderFrame?.url ?? '';
  if (!isAppUrl(url)) {
    return { ok: false, error: { code: 'forbidden', op: typeof op === 'string' ? op.slice(0, 100) : '(unknown)', message: `calls are only accepted from the app's own pages, not ${url.slice(0, 200) || 'an unknown frame'}` } };
  }
  return dispatcher.dispatch(op, input);
}

/** The part of webContents this needs. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Forwards every core event to the windows `targets()` lists; returns the unsubscribe. */
export function forwardEvents(events: EventBus, targets: () => readonly EventTarget[]): () => void {
  return events.subscribe(<E extends EventName>(name: E, payload: Events[E]) => {
    for (const t of targets()) if (!t.isDestroyed()) t.send(IPC_EVENT, name, payload);
  });
}
