import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { operations, opNames, type ApiResult, type Input, type OpName, type Output } from '../../src-main/api/contract.js';
import type { ApiRuntime } from '../../src-main/api/runtime.js';
import { makeLibrary, makeRuntime } from './fixtures.js';

/** Calls through the dispatcher, expects success, and checks the value against the operation's output schema. */
async function call<K extends OpName>(rt: ApiRuntime, op: K, input: Input<K>): Promise<Output<K>> {
  const r = await rt.dispatcher.dispatch(op, input);
  if (!r.ok) assert.fail(`${op} failed: ${r.error.code}: ${r.error.message}`);
  const parsed = operations[op].output.safeParse(r.value);
  if (!parsed.success) assert.fail(`${op} returned a value outside its output schema: ${parsed.error.message}`);
  return r.value as Output<K>;
}

async function failure(rt: ApiRuntime, op: unknown, input: unknown): Promise<Extract<ApiResult<unknown>, { ok: false }>['error']> {
  const r = await rt.dispatcher.dispatch(op, input);
  if (r.ok) assert.fail(`${String(op)} with ${JSON.stringify(input)} should fail`);
  return r.error;
}

test('a library round trip through the dispatcher: folders, scan job, listing, sorting, detail, search, tags, labels, settings', async (t) => {
  const lib = makeLibrary(t);
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());

  const folder = await call(rt, 'addFolder', { path: lib.musicDir });
  assert.equal(folder.path, lib.musicDir);
  assert.deepEqual((await call(rt, 'listFolders', {})).map((f) => f.id), [folder.id]);

  const job = await call(rt, 'startScan', {});
  assert.equal(job.kind, 'scan');
  const busy = await failure(rt, 'startScan', {});
  assert.equal(busy.code, 'busy');
  const finished = await rt.jobs.waitFor(job.id);
  assert.equal(finished.state, 'done', finished.error ?? '');
  assert.match(finished.summary ?? '', /3 files: 3 new/);
  assert.equal((await call(rt, 'getJob', { id: job.id })).state, 'done');

  const page = await call(rt, 'listTracks', { sort: { by: 'title', dir: 'asc' } });
  assert.equal(page.total, 3);
  assert.deepEqual(page.tracks.map((r) => r.title), ['Second', 'Third', 'Ünïcode tune']);
  const byYear = await call(rt, 'listTracks', { sort: { by: 'year', dir: 'desc' }, limit: 2, offset: 0 });
  assert.deepEqual(byYear.tracks.map((r) => r.year), [2010, 2001]);
  const second = await call(rt, 'listTracks', { sort: { by: 'year', dir: 'desc' }, limit: 2, offset: 2 });
  assert.deepEqual(second.tracks.map((r) => r.year), [1999]);
  assert.equal(page.tracks[0]!.analysis, 'none');

  const stats = await call(rt, 'libraryStats', {});
  assert.equal(stats.tracks, 3);
  assert.equal(stats.folders, 1);

  const id = page.tracks.find((r) => r.title === 'Ünïcode tune')!.id;
  const detail = await call(rt, 'trackDetail', { id });
  assert.equal(detail.track.artist, 'Zoë');
  assert.equal(detail.analysis, null);
  assert.equal(detail.audioUrl, `/audio/${id}`);
  assert.deepEqual(await call(rt, 'audioUrl', { id }), { url: `/audio/${id}`, mime: 'audio/mpeg' });
  assert.equal(await call(rt, 'trackCover', { id }), null);
  assert.equal((await failure(rt, 'trackDetail', { id: 999_999 })).code, 'not_found');

  const found = await call(rt, 'search', { query: 'artist:zoë' });
  assert.deepEqual(found.tracks.map((r) => r.id), [id]);
  const viaList = await call(rt, 'listTracks', { query: 'second' });
  assert.deepEqual(viaList.tracks.map((r) => r.title), ['Second']);
  assert.deepEqual((await call(rt, 'listTrackIds', { sort: { by: 'title', dir: 'asc' } })).ids, page.tracks.map((r) => r.id));
  const bad = await failure(rt, 'search', { query: 'year:' });
  assert.equal(bad.code, 'query_syntax');
  assert.equal(bad.op, 'search');
  assert.equal(typeof bad.position, 'number');
  assert.deepEqual(await call(rt, 'checkQuery', { query: 'year:' }), { ok: false, message: bad.message, position: bad.position!, length: 1 });
  assert.equal((await call(rt, 'checkQuery', { query: 'title:second' })).ok, true);

  const saved = await call(rt, 'savePlaylist', { name: 'Old / New?', query: 'year:<2005' });
  assert.deepEqual((await call(rt, 'listPlaylists', {})).map((p) => p.name), ['Old / New?']);
  const exported = await call(rt, 'exportPlaylist', { id: saved.id });
  assert.equal(exported.mime, 'audio/x-mpegurl');
  assert.equal(exported.filename, 'Old New.m3u8');
  assert.ok(exported.content.startsWith('#EXTM3U'));
  assert.ok(exported.content.includes(lib.files[0]!) && exported.content.includes(lib.files[1]!) && !exported.content.includes(lib.files[2]!));
  assert.equal((await failure(rt, 'savePlaylist', { name: 'Broken', query: 'year:' })).code, 'query_syntax');
  assert.deepEqual(await call(rt, 'deletePlaylist', { id: saved.id }), { deleted: true });
  assert.equal((await failure(rt, 'exportPlaylist', { id: saved.id })).code, 'not_found');

  const completion = await call(rt, 'autocomplete', { query: 'artist:zoë ti', cursor: 13 });
  assert.equal(completion.from, 11);
  assert.equal(completion.to, 13);
  assert.ok(completion.items.some((i) => i.insert === 'title:' && i.kind === 'field'), JSON.stringify(completion.items));

  const tag = await call(rt, 'createTag', { name: 'Calm' });
  const others = page.tracks.filter((r) => r.id !== id).map((r) => r.id);
  assert.deepEqual(await call(rt, 'setLabels', { tagId: tag.id, trackIds: [id], value: true }), { changed: 1 });
  await call(rt, 'setLabels', { tagId: tag.id, trackIds: others, value: false });
  const tags = await call(rt, 'listTags', {});
  assert.deepEqual(tags.map((x) => [x.name, x.nYes, x.nNo]), [['Calm', 1, 2]]);
  assert.deepEqual((await call(rt, 'listLabels', { tagId: tag.id })).map((l) => l.value).sort(), [false, false, true]);
  const row = (await call(rt, 'listTracks', { query: 'artist:zoë' })).tracks[0]!;
  assert.deepEqual(row.userTags, [{ tagId: tag.id, label: true, probability: null }]);
  const onTrack = (await call(rt, 'trackDetail', { id })).userTags;
  assert.deepEqual(onTrack.map((u) => [u.name, u.label]), [['Calm', true]]);
  await call(rt, 'setLabels', { tagId: tag.id, trackIds: [id], value: null });
  assert.equal((await call(rt, 'listTags', {}))[0]!.nYes, 0);
  // Training needs analysed tracks: the job fails with the core's reason, as data.
  const training = await call(rt, 'startTraining', {});
  const trained = await rt.jobs.waitFor(training.id);
  assert.equal(trained.state, 'failed');
  assert.match(trained.error ?? '', /no analysed tracks/);
  const renamed = await call(rt, 'renameTag', { id: tag.id, name: 'Quiet' });
  assert.equal(renamed.name, 'Quiet');
  assert.deepEqual(await call(rt, 'deleteTag', { id: tag.id }), { deleted: true });
  assert.equal((await failure(rt, 'renameTag', { id: tag.id, name: 'Again' })).code, 'not_found');

  const settings = await call(rt, 'updateSettings', { maxSegmentsPerTrack: 5 });
  assert.equal(settings.maxSegmentsPerTrack, 5);
  assert.equal((await call(rt, 'getSettings', {})).maxSegmentsPerTrack, 5);
  assert.equal((await call(rt, 'appInfo', {})).door, 'test');
  const model = await call(rt, 'modelStatus', {});
  assert.equal(model.installed, null);
  assert.ok(model.available.some((m) => m.id === 'choi-crnn-msd'));
  assert.deepEqual(await call(rt, 'trainingResults', {}), { model: null, tags: [] });

  // Analysis without a model: the job fails with the core's message, the dispatcher does not.
  const analysis = await call(rt, 'startAnalysis', {});
  const analysed = await rt.jobs.waitFor(analysis.id);
  assert.equal(analysed.state, 'failed');
  assert.match(analysed.error ?? '', /no base model/);

  assert.deepEqual(await call(rt, 'removeFolder', { id: folder.id }), { removed: true });
  assert.equal((await call(rt, 'listTracks', {})).total, 3, 'tracks stay when their folder is removed');
  assert.ok(fs.existsSync(lib.files[0]!));
});

