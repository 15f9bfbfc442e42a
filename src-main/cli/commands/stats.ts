import type { RegisterCommand } from './index.js';
import { libraryStats } from '../../library/index.js';
import { formatSeconds, printJson, printLine, printTable } from '../output.js';

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('stats')
    .description('count the tracks in the library: by status and format, total duration, folders')
    .action(() => {
      const ctx = getContext();
      const s = libraryStats(ctx.db);
      if (ctx.json) {
        printJson(s);
        return;
      }
      printLine(`Tracks:   ${s.tracks} (${s.ok} ok, ${s.missing} missing, ${s.tracks - s.ok - s.missing} unreadable)`);
      printLine(`Errors:   ${s.errors}`);
      printLine(`Duration: ${formatSeconds(s.totalDurationSec) || '0:00'}`);
      printLine(`Formats:  ${Object.entries(s.formats).map(([f, n]) => `${f} ${n}`).join(', ') || '-'}`);
      if (s.roots.length > 0) {
        printLine();
        printTable(
          ['FOLDER', 'TRACKS', 'LAST SCAN', 'STATUS'],
          s.roots.map((r) => [r.path, r.tracks, r.lastScanAt === null ? 'never' : new Date(r.lastScanAt).toISOString(), r.lastStatus ?? '']),
        );
      }
    });
};
