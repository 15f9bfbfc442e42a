import type { RegisterCommand } from './index.js';
import { UsageError } from '../../core/errors.js';
import { search, type SearchHit } from '../../search/index.js';
import { formatSeconds, printJson, printLine, printTable } from '../output.js';

/** Rows shown in a terminal when no --limit is given (--json prints every match). */
export const DEFAULT_TABLE_ROWS = 50;

export function parseCount(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number >= 0, not ${v}`);
  return n;
}

/** What --json prints per track: the fields, the score, and the scores the query used. */
export function hitJson(h: SearchHit): Record<string, unknown> {
  return { id: h.id, path: h.path, title: h.title, artist: h.artist, album: h.album, durationSec: h.durationSec, score: h.score, tags: h.tags };
}

/** A table of hits with one column per score the query used. */
export function printHits(hits: readonly SearchHit[], total: number): void {
  const tagKeys = [...new Set(hits.flatMap((h) => Object.keys(h.tags)))];
  const hasScore = hits.some((h) => h.score !== null);
  printTable(
    ['ID', 'TIME', 'ARTIST', 'TITLE', 'ALBUM', ...(hasScore ? ['SCORE'] : []), ...tagKeys.map((k) => k.toUpperCase()), 'PATH'],
    hits.map((h) => [h.id, formatSeconds(h.durationSec), h.artist, h.title, h.album, ...(hasScore ? [h.score?.toFixed(3)] : []), ...tagKeys.map((k) => h.tags[k]?.toFixed(3)), h.path]),
  );
  if (total > hits.length) printLine(`(${hits.length} of ${total} tracks; use --limit or limit: for more)`);
  else printLine(`(${total} track${total === 1 ? '' : 's'})`);
}

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('search')
    .description('find tracks with the query language (quote the query: earmark search \'tag:warm year:1990..1999 -live\')')
    .argument('[query...]', 'the query; words are joined with spaces; empty: every track')
    .option('--limit <n>', `at most this many tracks (default: all with --json, ${DEFAULT_TABLE_ROWS} in a table)`)
    .option('--offset <n>', 'skip this many tracks first')
    .action((words: string[], opts: { limit?: string; offset?: string }) => {
      const ctx = getContext();
      const limit = parseCount('--limit', opts.limit) ?? (ctx.json ? undefined : DEFAULT_TABLE_ROWS);
      const offset = parseCount('--offset', opts.offset);
      const result = search(ctx.db, words.join(' '), { ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) });
      if (ctx.json) printJson(result.tracks.map(hitJson));
      else printHits(result.tracks, result.total);
    });
};
