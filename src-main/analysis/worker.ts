/**
 * Entry point of an analysis worker thread. Each worker owns a TensorFlow.js
 * backend and a loaded model (WebAssembly threads do not work in Node, so
 * parallelism comes from several of these), takes one job at a time from the
 * main thread, and posts results back with their buffers transferred. It
 * never touches the database: the main thread is the only writer.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend.js';
import { loadBaseTagger } from '../model/tagger.js';
import type { BaseTagger } from '../model/types.js';
import { errorMessage } from '../core/errors.js';
import { parseToWorker, parseWorkerInit, transferList, type FromWorker, type ToWorker, type WorkerInit } from './messages.js';
import { analyseTrack } from './track-pipeline.js';

function post(port: MessagePort, msg: FromWorker): void {
  port.postMessage(msg, transferList(msg));
}

async function runJob(port: MessagePort, tagger: BaseTagger, init: WorkerInit, msg: Extract<ToWorker, { type: 'analyse' | 'predict' }>, signal: AbortSignal): Promise<void> {
  try {
    if (msg.type === 'analyse') {
      const file = typeof msg.file === 'string' ? msg.file : Buffer.from(msg.file.buffer, msg.file.byteOffset, msg.file.byteLength);
      const hint = msg.durationSecHint === undefined ? {} : { durationSecHint: msg.durationSecHint };
      const out = await analyseTrack(tagger, file, { signal, maxSegments: init.maxSegments, ffmpegPath: init.ffmpegPath, ...hint });
      if (signal.aborted) {
        post(port, { type: 'cancelled', jobId: msg.jobId });
        return;
      }
      post(port, { type: 'analysed', jobId: msg.jobId, trackId: msg.trackId, ...out, numTensors: tf.memory().numTensors });
    } else {
      const nTags = tagger.tags.length;
      const probs = new Float32Array(msg.segments.length * nTags);
      const embeddings = new Float32Array(msg.segments.length * tagger.embeddingDim);
      for (let i = 0; i < msg.segments.length; i++) {
        if (signal.aborted) break;
        const [out] = await tagger.predict([msg.segments[i]!]);
        if (!out) throw new Error('the model returned no output for a segment');
        probs.set(out.probs, i * nTags);
        embeddings.set(out.embedding, i * tagger.embeddingDim);
      }
      if (signal.aborted) post(port, { type: 'cancelled', jobId: msg.jobId });
      else post(port, { type: 'predicted', jobId: msg.jobId, segmentCount: msg.segments.length, probs, embeddings, numTensors: tf.memory().numTensors });
    }
  } catch (err) {
    if (signal.aborted) post(port, { type: 'cancelled', jobId: msg.jobId });
    else post(port, { type: 'failed', jobId: msg.jobId, message: errorMessage(err) });
  }
}

async function start(port: MessagePort): Promise<void> {
  let init: WorkerInit;
  let tagger: BaseTagger;
  try {
    init = parseWorkerInit(workerData);
    const backend = await initBackend(init.backend);
    tagger = await loadBaseTagger({ modelDir: init.modelDir, backend });
  } catch (err) {
    post(port, { type: 'fatal', message: errorMessage(err) });
    port.close();
    return;
  }
  let current: { jobId: number; controller: AbortController; done: Promise<void> } | undefined;
  port.on('message', (raw: unknown) => {
    const msg = parseToWorker(raw);
    switch (msg.type) {
      case 'analyse':
      case 'predict': {
        if (current) throw new Error(`analysis worker got job ${msg.jobId} while job ${current.jobId} runs`);
        const controller = new AbortController();
        const job = {
          jobId: msg.jobId,
          controller,
          done: runJob(port, tagger, init, msg, controller.signal).finally(() => {
            if (current === job) current = undefined;
          }),
        };
        current = job;
        break;
      }
      case 'cancel':
        if (current?.jobId === msg.jobId) current.controller.abort();
        break;
      case 'shutdown': {
        // Let a running job unwind (and its ffmpeg die) before the model goes.
        current?.controller.abort();
        const running = current?.done ?? Promise.resolve();
        void running.finally(() => {
          tagger.dispose();
          port.close();
        });
        break;
      }
    }
  });
  post(port, { type: 'ready', backend: tagger.backend, conv: tagger.conv, modelId: tagger.id, modelVersion: tagger.version, tags: [...tagger.tags], embeddingDim: tagger.embeddingDim, numTensors: tf.memory().numTensors });
}

if (!parentPort) throw new Error('analysis/worker.js must run in a worker thread');
void start(parentPort);
