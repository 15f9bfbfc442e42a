/**
 * The manifest of a base model (models/<id>.json): where its weights come
 * from, how to check them, what its input is and what it outputs. Parsed
 * with a schema so a hand-edited manifest fails with a clear message rather
 * than deep inside the conversion.
 */
import { z } from 'zod';

const embeddingPartSchema = z.object({
  name: z.string().min(1),
  dim: z.number().int().positive(),
  what: z.string(),
});

export const modelManifestSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  name: z.string().min(1),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._-]*$/),
  description: z.string(),
  source: z.object({
    repository: z.string().min(1),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    path: z.string().min(1),
    url: z.url(),
    format: z.literal('keras1-hdf5'),
    sizeBytes: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  license: z.object({ spdx: z.string(), copyright: z.string(), attribution: z.string() }),
  citation: z.string(),
  input: z.object({
    sampleRateHz: z.number().positive(),
    nFft: z.number().int().positive(),
    hopLength: z.number().int().positive(),
    nMels: z.number().int().positive(),
    melFmaxHz: z.number().positive(),
    melScale: z.string(),
    nFrames: z.number().int().positive(),
    segmentSec: z.number().positive(),
    scale: z.string(),
    layout: z.string(),
    /** Zero frames added on each side in time before the first layer. */
    timePadFrames: z.number().int().nonnegative(),
  }),
  outputs: z.object({ tags: z.string(), publishedRocAuc: z.number() }),
  embedding: z.object({
    dim: z.number().int().positive(),
    parts: z.array(embeddingPartSchema).min(1),
    normalisation: z.string(),
  }),
  tags: z.array(z.string().min(1)).min(1),
});

export type ModelManifest = z.infer<typeof modelManifestSchema>;
