import type { RegisterCommand } from './index.js';
import type { CliContext } from '../context.js';
import type { AnalysisResult } from '../../analysis/run-analysis.js';
import { analysisStatus } from '../../analysis/status.js';
import { formatDuration, terminalProgress } from '../../core/progress.js';
import { UsageError } from '../../core/errors.js';
import { printJson, printLine } from '../output.js';

function parseCount(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min}, not ${value}`);
  return n;
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

function printResult(r: AnalysisResult): void {
  if (r.total === 0) {
    printLine(`Nothing to analyse: every track is analysed by ${r.modelId} ${r.modelVersion}.`);
    return;
  }
  const lanes = r.workers === 0 ? 'in this thread' : `${r.workers} worker${r.workers === 1 ? '' : 's'}`;
  printLine(
    `Analysed ${r.analysed} of ${r.total} tracks (${r.segments} segments, ${formatDuration(r.audioSec)} of audio) in ${formatDuration(r.wallSec)} ` +
      `with ${r.modelId} ${r.modelVersion} on ${r.backend ?? '?'}${r.conv === null || r.conv === 'tfjs' ? '' : ` + ${r.conv}`}, ${lanes}.`,
  );
  if (r.failed > 0) {
    printLine(`${r.failed} track${r.failed === 1 ? '' : 's'} failed (recorded; \`earmark analyze --retry-errors\` tries again):`);
    for (const e of r.errors) printLine(`  ${e.message}`);
  }
}

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('analyze')
    .description('run the base tagger on every track not yet analysed by the installed model version (resumable: stop at any time, run again to go on)')
    .option('--workers <n>', 'worker threads (default: the workerThreads setting, all cores); 0 runs in the main thread')
    .option('--retry-errors', 'also retry tracks that failed with this model version')
    .option('--limit <n>', 'analyse at most this many tracks')
    .option('--status', 'only show how many tracks are analysed, pending and failed')
    .action(async (opts: { workers?: string; retryErrors?: boolean; limit?: string; status?: boolean }) => {
      const ctx = getContext();
      const workers = parseCount('--workers', opts.workers, 0);
      const limit = parseCount('--limit', opts.limit, 1);
      if (opts.status) {
        const s = analysisStatus(ctx.db, ctx.env);
        if (ctx.json) {
          printJson(s);
          return;
        }
        printLine(s.model ? `Model: ${s.model.id} ${s.model.version}` : 'Model: none installed (run `earmark models install`)');
        printLine(`Tracks: ${s.tracks}, analysed: ${s.analysed}, pending: ${s.pending}${s.outdated > 0 ? ` (${s.outdated} outdated)` : ''}, errors: ${s.errors}`);
        if (s.storage?.bytesPerTrack != null) printLine(`Storage: ${formatBytes(s.storage.bytesPerTrack)} per analysed track (${s.storage.segments} segments)`);
        return;
      }
      const result = await analyzeWithProgress(ctx, { workers, limit, retryErrors: opts.retryErrors ?? false });
      if (ctx.json) printJson(result);
      else printResult(result);
    });
};

/** Runs the analysis job with terminal progress and Ctrl-C handling; shared by `analyze` and `scan --analyze`. */
export async function analyzeWithProgress(
  ctx: CliContext,
  opts: { workers?: number | undefined; limit?: number | undefined; retryErrors: boolean },
): Promise<AnalysisResult> {
  // Loaded here, not at the top: it pulls in TensorFlow.js, which every
  // other command (and --status) would otherwise pay for at start-up.
  const { runAnalysis } = await import('../../analysis/run-analysis.js');
  const progress = terminalProgress(process.stderr);
  // Ctrl-C (or a TERM) abandons the tracks in flight, kills their ffmpeg
  // and stops the workers; finished tracks stay stored and the next run
  // goes on from there. A second Ctrl-C gets Node's default: exit now.
  const abort = new AbortController();
  const onSignal = (): void => { abort.abort(); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result: AnalysisResult;
  try {
    result = await runAnalysis(ctx.db, {
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
      ...(opts.limit === undefined ? {} : { limit: opts.limit }),
      retryErrors: opts.retryErrors,
      signal: abort.signal,
      onProgress: progress,
      env: ctx.env,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.end();
  }
  return result;
}

export { printResult as printAnalysisResult };
