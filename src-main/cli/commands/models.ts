import type { RegisterCommand } from './index.js';
import { EarmarkError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { baseModelRows, listBaseModels } from '../../model/registry.js';
import { installBaseModel } from '../../model/install.js';
import { printJson, printLine, printTable } from '../output.js';

interface InstallFlags {
  readonly from?: string;
  readonly url?: string;
}

export const register: RegisterCommand = (program, getContext) => {
  const models = program.command('models').description('base models: list the known ones, install one');

  models
    .command('list')
    .description('list the base models Earmark knows and whether each is installed and active')
    .action(() => {
      const ctx = getContext();
      const known = listBaseModels(ctx.env, ctx.db);
      const installed = baseModelRows(ctx.db).map((r) => ({ id: r.id, version: r.version, dir: r.path, sha256: r.sha256, installedAt: new Date(r.installed_at).toISOString(), active: r.active === 1 }));
      if (ctx.json) {
        printJson({ models: known, installed });
        return;
      }
      printTable(
        ['ID', 'VERSION', 'INSTALLED', 'ACTIVE', 'SIZE', 'LICENSE', 'NAME'],
        known.map((m) => [m.id, m.version, m.installed ? 'yes' : 'no', m.active === true ? 'yes' : '', `${(m.sizeBytes / 1e6).toFixed(1)} MB`, m.license, m.name]),
      );
      const others = installed.filter((r) => !known.some((m) => m.id === r.id && m.version === r.version));
      if (others.length > 0) {
        printLine();
        printLine('Also recorded as installed:');
        printTable(['ID', 'VERSION', 'ACTIVE', 'DIR'], others.map((r) => [r.id, r.version, r.active ? 'yes' : '', r.dir]));
      }
      if (!known.some((m) => m.installed)) {
        printLine();
        printLine('No base model installed: run "earmark models install" (or "earmark models install --from FILE").');
      }
    });

  models
    .command('install')
    .description('download (or take from --from) a base model\'s weights, verify size and sha256, convert and install them')
    .argument('[id]', 'model id (default: choi-crnn-msd)')
    .option('--from <file>', 'install from a local copy of the upstream weights file instead of downloading')
    .option('--url <url>', 'download from this address instead of the manifest\'s (a mirror)')
    .addHelpText(
      'after',
      '\nThe download address can also be redirected to a mirror folder with EARMARK_MODEL_BASE_URL.\n' +
        'Examples:\n  earmark models install\n  earmark models install choi-crnn-msd --from ~/Downloads/music_tagger_crnn_weights_tensorflow.h5',
    )
    .action(async (id: string | undefined, flags: InstallFlags) => {
      const ctx = getContext();
      const progress = terminalProgress();
      const abort = new AbortController();
      const onSigint = (): void => {
        abort.abort();
      };
      process.once('SIGINT', onSigint);
      try {
        const result = await installBaseModel(ctx.db, {
          ...(id === undefined ? {} : { id }),
          ...(flags.from === undefined ? {} : { fromFile: flags.from }),
          ...(flags.url === undefined ? {} : { url: flags.url }),
          env: ctx.env,
          signal: abort.signal,
          onProgress: progress,
        });
        progress.end();
        if (ctx.json) {
          printJson(result);
          return;
        }
        printLine(`Installed ${result.id} ${result.version}${result.replaced ? ' (replacing the previous copy)' : ''}`);
        printLine(`  from   ${result.from}`);
        printLine(`  sha256 ${result.sha256} (verified)`);
        printLine(`  into   ${result.dir}`);
      } catch (err) {
        if (err instanceof EarmarkError && err.code === 'download') {
          throw new EarmarkError('download', `${err.message} (without network access: earmark models install --from FILE)`, { cause: err });
        }
        throw err;
      } finally {
        progress.end();
        process.removeListener('SIGINT', onSigint);
      }
    });
};
