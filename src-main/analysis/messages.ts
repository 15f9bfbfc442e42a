/**
 * The protocol between the analysis job (main thread) and its worker
 * threads, declared once. Each side parses what it receives with these
 * schemas, so a message of the wrong shape fails loudly at the boundary
 * instead of corrupting results further on. Large arrays travel as typed
 * arrays whose buffers are transferred, not copied.
 */
import { z } from 'zod';

/** Sent once, as `workerData`, when a worker is created. */
export const workerInitSchema = z.object({
  /** Folder of the installed base model (what loadBaseTagger reads). */
  modelDir: z.string(),
  /** Backend preference: auto | tensorflow | wasm | cpu. */
  backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']),
  ffmpegPath: z.string().nullable(),
  maxSegments: z.number().int().positive(),
});
export type WorkerInit = z.infer<typeof workerInitSchema>;

// Typed arrays as TypeScript declares them (any backing buffer), checked by class.
const float32Array = () => z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array');
const float64Array = () => z.custom<Float64Array>((v) => v instanceof Float64Array, 'expected a Float64Array');

/** A file path, or the exact bytes of one that is not valid UTF-8 (a Buffer arrives as a Uint8Array). */
const filePathSchema = z.union([z.string(), z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected a Uint8Array')]);

export const toWorkerSchema = z.discriminatedUnion('type', [
  /** Decode, segment and tag one track. */
  z.object({
    type: z.literal('analyse'),
    jobId: z.number().int(),
    trackId: z.number().int(),
    file: filePathSchema,
    /** The catalogue's duration, when known: spares the decoder a probe. */
    durationSecHint: z.number().positive().optional(),
  }),
  /** Tag precomputed log-mel segments only (the benchmark's CNN-only rate). */
  z.object({ type: z.literal('predict'), jobId: z.number().int(), segments: z.array(float32Array()) }),
  /** Abandon the job: kill its ffmpeg and answer `cancelled`. */
  z.object({ type: z.literal('cancel'), jobId: z.number().int() }),
  /** Dispose the model and leave. */
  z.object({ type: z.literal('shutdown') }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;

/**
 * Per-segment results of one job, packed: row i of `probs` is
 * probs[i * nTags .. (i + 1) * nTags), likewise for `embeddings`.
 */
const packedSegmentsSchema = {
  segmentCount: z.number().int().nonnegative(),
  probs: float32Array(),
  embeddings: float32Array(),
  /** Live tensors in the worker after the job: constant unless something leaks. */
  numTensors: z.number().int().nonnegative(),
};

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ready'),
    backend: z.string(),
    conv: z.string(),
    modelId: z.string(),
    modelVersion: z.string(),
    tags: z.array(z.string()),
    embeddingDim: z.number().int().positive(),
    numTensors: z.number().int().nonnegative(),
  }),
  /** The worker could not start (backend or model); it exits after this. */
  z.object({ type: z.literal('fatal'), message: z.string() }),
  z.object({
    type: z.literal('analysed'),
    jobId: z.number().int(),
    trackId: z.number().int(),
    ...packedSegmentsSchema,
    startSec: float64Array(),
    endSec: float64Array(),
    decodeWaitMs: z.number().nonnegative(),
    predictMs: z.number().nonnegative(),
  }),
  z.object({ type: z.literal('predicted'), jobId: z.number().int(), ...packedSegmentsSchema }),
  /** The track could not be analysed; the message names the file and the cause. */
  z.object({ type: z.literal('failed'), jobId: z.number().int(), message: z.string() }),
  z.object({ type: z.literal('cancelled'), jobId: z.number().int() }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;
export type AnalysedMessage = Extract<FromWorker, { type: 'analysed' }>;
export type PredictedMessage = Extract<FromWorker, { type: 'predicted' }>;
export type ReadyMessage = Extract<FromWorker, { type: 'ready' }>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

function parseWith<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`malformed ${what}: ${describeIssues(r.error)}`);
  return r.data;
}

export const parseWorkerInit = (v: unknown): WorkerInit => parseWith(workerInitSchema, 'analysis worker init data', v);
export const parseToWorker = (v: unknown): ToWorker => parseWith(toWorkerSchema, 'message to analysis worker', v);
export const parseFromWorker = (v: unknown): FromWorker => parseWith(fromWorkerSchema, 'message from analysis worker', v);

/** The buffers of a message that can be transferred instead of copied. */
export function transferList(msg: ToWorker | FromWorker): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  const add = (a: Float32Array | Float64Array) => {
    // A view on part of a larger buffer cannot be transferred without taking the rest with it.
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && !buffers.includes(a.buffer)) buffers.push(a.buffer);
  };
  switch (msg.type) {
    case 'predict':
      msg.segments.forEach(add);
      break;
    case 'analysed':
      [msg.probs, msg.embeddings, msg.startSec, msg.endSec].forEach(add);
      break;
    case 'predicted':
      [msg.probs, msg.embeddings].forEach(add);
      break;
    default:
      break;
  }
  return buffers;
}
