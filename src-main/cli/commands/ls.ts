import type { RegisterCommand } from './index.js';
import { listTracks, type TrackSort } from '../../library/index.js';
import { UsageError } from '../../core/errors.js';
import { formatSeconds, printJson, printTable } from '../output.js';

const sorts: readonly TrackSort[] = ['path', 'title', 'artist', 'album', 'duration', 'added'];
const statuses = ['ok', 'missing', 'error'] as const;

function nonNegativeInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a whole number >= 0, not ${v}`);
  return n;
}

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('ls')
    .description('list the tracks in the library')
    .option('--sort <key>', `order: ${sorts.join(', ')}`, 'path')
    .option('--status <status>', `only tracks with this status: ${statuses.join(', ')}`)
    .option('--limit <n>', 'at most this many tracks')
    .option('--offset <n>', 'skip this many tracks first')
    .action((opts: { sort: string; status?: string; limit?: string; offset?: string }) => {
      const sort = sorts.find((s) => s === opts.sort);
      if (!sort) throw new UsageError(`unknown --sort ${opts.sort}; use one of ${sorts.join(', ')}`);
      const status = opts.status === undefined ? undefined : statuses.find((s) => s === opts.status);
      if (opts.status !== undefined && !status) throw new UsageError(`unknown --status ${opts.status}; use one of ${statuses.join(', ')}`);
      const ctx = getContext();
      const tracks = listTracks(ctx.db, { sort, status, limit: nonNegativeInt('--limit', opts.limit), offset: nonNegativeInt('--offset', opts.offset) });
      if (ctx.json) {
        printJson(tracks);
        return;
      }
      printTable(
        ['ID', 'STATUS', 'TIME', 'ARTIST', 'TITLE', 'ALBUM', 'PATH'],
        tracks.map((t) => [t.id, t.status, formatSeconds(t.durationSec), t.artist, t.title, t.album, t.path]),
      );
    });
};
