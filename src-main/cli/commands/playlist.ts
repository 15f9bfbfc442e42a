import type { RegisterCommand } from './index.js';
import { errorMessage, NotFoundError } from '../../core/errors.js';
import { deletePlaylist, exportPlaylist, getPlaylist, listPlaylists, savePlaylist, search } from '../../search/index.js';
import { printJson, printLine, printTable } from '../output.js';
import { DEFAULT_TABLE_ROWS, hitJson, parseCount, printHits } from './search.js';

/** How many tracks a playlist's query finds now, or why it cannot run (a tag deleted since). */
function countOf(db: Parameters<typeof search>[0], query: string): { count: number | null; error: string | null } {
  try {
    return { count: search(db, query, { limit: 0 }).total, error: null };
  } catch (err) {
    return { count: null, error: errorMessage(err) };
  }
}

export const register: RegisterCommand = (program, getContext) => {
  const playlist = program.command('playlist').description('smart playlists: saved queries, exported as .m3u8, .csv or .json');

  playlist
    .command('save')
    .description('save a query under a name (replaces a playlist of the same name)')
    .argument('<name>', 'playlist name')
    .argument('<query>', 'the query, quoted')
    .action((name: string, query: string) => {
      const ctx = getContext();
      const { playlist: p, replaced } = savePlaylist(ctx.db, name, query);
      const { count } = countOf(ctx.db, p.query);
      if (ctx.json) printJson({ ...p, replaced, count });
      else printLine(`${replaced ? 'updated' : 'saved'} playlist ${JSON.stringify(p.name)}: ${count ?? 0} tracks`);
    });

  playlist
    .command('list')
    .description('list saved playlists with how many tracks each finds now')
    .action(() => {
      const ctx = getContext();
      const rows = listPlaylists(ctx.db).map((p) => ({ ...p, ...countOf(ctx.db, p.query) }));
      if (ctx.json) {
        printJson(rows);
        return;
      }
      printTable(['NAME', 'TRACKS', 'QUERY'], rows.map((r) => [r.name, r.count ?? `error: ${r.error ?? ''}`, r.query]));
    });

  playlist
    .command('show')
    .description("list a playlist's tracks")
    .argument('<name>', 'playlist name')
    .option('--limit <n>', `at most this many tracks (default: all with --json, ${DEFAULT_TABLE_ROWS} in a table)`)
    .action((name: string, opts: { limit?: string }) => {
      const ctx = getContext();
      const p = getPlaylist(ctx.db, name);
      if (!p) throw new NotFoundError(`no playlist named ${JSON.stringify(name)}; see earmark playlist list`);
      const limit = parseCount('--limit', opts.limit) ?? (ctx.json ? undefined : DEFAULT_TABLE_ROWS);
      const result = search(ctx.db, p.query, limit === undefined ? {} : { limit });
      if (ctx.json) printJson(result.tracks.map(hitJson));
      else printHits(result.tracks, result.total);
    });

  playlist
    .command('delete')
    .description('delete a saved playlist (the tracks are untouched)')
    .argument('<name>', 'playlist name')
    .action((name: string) => {
      const ctx = getContext();
      const p = deletePlaylist(ctx.db, name);
      if (ctx.json) printJson({ deleted: p });
      else printLine(`deleted playlist ${JSON.stringify(p.name)}`);
    });

  playlist
    .command('export')
    .description('write a saved playlist, or a query, to a file; the extension picks the format: .m3u8 (.m3u), .csv, .json')
    .argument('<nameOrQuery>', 'a saved playlist name, else a query')
    .requiredOption('--out <file>', 'output file (written atomically)')
    .option('--relative', "paths relative to the output file's folder (default: absolute)")
    .action((nameOrQuery: string, opts: { out: string; relative?: boolean }) => {
      const ctx = getContext();
      const r = exportPlaylist(ctx.db, nameOrQuery, opts.out, { relative: opts.relative ?? false });
      if (ctx.json) printJson(r);
      else printLine(`wrote ${r.count} tracks to ${r.file} (${r.format}${r.skipped > 0 ? `; ${r.skipped} skipped: a newline in the path` : ''})`);
    });
};
