import type { RegisterCommand } from './index.js';
import { UsageError } from '../../core/errors.js';
import { printJson, printLine, printTable } from '../output.js';
import { suggestTracks } from '../../tags/suggest.js';

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('suggest <tag>')
    .description('which tracks to label next to learn TAG fastest: those the model is least sure about, spread over the library (before training: similar to your yes labels, or a spread)')
    .option('-n, --count <n>', 'how many', '10')
    .action((tag: string, opts: { count: string }) => {
      const ctx = getContext();
      if (!/^\d+$/.test(opts.count.trim())) throw new UsageError(`-n must be a whole number, not ${opts.count}`);
      const list = suggestTracks(ctx.db, tag, { count: Number(opts.count) });
      if (ctx.json) {
        printJson(list);
        return;
      }
      if (list.length === 0) {
        printLine('Nothing to suggest: no unlabelled analysed tracks (run `earmark analyze`).');
        return;
      }
      printTable(
        ['ID', 'PROBABILITY', 'WHY', 'TITLE', 'ARTIST', 'PATH'],
        list.map((s) => [s.trackId, s.probability === null ? '-' : s.probability.toFixed(3), s.reason, s.title, s.artist, s.path]),
      );
      printLine(`Label them with \`earmark label ${JSON.stringify(tag)} ID...\` (add --no for no).`);
    });
};
