/**
 * Seeded randomness for training: every shuffle, fold split and initial
 * weight comes from here, so the same seed gives the same model.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** A generator for one named purpose: independent of how much the parent was used. */
  static derive(seed: number, purpose: string): Rng {
    let h = (seed >>> 0) ^ 0x811c9dc5;
    for (let i = 0; i < purpose.length; i++) h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer seed for tfjs ops that take one (dropout). */
  int(): number {
    return Math.floor(this.next() * 2147483647);
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** Glorot-uniform initial weights for a fanIn x fanOut matrix. */
  glorot(fanIn: number, fanOut: number): Float32Array {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const out = new Float32Array(fanIn * fanOut);
    for (let i = 0; i < out.length; i++) out[i] = (this.next() * 2 - 1) * limit;
    return out;
  }
}
