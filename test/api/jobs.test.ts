import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../src-main/core/errors.js';
import { EventBus } from '../../src-main/api/events.js';
import { JobManager, type JobRun } from '../../src-main/api/jobs.js';
import type { EventName } from '../../src-main/api/contract.js';

function recorder(bus: EventBus): { names: EventName[]; payloads: unknown[] } {
  const out = { names: [] as EventName[], payloads: [] as unknown[] };
  bus.subscribe((name, payload) => {
    out.names.push(name);
    out.payloads.push(payload);
  });
  return out;
}

/** A body that waits for the test to release it, so the test controls every step without timing anything. */
function gatedBody(): { body: (run: JobRun) => Promise<string>; release: () => void; runs: JobRun[] } {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const runs: JobRun[] = [];
  return {
    runs,
    release: () => {
      release();
    },
    body: async (run) => {
      runs.push(run);
      run.progress({ job: 'scan', done: 1, total: 2, failed: 0, ratePerSec: 1, etaSec: 1 });
      run.itemError({ path: '/music/bad.mp3', error: 'cannot read /music/bad.mp3: truncated' });
      run.tracksChanged([7, 8]);
      await gate;
      if (run.signal.aborted) throw new CancelledError('scan cancelled');
      run.progress({ job: 'scan', done: 2, total: 2, failed: 1, ratePerSec: 1, etaSec: 0 });
      return '2 files';
    },
  };
}

test('a job reports start, progress, item errors, changed tracks and its end, in order, and refuses a second of its kind', async () => {
  const bus = new EventBus();
  const seen = recorder(bus);
  const jobs = new JobManager(bus, { progressIntervalMs: 0 });
  const g = gatedBody();
  const job = jobs.start('scan', g.body);
  assert.equal(job.state, 'running');
  assert.throws(() => jobs.start('scan', g.body), (e: Error & { code?: string }) => e.code === 'busy');
  // Another kind may run beside it.
  const other = jobs.start('training', () => Promise.resolve('trained'));
  g.release();
  const done = await jobs.waitFor(job.id);
  await jobs.waitFor(other.id);
  assert.equal(done.state, 'done');
  assert.equal(done.summary, '2 files');
  assert.equal(done.errorCount, 1);
  assert.deepEqual(done.progress, { job: 'scan', done: 2, total: 2, failed: 1, ratePerSec: 1, etaSec: 0 });
  assert.deepEqual(jobs.errors(job.id, 0, 10).items.map((e) => e.path), ['/music/bad.mp3']);
  const scanEvents = seen.names.filter((_, i) => JSON.stringify(seen.payloads[i]).includes('scan'));
  assert.equal(scanEvents[0], 'jobStarted');
  assert.ok(scanEvents.includes('progress'));
  assert.ok(scanEvents.includes('jobItemError'));
  assert.ok(seen.names.includes('trackUpdated'));
  assert.deepEqual(seen.payloads[seen.names.indexOf('trackUpdated')], { trackIds: [7, 8] });
  assert.ok(scanEvents.indexOf('jobFinished') > scanEvents.indexOf('progress'));
  assert.ok(seen.names.includes('libraryChanged'));
  assert.ok(seen.names.includes('tagsChanged'), 'training finishing changes the tags');
  // Once finished, a new job of the kind may start.
  const again = jobs.start('scan', () => Promise.resolve(null));
  assert.equal((await jobs.waitFor(again.id)).state, 'done');
});

test('cancel aborts the signal and ends the job as cancelled; a failing body ends as failed with its message', async () => {
  const bus = new EventBus();
  const jobs = new JobManager(bus);
  const g = gatedBody();
  const job = jobs.start('scan', g.body);
  await Promise.resolve();
  await Promise.resolve();
  jobs.cancel(job.id);
  assert.equal(g.runs[0]?.signal.aborted, true);
  g.release();
  assert.equal((await jobs.waitFor(job.id)).state, 'cancelled');

  const failing = jobs.start('analysis', () => Promise.reject(new Error('no base model is installed')));
  const f = await jobs.waitFor(failing.id);
  assert.equal(f.state, 'failed');
  assert.equal(f.error, 'no base model is installed');
  assert.throws(() => jobs.get('scan-999'), /no job scan-999/);
});

test('pause and resume reach the body\'s controls, even when asked before the body handed them over; a job that cannot pause says so', async () => {
  const bus = new EventBus();
  const jobs = new JobManager(bus);
  const calls: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let handOver!: () => void;
  const ready = new Promise<void>((r) => {
    handOver = r;
  });
  const job = jobs.start(
    'analysis',
    async (run) => {
      await ready;
      run.pausable({ pause: () => calls.push('pause'), resume: () => calls.push('resume') });
      await gate;
      return null;
    },
    { canPause: true },
  );
  assert.equal(jobs.pause(job.id).state, 'paused');
  handOver();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, ['pause']);
  assert.equal(jobs.resume(job.id).state, 'running');
  assert.deepEqual(calls, ['pause', 'resume']);
  release();
  await jobs.waitFor(job.id);

  const scan = jobs.start('scan', (run) => new Promise<null>((_resolve, reject) => { run.signal.addEventListener('abort', () => { reject(new CancelledError()); }); }));
  assert.throws(() => jobs.pause(scan.id), /cannot be paused/);
  jobs.cancel(scan.id);
  assert.equal((await jobs.waitFor(scan.id)).state, 'cancelled');
});

test('shutdown cancels every running job and waits for it, also one whose body has not started yet', async () => {
  const jobs = new JobManager(new EventBus());
  let started = false;
  const early = jobs.start('training', () => {
    started = true;
    return Promise.resolve(null);
  });
  await jobs.shutdown();
  assert.equal(started, false);
  assert.equal(jobs.get(early.id).state, 'cancelled');
  let sawAbort = false;
  const job = jobs.start('scan', (run) =>
    new Promise<string>((_resolve, reject) => {
      run.signal.addEventListener('abort', () => {
        sawAbort = true;
        reject(new CancelledError());
      });
    }),
  );
  await new Promise((r) => setImmediate(r));
  await jobs.shutdown();
  assert.equal(sawAbort, true);
  assert.equal(jobs.get(job.id).state, 'cancelled');
});

test('a throwing event listener does not break the job or the other listeners', async () => {
  const errors: unknown[] = [];
  const bus = new EventBus((e) => errors.push(e));
  bus.subscribe(() => {
    throw new Error('listener bug');
  });
  const seen = recorder(bus);
  const jobs = new JobManager(bus);
  const job = jobs.start('scan', () => Promise.resolve('ok'));
  assert.equal((await jobs.waitFor(job.id)).state, 'done');
  assert.ok(seen.names.includes('jobFinished'));
  assert.ok(errors.length > 0);
});
