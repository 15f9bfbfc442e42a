/** Seeded random query strings for the parser and execution fuzz tests. */

export { rng } from '../helpers/rng.js';

/** Pieces that are close to the grammar, so the fuzz reaches deep into it, plus raw noise. */
export const FUZZ_PIECES = [
  'tag:', 'warm', 'year:', '1990', '..', '>', '>=', '<', '=', '"', '(', ')', ' ', ' ', ' ', '-', 'OR', 'AND', 'NOT', 'msd:', 'jazz', '@any', '@max',
  'like:', '1', 'sort:', 'limit:', 'duration:', '3:30', 'title:', 'label:', '=no', 'path:', 'format:', '*', '\\', ':', '0.5', 'é', '\u0000', '\u{1F3B5}', 'x',
];

export function randomQuery(next: () => number): string {
  const n = Math.floor(next() * 12);
  let q = '';
  for (let i = 0; i < n; i++) {
    if (next() < 0.2) q += String.fromCharCode(Math.floor(next() * 0x3000));
    else q += FUZZ_PIECES[Math.floor(next() * FUZZ_PIECES.length)]!;
  }
  return q;
}
