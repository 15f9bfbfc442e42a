import type { Db } from '../../src-main/db/database.js';
import { Rng } from '../../src-main/tags/rng.js';

export const BASE_MODEL = 'test-crnn';

export interface SyntheticLibrary {
  /** Track ids in insertion order. */
  readonly ids: number[];
  /** Latent class of each track (same order): the learnable signal. */
  readonly classes: number[];
}

export interface SyntheticOptions {
  readonly tracks: number;
  readonly dim?: number;
  readonly classes?: number;
  readonly minSegments?: number;
  readonly maxSegments?: number;
  /** How far apart the class centres are, relative to the noise. */
  readonly separation?: number;
  readonly seed?: number;
  readonly pathPrefix?: string;
}

/**
 * Tracks with analyses and segment embeddings whose mean carries each
 * track's latent class (class centre + per-segment noise), as the analysis
 * job would have stored them (float32 BLOBs in order of idx).
 */
export function addSyntheticLibrary(db: Db, opts: SyntheticOptions): SyntheticLibrary {
  const dim = opts.dim ?? 48;
  const nClasses = opts.classes ?? 3;
  const rng = new Rng(opts.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const sep = opts.separation ?? 1.5;
  const centres = Array.from({ length: nClasses }, () => Float32Array.from({ length: dim }, () => gauss() * sep / Math.sqrt(dim / 8)));
  const insTrack = db.prepare("INSERT INTO tracks (path, status, title, artist, duration_sec, added_at, updated_at) VALUES (?, 'ok', ?, ?, ?, 1, 1)");
  const insAnalysis = db.prepare("INSERT INTO analyses (track_id, model_id, model_version, status, segment_count, embedding_mean, analysed_at) VALUES (?, ?, '1', 'done', ?, ?, 1)");
  const insSegment = db.prepare('INSERT INTO segments (track_id, model_id, idx, start_sec, end_sec, probs, embedding) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const ids: number[] = [];
  const classes: number[] = [];
  const prefix = opts.pathPrefix ?? '/music/synthetic';
  db.transaction(() => {
    for (let i = 0; i < opts.tracks; i++) {
      const c = i % nClasses;
      const minS = opts.minSegments ?? 1;
      const s = minS + Math.floor(rng.next() * ((opts.maxSegments ?? 10) - minS + 1));
      const id = Number(insTrack.run(`${prefix}/${String(i).padStart(5, '0')} — Ünïcode.ogg`, `Song ${i}`, `Artist ${c}`, s * 29.12).lastInsertRowid);
      const mean = new Float32Array(dim);
      const segs: Float32Array[] = [];
      for (let k = 0; k < s; k++) {
        const e = Float32Array.from(centres[c]!, (v) => v + gauss());
        segs.push(e);
        for (let j = 0; j < dim; j++) mean[j]! += e[j]! / s;
      }
      insAnalysis.run(id, BASE_MODEL, s, Buffer.from(mean.buffer));
      segs.forEach((e, k) => insSegment.run(id, BASE_MODEL, k, k * 29.12, (k + 1) * 29.12, Buffer.from(new Float32Array(4).buffer), Buffer.from(e.buffer)));
      ids.push(id);
      classes.push(c);
    }
  })();
  return { ids, classes };
}

/** Labels the first `count` tracks for `tag`: yes when the track's class is `cls`, else no. */
export function labelByClass(lib: SyntheticLibrary, count: number, cls: number): { yes: number[]; no: number[] } {
  const yes: number[] = [];
  const no: number[] = [];
  lib.ids.slice(0, count).forEach((id, i) => (lib.classes[i] === cls ? yes : no).push(id));
  return { yes, no };
}
