import type { RegisterCommand } from './index.js';
import { scanLibrary, type ScanResult } from '../../library/index.js';
import { terminalProgress } from '../../core/progress.js';
import { UsageError } from '../../core/errors.js';
import { printJson, printLine } from '../output.js';
import { analyzeWithProgress, printAnalysisResult } from './analyze.js';

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('scan')
    .description('add folders to the library and scan them; with no folder, rescan every library folder')
    .argument('[folders...]', 'music folders to add (remembered for later scans)')
    .option('--timeout <seconds>', 'give up reading one file\'s metadata after this long', '30')
    .option('--analyze', 'then run the base tagger on every track not yet analysed (as `earmark analyze`)')
    .action(async (folders: string[], opts: { timeout: string; analyze?: boolean }) => {
      const timeoutSec = Number(opts.timeout);
      if (!Number.isFinite(timeoutSec) || timeoutSec <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not ${opts.timeout}`);
      const ctx = getContext();
      const progress = terminalProgress(process.stderr);
      // Ctrl-C stops cleanly: what was read so far is kept, the next scan goes on from there.
      const abort = new AbortController();
      const onSigint = (): void => { abort.abort(); };
      process.once('SIGINT', onSigint);
      let result: ScanResult;
      try {
        result = await scanLibrary(ctx.db, { roots: folders, signal: abort.signal, onProgress: progress, timeoutMs: timeoutSec * 1000 });
      } finally {
        process.off('SIGINT', onSigint);
        progress.end();
      }
      for (const w of result.warnings) process.stderr.write(`earmark: warning: ${w}\n`);
      if (opts.analyze) {
        const analysis = await analyzeWithProgress(ctx, { retryErrors: false });
        if (ctx.json) printJson({ scan: result, analysis });
        else {
          printScanResult(result);
          printAnalysisResult(analysis);
        }
        return;
      }
      if (ctx.json) {
        printJson(result);
        return;
      }
      printScanResult(result);
    });
};

function printScanResult(result: ScanResult): void {
  printLine(
    `Scanned ${result.files} audio files in ${result.roots.filter((r) => r.status === 'ok').length} of ${result.roots.length} folders in ${result.durationSec.toFixed(1)} s: ` +
      `${result.added} new, ${result.updated} updated, ${result.moved} moved, ${result.unchanged} unchanged, ${result.missing} newly missing, ${result.errors} errors.`,
  );
  if (result.errors > 0) printLine('See `earmark errors` for the files that could not be read.');
}
