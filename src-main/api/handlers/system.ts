/** Jobs, analysis, settings, the base model, doctor and app info. */
import { createRequire } from 'node:module';
import path from 'node:path';
import { getSettings, setSetting, type Settings } from '../../core/settings.js';
import { packageRoot } from '../../core/paths.js';
import { listBaseModels, installedBaseModel, baseModelRows, readManifest, DEFAULT_MODEL_ID } from '../../model/registry.js';
import { CliContext } from '../../cli/context.js';
import type { Handlers } from '../dispatcher.js';
import { plural } from './shared.js';

const appVersion = ((): string => {
  try {
    const pkg = createRequire(import.meta.url)(path.join(packageRoot, 'package.json')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const systemHandlers = {
  listJobs: (_input, ctx) => ctx.jobs.list(),
  getJob: (input, ctx) => ctx.jobs.get(input.id),
  pauseJob: (input, ctx) => ctx.jobs.pause(input.id),
  resumeJob: (input, ctx) => ctx.jobs.resume(input.id),
  cancelJob: (input, ctx) => ctx.jobs.cancel(input.id),
  jobErrors: (input, ctx) => ctx.jobs.errors(input.id, input.offset, input.limit),

  startAnalysis: (input, ctx) =>
    ctx.jobs.start(
      'analysis',
      async (run) => {
        // TensorFlow.js loads on first use, not when a door starts (seconds on a slow machine).
        const { startAnalysis } = await import('../../analysis/run-analysis.js');
        const job = startAnalysis(ctx.db, {
          signal: run.signal,
          env: ctx.env,
          retryErrors: input.retryErrors,
          onProgress: (p) => {
            run.progress(p);
          },
          onTrackDone: (t) => {
            if (t.status === 'error') run.itemError({ path: t.path, trackId: t.trackId, error: t.error ?? 'analysis failed' });
            run.tracksChanged([t.trackId]);
          },
        });
        run.pausable(job);
        const r = await job.done;
        return `${plural(r.analysed, 'track')} analysed, ${r.failed} failed, ${plural(r.segments, 'segment')} (${r.backend ?? 'no'} backend)`;
      },
      { canPause: true },
    ),

  getSettings: (_input, ctx) => getSettings(ctx.db, ctx.env),

  updateSettings: (input, ctx) => {
    const keys = ['ffmpegPath', 'workerThreads', 'maxSegmentsPerTrack', 'backend'] as const satisfies readonly (keyof Settings)[];
    ctx.db.transaction(() => {
      for (const k of keys) {
        const v = input[k];
        if (v !== undefined) setSetting(ctx.db, k, v);
      }
    })();
    const settings = getSettings(ctx.db, ctx.env);
    ctx.events.emit('settingsChanged', { settings });
    return settings;
  },

  modelStatus: async (_input, ctx) => {
    const { backendReport } = await import('../../model/backend.js');
    const active = installedBaseModel(ctx.db, ctx.env);
    const row = active ? baseModelRows(ctx.db).find((r) => r.id === active.id && r.version === active.version) : undefined;
    return {
      installed: active && row ? { id: active.id, version: active.version, path: active.dir, sha256: row.sha256, installedAt: row.installed_at } : null,
      available: listBaseModels(ctx.env, ctx.db).map((m) => ({ id: m.id, version: m.version, title: m.name, tags: [...readManifest(m.id).tags], sizeBytes: m.sizeBytes, downloadable: m.url !== '' })),
      backend: backendReport()?.backend ?? null,
    };
  },

  installModel: (input, ctx) => {
    const source = input.source;
    const id = source.kind === 'download' ? (source.modelId ?? DEFAULT_MODEL_ID) : DEFAULT_MODEL_ID;
    return ctx.jobs.start(
      'modelInstall',
      async (run) => {
        const { installBaseModel } = await import('../../model/install.js');
        const r = await installBaseModel(ctx.db, {
          id,
          ...(source.kind === 'file' ? { fromFile: source.path } : {}),
          signal: run.signal,
          env: ctx.env,
          onProgress: (p) => {
            run.progress(p);
          },
        });
        ctx.events.emit('libraryChanged', { reason: 'modelInstall' });
        return `installed ${r.id} ${r.version} from ${r.source === 'file' ? r.from : 'the download'}`;
      },
      { label: 'install model' },
    );
  },

  doctor: async (_input, ctx) => {
    // The doctor report is the CLI's; it opens its own connection to the same file.
    const { doctorReport } = await import('../../cli/commands/doctor.js');
    const cli = new CliContext({ db: ctx.dbPath }, ctx.env);
    try {
      const r = await doctorReport(cli);
      const fail = (c: { ok: boolean; error?: string }, detail: string) => (c.ok ? detail : (c.error ?? 'failed'));
      return [
        { name: 'node', ok: r.node.ok, detail: `Node ${r.node.version} (needs ${r.node.required})` },
        { name: 'database', ok: r.db.ok, detail: fail(r.db, r.db.ok ? `schema ${r.db.schemaVersion}, ${r.db.sizeBytes} bytes at ${r.dbPath}` : '') },
        { name: 'ffmpeg', ok: r.ffmpeg.ok, detail: fail(r.ffmpeg, r.ffmpeg.ok ? `${r.ffmpeg.path} ${r.ffmpeg.version} (${r.ffmpeg.source})` : '') },
        { name: 'backend', ok: r.backend.ok, detail: fail(r.backend, r.backend.ok ? `${r.backend.name}: ${r.backend.reason}` : '') },
        { name: 'model', ok: r.model.ok, detail: fail(r.model, r.model.ok ? `${r.model.id} ${r.model.version}` : '') },
      ];
    } finally {
      cli.close();
    }
  },

  appInfo: (_input, ctx) => ({ version: appVersion, dataDir: ctx.dataDir, dbPath: ctx.dbPath, door: ctx.door }),
} satisfies Partial<Handlers>;