test('every operation refuses malformed input with a typed validation error, never a throw', async (t) => {
  const lib = makeLibrary(t);
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());
  const garbage: unknown[] = [42, 'text', [], true, { unexpectedKey: 1 }, { id: 'x', query: 7, tagId: -1, path: 3, name: 5 }];
  for (const op of opNames) {
    for (const input of garbage) {
      const e = await failure(rt, op, input);
      assert.equal(e.code, 'invalid_input', `${op} with ${JSON.stringify(input)}: ${e.message}`);
      assert.equal(e.op, op);
      assert.ok(e.issues && e.issues.length > 0, `${op}: issues listed`);
    }
  }
  const specific: [OpName, unknown, string][] = [
    ['listTracks', { limit: 0 }, 'limit'],
    ['listTracks', { limit: 1001 }, 'limit'],
    ['listTracks', { offset: -1 }, 'offset'],
    ['listTracks', { sort: { by: 'nonsense' } }, 'sort.by'],
    ['trackDetail', { id: 1.5 }, 'id'],
    ['trackDetail', { id: 0 }, 'id'],
    ['search', { query: 'x'.repeat(10_001) }, 'query'],
    ['setLabels', { tagId: 1, trackIds: [], value: true }, 'trackIds'],
    ['setTagThreshold', { id: 1, threshold: 2 }, 'threshold'],
    ['installModel', { source: { kind: 'ftp', path: '/x' } }, 'source.kind'],
    ['createTag', { name: '   ' }, 'name'],
  ];
  for (const [op, input, path] of specific) {
    const e = await failure(rt, op, input);
    assert.equal(e.code, 'invalid_input', op);
    assert.ok(e.issues?.some((i) => i.path === path), `${op}: ${JSON.stringify(e.issues)} names ${path}`);
  }
});

