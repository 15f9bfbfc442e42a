/**
 * One track through the model: decode + log-mel (front end) and the CNN,
 * pipelined so the next segment is being decoded while the current one is
 * in the model. Runs in a worker thread, or inline in the calling thread.
 */
import { decodeSegments } from '../audio/segments.js';
import type { AudioPath, Segment } from '../audio/types.js';
import type { BaseTagger } from '../model/types.js';
import { CancelledError, errorMessage } from '../core/errors.js';

export interface TrackPipelineOptions {
  readonly signal?: AbortSignal;
  readonly maxSegments: number;
  readonly ffmpegPath?: string | null;
  /** The track's duration if the catalogue knows it (saves a probe). */
  readonly durationSecHint?: number;
}

export interface TrackOutput {
  readonly segmentCount: number;
  readonly startSec: Float64Array;
  readonly endSec: Float64Array;
  /** Packed rows of tagger.tags.length probabilities. */
  readonly probs: Float32Array;
  /** Packed rows of tagger.embeddingDim values. */
  readonly embeddings: Float32Array;
  /** Time the model sat waiting for the decoder (what pipelining did not hide). */
  readonly decodeWaitMs: number;
  readonly predictMs: number;
}

/** Error text that names the file once, then the cause. */
export function trackErrorMessage(displayPath: string, err: unknown): string {
  const msg = errorMessage(err);
  return msg.includes(displayPath) ? msg : `${displayPath}: ${msg}`;
}

export async function analyseTrack(tagger: BaseTagger, file: AudioPath, options: TrackPipelineOptions): Promise<TrackOutput> {
  const { signal } = options;
  const segments = decodeSegments(file, {
    maxSegments: options.maxSegments,
    ...(signal ? { signal } : {}),
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    ...(options.durationSecHint !== undefined ? { durationSecHint: options.durationSecHint } : {}),
  })[Symbol.asyncIterator]();
  const outs: { seg: Segment; probs: Float32Array; embedding: Float32Array }[] = [];
  let decodeWaitMs = 0;
  let predictMs = 0;
  let next: Promise<IteratorResult<Segment>> | undefined;
  try {
    next = segments.next();
    for (;;) {
      const t0 = performance.now();
      const r = await next;
      next = undefined;
      decodeWaitMs += performance.now() - t0;
      if (r.done) break;
      if (signal?.aborted) throw new CancelledError();
      // Ask for the following segment before running the model: ffmpeg keeps
      // decoding in its own process while the CNN holds this thread.
      next = segments.next();
      // Handled when awaited on the next turn; this only keeps a rejection
      // that arrives during predict from counting as unhandled.
      next.catch(() => undefined);
      const t1 = performance.now();
      const [out] = await tagger.predict([r.value.data]);
      predictMs += performance.now() - t1;
      if (!out) throw new Error('the model returned no output for a segment');
      outs.push({ seg: r.value, probs: out.probs, embedding: out.embedding });
    }
  } finally {
    if (next) await next.catch(() => undefined);
    // Closes the decoder (and its ffmpeg) when we leave early.
    await segments.return(undefined).catch(() => undefined);
  }
  if (signal?.aborted) throw new CancelledError();
  if (outs.length === 0) throw new Error('no audio could be decoded (empty or silent stream)');
  const nTags = tagger.tags.length;
  const dim = tagger.embeddingDim;
  const probs = new Float32Array(outs.length * nTags);
  const embeddings = new Float32Array(outs.length * dim);
  const startSec = new Float64Array(outs.length);
  const endSec = new Float64Array(outs.length);
  outs.forEach((o, i) => {
    if (o.probs.length !== nTags) throw new Error(`the model gave ${o.probs.length} probabilities, expected ${nTags}`);
    if (o.embedding.length !== dim) throw new Error(`the model gave an embedding of ${o.embedding.length}, expected ${dim}`);
    probs.set(o.probs, i * nTags);
    embeddings.set(o.embedding, i * dim);
    startSec[i] = o.seg.startSec;
    endSec[i] = o.seg.endSec;
  });
  return { segmentCount: outs.length, startSec, endSec, probs, embeddings, decodeWaitMs, predictMs };
}
