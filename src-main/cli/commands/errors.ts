import type { RegisterCommand } from './index.js';
import { listErrors } from '../../library/index.js';
import { printJson, printLine } from '../output.js';

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('errors')
    .description('list files the last scans could not read, and why')
    .action(() => {
      const ctx = getContext();
      const errors = listErrors(ctx.db);
      if (ctx.json) {
        printJson(errors);
        return;
      }
      if (errors.length === 0) printLine('No errors.');
      // One line per problem, path first; newlines in names are escaped so each stays on one line.
      for (const e of errors) printLine(`${e.path.replace(/\n/g, '\\n')}: ${e.error}`);
    });
};
