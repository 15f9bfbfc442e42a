/**
 * The base tagger: an installed CRNN loaded onto a TensorFlow.js backend,
 * turning batches of log-mel segments into tag probabilities and embeddings.
 * Every tensor it makes is disposed before predict returns.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { N_FRAMES, N_MELS } from '../audio/types.js';
import { EarmarkError } from '../core/errors.js';
import { initBackend } from './backend.js';
import { buildCrnnGraph, type ConvKernel } from './crnn-graph.js';
import { MODEL_JSON, readStoredModel } from './stored-model.js';
import type { BackendPreference, BaseTagger, SegmentOutput } from './types.js';
import { winogradModule, winogradUnavailableReason } from './winograd/winograd-conv.js';

const CONV_PREFERENCES = ['auto', 'winograd', 'tfjs'] as const;
type ConvPreference = (typeof CONV_PREFERENCES)[number];

/**
 * The conv kernel: EARMARK_CONV (auto, winograd, tfjs) over the caller's
 * choice. Auto takes Winograd on wasm and cpu, where it is 3-4x faster than
 * tfjs's direct convolution, and leaves other backends their own kernels.
 */
export function chooseConvKernel(backend: string, preference: ConvPreference = 'auto', env: NodeJS.ProcessEnv = process.env): ConvKernel {
  const fromEnv = env.EARMARK_CONV;
  if (fromEnv !== undefined && fromEnv !== '' && !(CONV_PREFERENCES as readonly string[]).includes(fromEnv)) {
    throw new EarmarkError('bad_setting', `EARMARK_CONV=${fromEnv} is not one of ${CONV_PREFERENCES.join(', ')}`);
  }
  const pref = (fromEnv !== undefined && fromEnv !== '' ? fromEnv : preference) as ConvPreference;
  if (pref === 'tfjs') return 'tfjs';
  if (pref === 'winograd') {
    if (winogradModule() === null) throw new EarmarkError('no_kernel', `EARMARK_CONV=winograd, but the kernel is not available: ${winogradUnavailableReason()}`);
    return 'winograd';
  }
  // Only where tfjs itself runs on the CPU: native TensorFlow, and a GPU backend later, keep their own kernels.
  return (backend === 'wasm' || backend === 'cpu') && winogradModule() !== null ? 'winograd' : 'tfjs';
}

export interface LoadTaggerOptions {
  /** Folder of the installed model (model.json + weights.bin). */
  readonly modelDir: string;
  readonly backend?: BackendPreference;
  /**
   * Segments run through the network at once; larger batches are split.
   * Default: 1 on wasm and cpu, where batching measured no faster and only
   * grows the (never shrinking) wasm heap by ~80 MB per extra segment
   * (conv1's output alone is 35 MB per segment); 4 on tfjs-node.
   */
  readonly maxBatch?: number;
  /** Conv kernel; EARMARK_CONV overrides it. Default auto (see chooseConvKernel). */
  readonly conv?: ConvPreference;
  readonly env?: NodeJS.ProcessEnv;
}

export async function loadBaseTagger(opts: LoadTaggerOptions): Promise<BaseTagger> {
  const backend = await initBackend(opts.backend ?? 'auto', opts.env);
  const stored = readStoredModel(opts.modelDir);
  const { manifest } = stored;
  const where = path.join(opts.modelDir, MODEL_JSON);
  // The audio front end produces exactly N_MELS x N_FRAMES; a model that
  // wants anything else cannot be fed by it.
  if (manifest.input.nMels !== N_MELS || manifest.input.nFrames !== N_FRAMES) {
    throw new EarmarkError('bad_model', `${where}: expected input ${N_MELS} x ${N_FRAMES}, got ${manifest.input.nMels} x ${manifest.input.nFrames}`);
  }
  const maxBatch = Math.max(1, Math.floor(opts.maxBatch ?? (backend === 'tensorflow' ? 4 : 1)));
  const conv = chooseConvKernel(backend, opts.conv, opts.env);
  const graph = buildCrnnGraph(manifest, stored.weights, where, conv);
  if (graph.embeddingDim !== manifest.embedding.dim) {
    graph.dispose();
    throw new EarmarkError('bad_model', `${where}: expected embedding of ${manifest.embedding.dim} numbers, got ${graph.embeddingDim}`);
  }
  const segmentSize = N_MELS * N_FRAMES;

  const runChunk = async (chunk: readonly Float32Array[]): Promise<SegmentOutput[]> => {
    // One segment goes in as it is (the backend copies it); a batch is packed.
    let input = chunk[0]!;
    if (chunk.length > 1) {
      input = new Float32Array(chunk.length * segmentSize);
      for (const [i, seg] of chunk.entries()) input.set(seg, i * segmentSize);
    }
    const out = tf.tidy(() => graph.forward(tf.tensor4d(input, [chunk.length, N_MELS, N_FRAMES, 1])));
    try {
      const [probs, emb] = (await Promise.all([out.probs.data(), out.embedding.data()])) as [Float32Array, Float32Array];
      return chunk.map((_, i) => ({
        probs: probs.slice(i * graph.nTags, (i + 1) * graph.nTags),
        embedding: emb.slice(i * graph.embeddingDim, (i + 1) * graph.embeddingDim),
      }));
    } finally {
      out.probs.dispose();
      out.embedding.dispose();
    }
  };

  // Warm-up: the first run compiles kernels and grows wasm memory.
  tf.tidy(() => {
    graph.forward(tf.zeros([1, N_MELS, N_FRAMES, 1])).probs.dataSync();
  });

  let disposed = false;
  return {
    id: manifest.id,
    version: manifest.version,
    tags: manifest.tags,
    embeddingDim: graph.embeddingDim,
    backend,
    conv: graph.winogradBlocks.length > 0 ? `winograd (blocks ${graph.winogradBlocks.join(', ')})` : 'tfjs',
    async predict(batch: readonly Float32Array[]): Promise<SegmentOutput[]> {
      if (disposed) throw new EarmarkError('model_disposed', `base tagger ${manifest.id} ${manifest.version} was disposed`);
      batch.forEach((seg, i) => {
        if (seg.length !== segmentSize) throw new EarmarkError('bad_input', `segment ${i} has ${seg.length} values, expected ${segmentSize} (${N_MELS} x ${N_FRAMES})`);
      });
      const results: SegmentOutput[] = [];
      for (let start = 0; start < batch.length; start += maxBatch) results.push(...(await runChunk(batch.slice(start, start + maxBatch))));
      return results;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      graph.dispose();
    },
  };
}
