/**
 * Chooses and starts the TensorFlow.js backend: tfjs-node (native
 * TensorFlow) when it is installed and loads, else WebAssembly with SIMD
 * (its .wasm files read from disk), else the pure-JavaScript cpu backend.
 *
 * WebAssembly threads do not work in Node, so the wasm backend runs on one
 * core per thread; the analysis job gets parallelism from worker threads,
 * each of which calls initBackend for its own copy of TensorFlow.js.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { EarmarkError, errorMessage } from '../core/errors.js';
import type { BackendName, BackendPreference } from './types.js';

export interface BackendReport {
  readonly backend: BackendName;
  readonly preference: BackendPreference;
  /** Human-readable: why this backend, what was tried before. */
  readonly reason: string;
  /** Whether the wasm backend runs its SIMD binary (null unless wasm). */
  readonly wasmSimd: boolean | null;
}

const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export function isBackendPreference(v: unknown): v is BackendPreference {
  return typeof v === 'string' && (PREFERENCES as readonly string[]).includes(v);
}

/** EARMARK_BACKEND, when set to a known value, overrides the caller's preference. */
export function effectivePreference(pref: BackendPreference = 'auto', env: NodeJS.ProcessEnv = process.env): BackendPreference {
  const fromEnv = env.EARMARK_BACKEND;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!isBackendPreference(fromEnv)) {
      throw new EarmarkError('bad_backend', `EARMARK_BACKEND=${fromEnv} is not one of ${PREFERENCES.join(', ')}`);
    }
    return fromEnv;
  }
  return pref;
}

/** The folder holding tfjs-backend-wasm's .wasm binaries (node_modules/@tensorflow/tfjs-backend-wasm/dist). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  // The package's main entry lives in dist/, beside the .wasm files.
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
}

let wasmPathsSet = false;
let lastReport: BackendReport | null = null;
/** Serialises initialisations: two callers must not race tf.setBackend. */
let chain: Promise<unknown> = Promise.resolve();

async function tryTfjsNode(): Promise<string | null> {
  // A variable specifier keeps TypeScript from requiring the optional
  // package's types; it is absent on most machines.
  const specifier = '@tensorflow/tfjs-node';
  try {
    await import(specifier);
  } catch (err) {
    const msg = errorMessage(err);
    if (/Cannot find (package|module) '@tensorflow\/tfjs-node'/.test(msg)) return 'tfjs-node not installed';
    // The package can be present without its native addon (its binary download failed at install).
    if (msg.includes('tfjs_binding')) return 'tfjs-node installed but its native addon is missing';
    return `tfjs-node failed to load (${msg.split('\n')[0] ?? msg})`;
  }
  if (!tf.engine().backendNames().includes('tensorflow')) return 'tfjs-node loaded but registered no "tensorflow" backend';
  return (await tf.setBackend('tensorflow')) ? null : 'tfjs-node backend failed to initialise';
}

async function tryWasm(): Promise<string | null> {
  try {
    if (!wasmPathsSet) {
      // A file path prefix: in Node, Emscripten reads the binary with fs.
      setWasmPaths(wasmBinaryDir() + path.sep);
      wasmPathsSet = true;
    }
    return (await tf.setBackend('wasm')) ? null : 'wasm backend failed to initialise';
  } catch (err) {
    return `wasm backend failed (${errorMessage(err)})`;
  }
}

async function select(pref: BackendPreference): Promise<BackendReport> {
  // Production mode drops per-op debug checks and the cpu backend's
  // console banner about tfjs-node.
  tf.enableProdMode();
  const notes: string[] = [];
  if (pref === 'auto' || pref === 'tensorflow') {
    const failure = await tryTfjsNode();
    if (failure === null) return { backend: 'tensorflow', preference: pref, reason: 'tfjs-node (native TensorFlow)', wasmSimd: null };
    if (pref === 'tensorflow') throw new EarmarkError('backend_unavailable', `TensorFlow.js backend "tensorflow" was requested but ${failure}`);
    notes.push(failure);
  }
  if (pref === 'auto' || pref === 'wasm') {
    const failure = await tryWasm();
    if (failure === null) {
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      notes.push(simd ? 'wasm with SIMD, single-threaded (threads need worker threads)' : 'wasm without SIMD (slow: this runtime lacks WebAssembly SIMD)');
      return { backend: 'wasm', preference: pref, reason: notes.join('; '), wasmSimd: simd };
    }
    if (pref === 'wasm') throw new EarmarkError('backend_unavailable', `TensorFlow.js backend "wasm" was requested but ${failure}`);
    notes.push(failure);
  }
  if (!(await tf.setBackend('cpu'))) throw new EarmarkError('backend_unavailable', 'the TensorFlow.js cpu backend failed to initialise');
  notes.push(pref === 'cpu' ? 'cpu requested' : 'falling back to the pure-JavaScript cpu backend (slow)');
  return { backend: 'cpu', preference: pref, reason: notes.join('; '), wasmSimd: null };
}

/**
 * Makes the preferred backend the active one and returns its name. Calling
 * it again with the same preference is cheap and returns the same backend;
 * a different preference switches (tensors made on the previous backend
 * stay valid, TensorFlow.js moves their data when used).
 */
export function initBackend(pref: BackendPreference = 'auto', env: NodeJS.ProcessEnv = process.env): Promise<BackendName> {
  const next = chain.then(async () => {
    const effective = effectivePreference(pref, env);
    // Same preference, or asking by name for the backend already running
    // (what a caller does with initBackend's own answer): nothing to do.
    if (lastReport !== null && tf.getBackend() === lastReport.backend && (lastReport.preference === effective || lastReport.backend === effective)) return lastReport.backend;
    lastReport = await select(effective);
    return lastReport.backend;
  });
  chain = next.catch(() => undefined);
  return next;
}

/** What the last initBackend chose and why (null before the first call). */
export function backendReport(): BackendReport | null {
  return lastReport;
}
