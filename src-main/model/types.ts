/** What the analysis job needs from a base model, whatever the backend. */
export interface SegmentOutput {
  /** Tag probabilities, in the order of the manifest's `tags`. */
  readonly probs: Float32Array;
  /** The segment embedding (see models/README.md for what it is). */
  readonly embedding: Float32Array;
}

export interface BaseTagger {
  readonly id: string;
  readonly version: string;
  readonly tags: readonly string[];
  readonly embeddingDim: number;
  /** Which TensorFlow.js backend runs it: tensorflow (tfjs-node), wasm or cpu. */
  readonly backend: string;
  /** Runs a batch of log-mel segments (each N_MELS x N_FRAMES, row-major). */
  predict(batch: readonly Float32Array[]): Promise<SegmentOutput[]>;
  dispose(): void;
}
