import type { RegisterCommand } from './index.js';
import { UsageError } from '../../core/errors.js';
import { printJson, printLine, printTable } from '../output.js';
import { createTag, deleteTag, mergeTags, renameTag, restoreTag, setThresholdOverride } from '../../tags/vocabulary.js';
import { listTags, summarise, type TagSummary } from '../../tags/quality.js';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '-' : x.toFixed(digits));

function printSummaries(list: readonly TagSummary[]): void {
  if (list.length === 0) {
    printLine('No tags yet: `earmark tags create NAME`, then `earmark label NAME TRACK...`.');
    return;
  }
  printTable(
    ['TAG', 'YES', 'NO', 'MODEL', 'ROC-AUC', 'PR-AUC', 'F1', 'THRESHOLD', 'STATUS'],
    list.map((t) => [
      t.name,
      t.labels.yes,
      t.labels.no,
      t.quality?.chosen ?? '-',
      fmt(t.quality?.rocAuc),
      fmt(t.quality?.prAuc),
      fmt(t.quality?.f1),
      t.threshold.value === null ? '-' : `${t.threshold.value.toFixed(3)}${t.threshold.source === 'override' ? ' (set)' : ''}`,
      t.deleted ? (t.mergedInto ? `deleted (merged into ${t.mergedInto})` : 'deleted') : t.quality ? 'trained' : 'untrained',
    ]),
  );
}

export const register: RegisterCommand = (program, getContext) => {
  const tags = program.command('tags').description('your own tags: create, rename, merge, delete, restore, list, set thresholds');

  tags
    .command('create <name>')
    .description('create a tag (names are trimmed and compared case-insensitively, Unicode-aware)')
    .action((name: string) => {
      const ctx = getContext();
      const tag = createTag(ctx.db, name);
      if (ctx.json) printJson(summarise(ctx.db, tag));
      else printLine(`Created tag "${tag.name}".`);
    });

  tags
    .command('rename <old> <new>')
    .description('rename a tag (labels and models follow it)')
    .action((oldName: string, newName: string) => {
      const ctx = getContext();
      const tag = renameTag(ctx.db, oldName, newName);
      if (ctx.json) printJson(summarise(ctx.db, tag));
      else printLine(`Renamed to "${tag.name}".`);
    });

  tags
    .command('merge <from> <into>')
    .description("merge FROM into INTO: FROM's labels are copied to INTO where INTO has none (on a conflict INTO's label is kept); FROM is deleted, restorable")
    .action((from: string, into: string) => {
      const ctx = getContext();
      const r = mergeTags(ctx.db, from, into);
      if (ctx.json) {
        printJson({ from: r.from.name, into: r.into.name, copied: r.copied, agreed: r.agreed, conflicts: r.conflicts });
        return;
      }
      printLine(`Merged "${r.from.name}" into "${r.into.name}": ${r.copied} labels copied, ${r.agreed} already agreed, ${r.conflicts.length} conflicts (kept "${r.into.name}"'s label).`);
      for (const c of r.conflicts) printLine(`  track ${c.trackId}: "${r.from.name}" said ${c.fromValue}, "${r.into.name}" says ${c.intoValue} (kept)`);
      printLine(`"${r.from.name}" is deleted; \`earmark tags restore ${JSON.stringify(r.from.name)}\` brings it back with its own labels.`);
    });

  tags
    .command('delete <name>')
    .description('delete a tag; it and its labels stay restorable (`tags restore`)')
    .action((name: string) => {
      const ctx = getContext();
      const tag = deleteTag(ctx.db, name);
      if (ctx.json) printJson(summarise(ctx.db, tag));
      else printLine(`Deleted "${tag.name}" (restore with \`earmark tags restore ${JSON.stringify(tag.name)}\`).`);
    });

  tags
    .command('restore <name>')
    .description('bring back a deleted (or merged) tag with its labels')
    .action((name: string) => {
      const ctx = getContext();
      const tag = restoreTag(ctx.db, name);
      if (ctx.json) printJson(summarise(ctx.db, tag));
      else printLine(`Restored "${tag.name}".`);
    });

  tags
    .command('list')
    .description('tags with label counts and cross-validated quality (--json: learning curves and both candidate models too)')
    .option('--deleted', 'include deleted tags')
    .action((opts: { deleted?: boolean }) => {
      const ctx = getContext();
      const list = listTags(ctx.db, { includeDeleted: opts.deleted ?? false });
      if (ctx.json) printJson(list);
      else printSummaries(list);
    });

  tags
    .command('threshold <tag> [value]')
    .description('set the probability above which TAG counts as yes (0 < VALUE < 1), or --auto to use the trained one')
    .option('--auto', 'clear the override: use the threshold chosen in training (max cross-validated F1)')
    .action((name: string, value: string | undefined, opts: { auto?: boolean }) => {
      const ctx = getContext();
      if (opts.auto === true && value !== undefined) throw new UsageError('give either a VALUE or --auto, not both');
      if (opts.auto !== true && value === undefined) throw new UsageError('give a VALUE between 0 and 1, or --auto');
      const v = opts.auto === true ? null : Number(value);
      if (v !== null && !/^\s*(0?\.\d+|0|1|\d*\.\d+e-?\d+)\s*$/i.test(value!)) throw new UsageError(`threshold must be a number between 0 and 1, not ${value}`);
      const tag = setThresholdOverride(ctx.db, name, v);
      const s = summarise(ctx.db, tag);
      if (ctx.json) printJson(s);
      else printLine(s.threshold.value === null ? `"${tag.name}": automatic threshold (not trained yet).` : `"${tag.name}": threshold ${s.threshold.value.toFixed(3)} (${s.threshold.source}).`);
    });
};
