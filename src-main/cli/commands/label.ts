import type { RegisterCommand } from './index.js';
import { UsageError } from '../../core/errors.js';
import { printJson, printLine } from '../output.js';
import { clearLabels, labelCounts, resolveTrackRef, setLabels } from '../../tags/labels.js';

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('label <tag> [tracks...]')
    .description('label tracks (ids or paths) yes for TAG, or no with --no; --clear removes labels; --query labels what a search finds. Every label is written durably.')
    .option('--no', 'label as no (not TAG)')
    .option('--clear', 'remove the labels of these tracks for TAG')
    .option('--query <query>', 'label every track the search query finds (see `earmark search`)')
    .option('--create', 'create TAG if it does not exist')
    .action(async (tagName: string, refs: string[], opts: { no?: boolean; clear?: boolean; query?: string; create?: boolean }) => {
      const ctx = getContext();
      const value = opts.no === true ? 'no' : 'yes';
      if (opts.clear && opts.no === true) throw new UsageError('--clear and --no do not go together');
      let ids: number[];
      if (opts.query !== undefined) {
        if (refs.length > 0) throw new UsageError('give tracks or --query, not both');
        const { searchTrackIds } = await import('../../search/index.js');
        ids = searchTrackIds(ctx.db, opts.query);
        if (ids.length === 0) throw new UsageError(`the query ${JSON.stringify(opts.query)} finds no tracks; nothing labelled`);
      } else {
        if (refs.length === 0) throw new UsageError('name at least one track (an id or a path), or use --query');
        ids = refs.map((r) => resolveTrackRef(ctx.db, r));
      }
      const r = opts.clear ? clearLabels(ctx.db, tagName, ids) : setLabels(ctx.db, tagName, ids, value, { create: opts.create ?? false });
      const counts = labelCounts(ctx.db, r.tag.id);
      if (ctx.json) {
        printJson({ tag: r.tag.name, value: r.value, tracks: ids, changed: r.count, createdTag: r.createdTag, labels: counts });
        return;
      }
      if (r.createdTag) printLine(`Created tag "${r.tag.name}".`);
      printLine(
        opts.clear
          ? `Cleared ${r.count} label${r.count === 1 ? '' : 's'} of "${r.tag.name}".`
          : `Labelled ${r.count} track${r.count === 1 ? '' : 's'} ${value} for "${r.tag.name}".`,
      );
      printLine(`"${r.tag.name}" now has ${counts.yes} yes and ${counts.no} no labels.`);
    });
};