test('unknown operation names, including inherited property names, are refused as data', async (t) => {
  const lib = makeLibrary(t);
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());
  for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'listtracks', 42, null, { op: 'listTracks' }]) {
    const e = await failure(rt, op, {});
    assert.equal(e.code, 'unknown_op');
  }
});

test('a core error keeps its code; a bug becomes internal and is logged, and the next call still works', async (t) => {
  const lib = makeLibrary(t);
  const log: string[] = [];
  const rt = makeRuntime(lib, log);
  t.after(() => rt.shutdown());
  const e = await failure(rt, 'addFolder', { path: `${lib.dir}/does-not-exist` });
  assert.equal(e.code, 'usage');
  assert.match(e.message, /does-not-exist/);
  assert.equal(log.length, 0);
  // A closed database makes every handler throw something that is not the core's own error.
  const broken = makeRuntime({ ...lib, db: (await import('../../src-main/db/database.js')).openDatabase(`${lib.dir}/other.db`) }, log);
  broken.ctx.db.close();
  const internal = await failure(broken, 'listTracks', {});
  assert.equal(internal.code, 'internal');
  assert.equal(log.length, 1);
  assert.match(log[0]!, /listTracks failed/);
  assert.equal((await rt.dispatcher.dispatch('libraryStats', {})).ok, true);
});
