import type { RegisterCommand } from './index.js';
import { UsageError } from '../../core/errors.js';
import { terminalProgress } from '../../core/progress.js';
import { printJson, printLine, printTable } from '../output.js';

const fmt = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x.toFixed(3));

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('train [tags...]')
    .description('learn your tags from your labels (all tags, or the ones named): cross-validates a GRU over segment sequences against a logistic-regression baseline per tag, keeps the better, then refreshes every prediction. Ctrl-C cancels; the previous model stays active.')
    .option('--seed <n>', 'random seed: the same seed and labels give the same model and metrics', '42')
    .option('--baseline-only', 'skip the GRU (fast; logistic regression only)')
    .action(async (names: string[], opts: { seed: string; baselineOnly?: boolean }) => {
      const ctx = getContext();
      if (!/^\d+$/.test(opts.seed.trim())) throw new UsageError(`--seed must be a non-negative whole number, not ${opts.seed}`);
      const { trainTagModels } = await import('../../tags/train.js');
      const controller = new AbortController();
      const onSigint = () => { controller.abort(); };
      process.once('SIGINT', onSigint);
      const progress = terminalProgress();
      try {
        const r = await trainTagModels(ctx.db, {
          tags: names,
          seed: Number(opts.seed),
          dataDir: ctx.dataDir,
          settings: opts.baselineOnly ? { noGru: true } : {},
          signal: controller.signal,
          onProgress: progress,
        });
        progress.end();
        if (ctx.json) {
          printJson(r);
          return;
        }
        for (const s of r.skipped) printLine(`Skipped "${s.name}": ${s.reason}.`);
        if (r.modelId === null) {
          printLine(r.previousModelId === null ? 'Nothing trained.' : `Nothing trained; model ${r.previousModelId} stays active.`);
          return;
        }
        printTable(
          ['TAG', 'MODEL', 'ROC-AUC', 'PR-AUC', 'F1', 'THRESHOLD', 'YES', 'NO', 'GRU PR-AUC', 'BASELINE PR-AUC'],
          r.trained.map((q) => [q.name, q.chosen, fmt(q.rocAuc), fmt(q.prAuc), fmt(q.f1), fmt(q.threshold), q.nYes, q.nNo, fmt(q.details.candidates.gru?.prAuc), fmt(q.details.candidates.logreg.prAuc)]),
        );
        if (r.carried.length > 0) printLine(`Kept from the previous model: ${r.carried.join(', ')}.`);
        printLine(`Model ${r.modelId} is active (cross-validated figures above); predictions refreshed for ${r.predictedTracks} tracks.`);
      } finally {
        progress.end();
        process.removeListener('SIGINT', onSigint);
      }
    });
};
