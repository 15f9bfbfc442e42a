import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { operations, type Input, type OpName, type Output } from '../../src-main/api/contract.js';
import type { ApiRuntime } from '../../src-main/api/runtime.js';
import { makeAudio } from '../helpers/audio.js';
import { sharedDir } from '../helpers/tmp.js';
import { makeLibrary, makeRuntime } from './fixtures.js';

async function call<K extends OpName>(rt: ApiRuntime, op: K, input: Input<K>): Promise<Output<K>> {
  const r = await rt.dispatcher.dispatch(op, input);
  if (!r.ok) assert.fail(`${op} failed: ${r.error.code}: ${r.error.message}`);
  return operations[op].output.parse(r.value) as Output<K>;
}

async function finished(rt: ApiRuntime, job: Output<'getJob'>): Promise<Output<'getJob'>> {
  const done = await rt.jobs.waitFor(job.id);
  assert.equal(done.state, 'done', `${job.kind}: ${done.error ?? ''}`);
  return done;
}

const weightsFile = path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5');

test('the whole flow through the contract: install the base model from a file, scan, analyse (paused and resumed), label, train, search by the new tag', async (t) => {
  const lib = makeLibrary(t);
  // Two whole segments per track (29.12 s each): the tag models learn from sequences of segments.
  const flowDir = path.join(lib.dir, 'flow');
  for (let i = 0; i < 3; i++) {
    makeAudio(path.join(flowDir, 'noise', `noise-${i}.ogg`), { durationSec: 60, source: `anoisesrc=d=60:c=white:seed=${i + 1}` });
    makeAudio(path.join(flowDir, 'tone', `tone-${i}.ogg`), { durationSec: 60, freqHz: 220 * (i + 1) });
  }
  const rt = makeRuntime(lib);
  t.after(() => rt.shutdown());
  await call(rt, 'updateSettings', { workerThreads: 1 });

  await finished(rt, await call(rt, 'installModel', { source: { kind: 'file', path: weightsFile } }));
  const model = await call(rt, 'modelStatus', {});
  assert.equal(model.installed?.id, 'choi-crnn-msd');
  assert.equal(model.available[0]?.tags.length, 50);

  await call(rt, 'addFolder', { path: flowDir });
  await finished(rt, await call(rt, 'startScan', {}));
  assert.equal((await call(rt, 'libraryStats', {})).pendingAnalysis, 6);

  // Paused before it has even loaded the model: it waits, then finishes once resumed.
  const analysis = await call(rt, 'startAnalysis', {});
  assert.equal(analysis.canPause, true);
  assert.equal((await call(rt, 'pauseJob', { id: analysis.id })).state, 'paused');
  assert.equal((await call(rt, 'resumeJob', { id: analysis.id })).state, 'running');
  const analysed = await finished(rt, analysis);
  assert.equal(analysed.progress.done, 6);
  assert.equal(analysed.progress.etaSec, 0);

  const page = await call(rt, 'listTracks', { sort: { by: 'path', dir: 'asc' } });
  assert.ok(page.tracks.every((r) => r.analysis === 'done'));
  const detail = await call(rt, 'trackDetail', { id: page.tracks[0]!.id });
  assert.equal(detail.baseTagNames.length, 50);
  assert.equal(detail.segments.length, 2);
  assert.equal(detail.segments[0]!.probs.length, 50);
  assert.equal(detail.analysis?.state, 'done');

  const tag = await call(rt, 'createTag', { name: 'Noisy' });
  const noisy = page.tracks.filter((r) => r.path.includes('/noise/')).map((r) => r.id);
  const tonal = page.tracks.filter((r) => !r.path.includes('/noise/')).map((r) => r.id);
  await call(rt, 'setLabels', { tagId: tag.id, trackIds: noisy, value: true });
  await call(rt, 'setLabels', { tagId: tag.id, trackIds: tonal, value: false });
  const training = await finished(rt, await call(rt, 'startTraining', { seed: 7 }));
  assert.match(training.summary ?? '', /1 tag trained/);

  const results = await call(rt, 'trainingResults', {});
  assert.equal(results.model?.seed, 7);
  assert.deepEqual(results.tags.map((q) => [q.name, q.nYes, q.nNo]), [['Noisy', 3, 3]]);
  const [listed] = await call(rt, 'listTags', {});
  assert.ok(listed?.quality && listed.threshold !== null);
  const rows = await call(rt, 'listTracks', { sort: { by: 'tag', tagId: tag.id, dir: 'desc' } });
  assert.ok(rows.tracks.every((r) => r.userTags.some((c) => c.tagId === tag.id && c.probability !== null)));
  const onTrack = (await call(rt, 'trackDetail', { id: noisy[0]! })).userTags[0]!;
  assert.equal(onTrack.label, true);
  assert.equal(typeof onTrack.probability, 'number');
  const found = await call(rt, 'search', { query: 'label:Noisy' });
  assert.deepEqual(found.tracks.map((r) => r.id).sort(), [...noisy].sort());
  assert.ok(Array.isArray(await call(rt, 'suggest', { tagId: tag.id, limit: 2 })));
});
