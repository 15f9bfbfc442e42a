import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ApiCallError, createApi, eventNames, opNames, operations, type ApiResult, type EventName, type Events, type OpName } from '../../src-main/api/contract.js';
import { repoRoot } from '../helpers/tmp.js';

test('the contract module imports nothing but zod (it runs in the browser bundle)', () => {
  const src = fs.readFileSync(path.join(repoRoot, 'src-main', 'api', 'contract.ts'), 'utf8');
  const imports = [...src.matchAll(/^\s*(?:import|export)[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  assert.deepEqual(imports, ['zod']);
});

test('operation names are plain identifiers, and every operation has an input and an output schema', () => {
  assert.ok(opNames.length >= 40);
  for (const name of opNames) {
    assert.match(name, /^[a-z][A-Za-z]*$/);
    assert.equal(typeof operations[name].input.safeParse, 'function');
    assert.equal(typeof operations[name].output.safeParse, 'function');
    assert.ok(operations[name].doc.length > 0);
  }
  assert.ok(!opNames.includes('on' as OpName), '`on` is reserved for events');
});

test('the client built from a transport has exactly the operation names plus `on`, and rethrows errors with the operation name', async () => {
  const calls: [string, unknown][] = [];
  const invoke = (op: OpName, input: unknown): Promise<ApiResult<unknown>> => {
    calls.push([op, input]);
    if (op === 'search') return Promise.resolve({ ok: false, error: { code: 'query_syntax', op, message: 'at 6: expected a value', position: 6 } });
    return Promise.resolve({ ok: true, value: { total: 0, offset: 0, tracks: [] } });
  };
  let emit: (<E extends EventName>(e: E, p: Events[E]) => void) | null = null;
  let unsubscribed = 0;
  const api = createApi(invoke, (listener) => {
    emit = listener;
    return () => {
      unsubscribed++;
      emit = null;
    };
  });
  assert.deepEqual(Object.keys(api).sort(), [...opNames, 'on'].sort());
  assert.deepEqual(await api.listTracks({ limit: 5 }), { total: 0, offset: 0, tracks: [] });
  await api.libraryStats();
  assert.deepEqual(calls, [['listTracks', { limit: 5 }], ['libraryStats', {}]]);
  await assert.rejects(api.search({ query: 'year:' }), (e: unknown) => e instanceof ApiCallError && e.message === 'search: at 6: expected a value' && e.code === 'query_syntax' && e.position === 6);

  const got: number[][] = [];
  const off = api.on('trackUpdated', (p) => got.push(p.trackIds));
  emit!('trackUpdated', { trackIds: [1, 2] });
  emit!('tagsChanged', {});
  off();
  assert.deepEqual(got, [[1, 2]]);
  assert.equal(unsubscribed, 1, 'the transport subscription closes with the last listener');
  assert.throws(() => api.on('nope' as EventName, () => undefined), /unknown event/);
});

test('the event names list matches the typed event map', () => {
  const fromType: Record<EventName, true> = { jobStarted: true, progress: true, jobItemError: true, jobFinished: true, trackUpdated: true, libraryChanged: true, tagsChanged: true, settingsChanged: true };
  assert.deepEqual([...eventNames].sort(), Object.keys(fromType).sort());
});
