import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../model/backend.js';

/**
 * Makes sure a TensorFlow.js backend is running for the tag models, chosen
 * like the base tagger's (tfjs-node, else wasm, else cpu; EARMARK_BACKEND
 * overrides). Each worker thread calls it for its own copy of TensorFlow.js.
 */
export function ensureTagBackend(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return initBackend('auto', env);
}

export { tf };
