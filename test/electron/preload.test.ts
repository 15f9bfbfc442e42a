import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { opNames, type ApiResult, type EarmarkBridge } from '../../src-main/api/contract.js';
import { apiFromBridge, RemoteError } from '../../src-renderer/src/lib/api/bridge.js';
import { IPC_EVENT, IPC_INVOKE, OPS_ARG_PREFIX, secureWebPreferences } from '../../src-main/electron/policy.js';
import { repoRoot } from '../helpers/tmp.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Electron's own modules, faked (the one thing tests may fake): records what the preload does with them. */
function fakeElectron(reply: (op: string, input: unknown) => ApiResult<unknown>) {
  const exposed = new Map<string, unknown>();
  const invoked: [string, ...unknown[]][] = [];
  const listeners = new Map<string, Set<Listener>>();
  return {
    exposed,
    invoked,
    listeners,
    module: {
      contextBridge: {
        // As Electron's: values cross by structured clone, and a rejection reaches the page as a
        // plain Error carrying only the message (its other properties are dropped).
        exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
          const crossed: Record<string, unknown> = {};
          for (const [name, fn] of Object.entries(api)) {
            crossed[name] = name === 'on' ? fn : (...args: unknown[]) =>
              (fn as (...a: unknown[]) => Promise<unknown>)(...args).then(
                (v) => structuredClone(v),
                (err: unknown) => { throw new Error(err instanceof Error ? err.message : String(err)); },
              );
          }
          exposed.set(key, Object.freeze(crossed));
        },
      },
      ipcRenderer: {
        invoke: (channel: string, op: string, input: unknown) => {
          invoked.push([channel, op, input]);
          return Promise.resolve(reply(op, input));
        },
        on: (channel: string, l: Listener) => {
          let set = listeners.get(channel);
          if (!set) listeners.set(channel, (set = new Set()));
          set.add(l);
        },
        removeListener: (channel: string, l: Listener) => {
          listeners.get(channel)?.delete(l);
        },
        send: () => assert.fail('the preload must not use send'),
      },
    },
  };
}

/**
 * Runs the built preload the way Electron's sandbox does: one CommonJS
 * script in a fresh context whose `require` offers only 'electron'.
 */
function loadPreload(electron: unknown, argv: readonly string[]): void {
  const file = path.join(repoRoot, 'build', 'src-main', 'electron', 'preload', 'preload.js');
  const source = fs.readFileSync(file, 'utf8');
  const required: string[] = [];
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`the sandboxed preload cannot require ${name}`);
  };
  vm.runInNewContext(source, { require: sandboxRequire, module, exports: module.exports, process: { argv: [...argv] } }, { filename: file });
  assert.deepEqual(required, ['electron'], 'the preload requires nothing but electron');
}

const argv = ['/opt/Earmark/earmark', '--type=renderer', ...(secureWebPreferences('/x/preload.js', opNames).additionalArguments ?? [])];

test('the preload exposes exactly the contract\'s operation names plus `on`, as window.earmark, and never ipcRenderer', () => {
  const fake = fakeElectron(() => ({ ok: true, value: null }));
  loadPreload(fake.module, argv);
  assert.deepEqual([...fake.exposed.keys()], ['earmark']);
  const api = fake.exposed.get('earmark') as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), [...opNames, 'on'].sort());
  for (const value of Object.values(api)) assert.equal(typeof value, 'function');
  assert.ok(Object.isFrozen(api));
  assert.ok(!Object.values(api).includes(fake.module.ipcRenderer));
});

test('a call goes over the one invoke channel with its name and input; an error crosses the bridge as data and the page rethrows it with its code and position', async () => {
  const fake = fakeElectron((op) =>
    op === 'search' ? { ok: false, error: { code: 'query_syntax', op, message: 'at 6: expected a value', position: 6 } } : { ok: true, value: { total: 0, offset: 0, tracks: [] } },
  );
  loadPreload(fake.module, argv);
  const bridge = fake.exposed.get('earmark') as EarmarkBridge;
  const api = apiFromBridge(bridge);
  assert.deepEqual(await api.listTracks({ limit: 3 }), { total: 0, offset: 0, tracks: [] });
  await api.libraryStats();
  // Compared as JSON: the `{}` default comes from the preload's own context (another realm).
  assert.equal(
    JSON.stringify(fake.invoked),
    JSON.stringify([
      [IPC_INVOKE, 'listTracks', { limit: 3 }],
      [IPC_INVOKE, 'libraryStats', {}],
    ]),
  );
  assert.deepEqual(await bridge.search({ query: 'year:' }), { ok: false, error: { code: 'query_syntax', op: 'search', message: 'at 6: expected a value', position: 6 } });
  await assert.rejects(
    api.search({ query: 'year:' }),
    (e: unknown) => e instanceof RemoteError && e.message === 'search: at 6: expected a value' && e.error.code === 'query_syntax' && e.error.position === 6,
  );
});

test('events reach the page as payloads only (never the IPC event with its sender), and unsubscribe works', () => {
  const fake = fakeElectron(() => ({ ok: true, value: null }));
  loadPreload(fake.module, argv);
  const api = apiFromBridge(fake.exposed.get('earmark') as EarmarkBridge);
  const got: unknown[][] = [];
  const off = api.on('trackUpdated', (...args) => got.push(args));
  const relays = [...(fake.listeners.get(IPC_EVENT) ?? [])];
  assert.equal(relays.length, 1);
  const ipcEvent = { sender: { secret: true } };
  relays[0]!(ipcEvent, 'trackUpdated', { trackIds: [4] });
  relays[0]!(ipcEvent, 'tagsChanged', {});
  assert.deepEqual(got, [[{ trackIds: [4] }]]);
  off();
  assert.equal(fake.listeners.get(IPC_EVENT)?.size, 0);
});

test('only plain identifiers from the ops argument become methods', () => {
  const fake = fakeElectron(() => ({ ok: true, value: null }));
  loadPreload(fake.module, ['x', `${OPS_ARG_PREFIX}listTracks,__proto__,constructor.prototype,on,a-b,,search`]);
  const api = fake.exposed.get('earmark') as Record<string, unknown>;
  assert.deepEqual(Object.keys(api).sort(), ['listTracks', 'on', 'search']);
});

test('the preload\'s copies of the channel names equal the main process\'s', () => {
  const source = fs.readFileSync(path.join(repoRoot, 'src-main', 'electron', 'preload', 'preload.ts'), 'utf8');
  const constant = (name: string) => new RegExp(`export const ${name} = '([^']*)'`).exec(source)?.[1];
  assert.equal(constant('IPC_INVOKE'), IPC_INVOKE);
  assert.equal(constant('IPC_EVENT'), IPC_EVENT);
  assert.equal(constant('OPS_ARG_PREFIX'), OPS_ARG_PREFIX);
});
