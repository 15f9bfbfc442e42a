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
  /** How its 3x3 convolutions run: "tfjs", or "winograd (blocks 2, 3, 4)" (the WebAssembly kernel). */
  readonly conv: string;
  /** Runs a batch of log-mel segments (each N_MELS x N_FRAMES, row-major). */
  predict(batch: readonly Float32Array[]): Promise<SegmentOutput[]>;
  dispose(): void;
}

/** A TensorFlow.js backend Earmark can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
/** The backend setting: a backend, or auto (tfjs-node, else wasm, else cpu). */
export type BackendPreference = 'auto' | BackendName;

/** An installed base model: what loadBaseTagger needs to find its files. */
export interface InstalledBaseModel {
  readonly id: string;
  readonly version: string;
  /** Folder holding model.json and weights.bin. */
  readonly dir: string;
}
