/**
 * CNN micro-benchmark: milliseconds per 29.12 s segment of the base tagger on
 * one thread, on the wasm backend, at batch sizes 1 and 4, side by side with
 * the same graph on tfjs's own conv2d (what the Winograd kernel buys) and with
 * a straightforward layer-by-layer forward pass (conv, bias, batch-norm as
 * separate ops, ELU before the pool: what folding and reordering buy).
 *
 *   node build/test/bench/cnn.bench.js
 *   EARMARK_BENCH_SEGMENTS=4 EARMARK_BACKEND=cpu node build/test/bench/cnn.bench.js
 *
 * Writes bench-results/cnn.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { parseNpy } from '../../src-main/audio/npy.js';
import { N_FRAMES, N_MELS } from '../../src-main/audio/types.js';
import { openDatabase } from '../../src-main/db/database.js';
import { initBackend } from '../../src-main/model/backend.js';
import { BN_EPSILON, CONV_CHANNELS, POOL_SIZES } from '../../src-main/model/crnn-weights.js';
import { installBaseModel } from '../../src-main/model/install.js';
import { readStoredModel } from '../../src-main/model/stored-model.js';
import { loadBaseTagger } from '../../src-main/model/tagger.js';
import { repoRoot, sharedDir } from '../helpers/tmp.js';

const SEGMENTS = Math.max(1, Number(process.env.EARMARK_BENCH_SEGMENTS ?? 8));
const GFLOP_PER_SEGMENT = 6.5;

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-bench-cnn-'));
  const env: NodeJS.ProcessEnv = { ...process.env, EARMARK_HOME: home };
  try {
    const db = openDatabase(path.join(home, 'earmark.db'));
    const { dir } = await installBaseModel(db, { fromFile: path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5'), env });
    db.close();
    const backend = await initBackend('wasm', env);
    const bensound = path.join(sharedDir, 'audio', 'bensound');
    const refs = fs
      .readdirSync(bensound)
      .filter((f) => f.endsWith('.npy'))
      .map((f) => Float32Array.from(parseNpy(fs.readFileSync(path.join(bensound, f)), f).data));
    const segments = Array.from({ length: SEGMENTS }, (_, i) => refs[i % refs.length]!);

    // The straightforward graph, for comparison (CNN part only: the GRUs are <1% of the cost).
    const stored = readStoredModel(dir);
    const w = (n: string): Float32Array => stored.weights.get(n)!.data;
    const naive = tf.tidy(() => {
      const t = (n: string, shape: number[]): tf.Tensor => tf.keep(tf.tensor(w(n), shape));
      return CONV_CHANNELS.map((c, i) => ({
        kernel: t(`conv${i + 1}/kernel`, [...stored.weights.get(`conv${i + 1}/kernel`)!.shape]) as tf.Tensor4D,
        bias: t(`conv${i + 1}/bias`, [c]),
        gamma: t(`bn${i + 1}/gamma`, [c]),
        beta: t(`bn${i + 1}/beta`, [c]),
        mean: t(`bn${i + 1}/moving_mean`, [c]),
        variance: t(`bn${i + 1}/moving_variance`, [c]),
        pool: POOL_SIZES[i]!,
      }));
    });
    const runNaive = async (s: Float32Array): Promise<void> => {
      const y = tf.tidy(() => {
        let h: tf.Tensor4D = tf.pad(tf.tensor4d(s, [1, N_MELS, N_FRAMES, 1]), [[0, 0], [0, 0], [37, 37], [0, 0]]);
        for (const b of naive) {
          h = tf.add<tf.Tensor4D>(tf.conv2d(h, b.kernel, 1, 'same'), b.bias);
          h = tf.batchNorm(h, b.mean, b.variance, b.beta, b.gamma, BN_EPSILON) as tf.Tensor4D;
          h = tf.maxPool(tf.elu(h), b.pool, b.pool, 'valid');
        }
        return h;
      });
      await y.data();
      y.dispose();
    };

    // Interleaved, segment by segment, so that load from other processes
    // on a shared machine hits both sides alike.
    // The tagger as the app runs it (Winograd kernel for conv blocks 2-4), the same graph
    // on tfjs's own conv2d, and the unfused graph.
    const tagger1 = await loadBaseTagger({ modelDir: dir, backend, maxBatch: 1, conv: 'winograd', env });
    const taggerTfjs = await loadBaseTagger({ modelDir: dir, backend, maxBatch: 1, conv: 'tfjs', env });
    await tagger1.predict([segments[0]!]);
    await taggerTfjs.predict([segments[0]!]);
    await runNaive(segments[0]!);
    let taggerMs = 0;
    let tfjsConvMs = 0;
    let naiveMs = 0;
    for (const s of segments) {
      let t0 = performance.now();
      await tagger1.predict([s]);
      taggerMs += performance.now() - t0;
      t0 = performance.now();
      await taggerTfjs.predict([s]);
      tfjsConvMs += performance.now() - t0;
      t0 = performance.now();
      await runNaive(s);
      naiveMs += performance.now() - t0;
    }
    const conv = tagger1.conv;
    tagger1.dispose();
    taggerTfjs.dispose();
    for (const b of naive) for (const v of Object.values(b)) if (v instanceof tf.Tensor) v.dispose();

    const tagger4 = await loadBaseTagger({ modelDir: dir, backend, maxBatch: 4, conv: 'winograd', env });
    await tagger4.predict(segments.slice(0, 4));
    const t4 = performance.now();
    await tagger4.predict(segments);
    const batch4Ms = performance.now() - t4;
    tagger4.dispose();

    const results = {
      tagger_batch1_ms_per_segment: taggerMs / segments.length,
      tagger_batch4_ms_per_segment: batch4Ms / segments.length,
      tagger_tfjs_conv_ms_per_segment: tfjsConvMs / segments.length,
      naive_cnn_ms_per_segment: naiveMs / segments.length,
    };
    const best = Math.min(results.tagger_batch1_ms_per_segment, results.tagger_batch4_ms_per_segment);
    const report = {
      backend,
      conv,
      segments: segments.length,
      ...results,
      speedup_vs_tfjs_conv: results.tagger_tfjs_conv_ms_per_segment / results.tagger_batch1_ms_per_segment,
      speedup_vs_naive: results.naive_cnn_ms_per_segment / results.tagger_batch1_ms_per_segment,
      segments_per_sec_one_thread: 1000 / best,
      // Direct-convolution FLOPs per second of wall time (Winograd does fewer multiplies for the same result).
      effective_gflop_per_sec: (GFLOP_PER_SEGMENT * 1000) / best,
      cpus: os.availableParallelism(),
      loadavg1: os.loadavg()[0],
      node: process.versions.node,
      at: new Date().toISOString(),
    };
    for (const [k, v] of Object.entries(report)) process.stdout.write(`${k.padEnd(36)} ${typeof v === 'number' ? v.toFixed(2) : String(v)}\n`);
    const out = path.join(repoRoot, 'bench-results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'cnn.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

await main();
