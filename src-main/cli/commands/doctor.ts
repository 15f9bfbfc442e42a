import fs from 'node:fs';
import os from 'node:os';
import type { RegisterCommand } from './index.js';
import type { CliContext } from '../context.js';
import { locateFfmpeg, type FfmpegInfo } from '../../audio/ffmpeg-locate.js';
import { EarmarkError, errorMessage } from '../../core/errors.js';
import { defaultSettings, getSettings, type Settings } from '../../core/settings.js';
import { schemaVersion } from '../../db/database.js';
import { baseModelRows, installedBaseModel } from '../../model/registry.js';
import { readStoredModel } from '../../model/stored-model.js';
import { printJson, printLine } from '../output.js';

const MIN_NODE_MAJOR = 22;

type Check<T> = ({ ok: true } & T) | { ok: false; error: string };

export interface DoctorReport {
  readonly ok: boolean;
  /** One line per essential thing that is missing or broken. */
  readonly problems: readonly string[];
  readonly node: { version: string; ok: boolean; required: string };
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly dataDir: string;
  readonly dbPath: string;
  readonly db: Check<{ schemaVersion: number; sizeBytes: number }>;
  readonly ffmpeg: Check<FfmpegInfo>;
  readonly backend: Check<{ name: string; preference: string; reason: string; wasmSimd: boolean | null; conv: string }>;
  readonly model: Check<{ id: string; version: string; dir: string; weightsVerified: boolean }>;
  readonly installedModels: readonly { id: string; version: string; dir: string; active: boolean }[];
}

/** Collects the report; never throws (each part records its own error). */
export async function doctorReport(ctx: CliContext): Promise<DoctorReport> {
  const problems: string[] = [];
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const node = { version: process.versions.node, ok: nodeMajor >= MIN_NODE_MAJOR, required: `>=${MIN_NODE_MAJOR}` };
  if (!node.ok) problems.push(`Node ${node.version} is too old: Earmark needs Node ${node.required}`);

  let settings: Settings = { ...defaultSettings };
  let db: DoctorReport['db'];
  try {
    const version = schemaVersion(ctx.db);
    settings = getSettings(ctx.db, ctx.env);
    db = { ok: true, schemaVersion: version, sizeBytes: fs.existsSync(ctx.dbPath) ? fs.statSync(ctx.dbPath).size : 0 };
  } catch (err) {
    db = { ok: false, error: errorMessage(err) };
    problems.push(`database: ${db.error}`);
  }

  let ffmpeg: DoctorReport['ffmpeg'];
  try {
    ffmpeg = { ok: true, ...locateFfmpeg({ configuredPath: settings.ffmpegPath, env: ctx.env }) };
  } catch (err) {
    ffmpeg = { ok: false, error: errorMessage(err) };
    problems.push(ffmpeg.error);
  }

  let backend: DoctorReport['backend'];
  try {
    // Loaded here, not at the top: TensorFlow.js takes a while to import and
    // every other command would pay for it.
    const { backendReport, initBackend } = await import('../../model/backend.js');
    const { chooseConvKernel } = await import('../../model/tagger.js');
    const { winogradUnavailableReason } = await import('../../model/winograd/winograd-conv.js');
    const name = await initBackend(settings.backend, ctx.env);
    const r = backendReport();
    const unavailable = winogradUnavailableReason();
    const conv =
      chooseConvKernel(name, 'auto', ctx.env) === 'winograd'
        ? 'winograd: WebAssembly SIMD kernel for conv blocks 2-4'
        : `tfjs conv2d${unavailable === '' ? '' : ` (the Winograd kernel is unavailable: ${unavailable})`}`;
    backend = { ok: true, name, preference: r?.preference ?? settings.backend, reason: r?.reason ?? '', wasmSimd: r?.wasmSimd ?? null, conv };
  } catch (err) {
    backend = { ok: false, error: errorMessage(err) };
    problems.push(`TensorFlow.js backend: ${backend.error}`);
  }

  let model: DoctorReport['model'];
  let installedModels: DoctorReport['installedModels'] = [];
  if (db.ok) {
    try {
      installedModels = baseModelRows(ctx.db).map((r) => ({ id: r.id, version: r.version, dir: r.path, active: r.active === 1 }));
      const active = installedBaseModel(ctx.db, ctx.env);
      if (active === null) {
        model = { ok: false, error: installedModels.length > 0 ? 'the active base model\'s files are missing: run "earmark models install"' : 'no base model installed: run "earmark models install"' };
      } else {
        // Reading checks the weights' size and checksum (cheap: 1.6 MB).
        readStoredModel(active.dir);
        model = { ok: true, id: active.id, version: active.version, dir: active.dir, weightsVerified: true };
      }
    } catch (err) {
      model = { ok: false, error: errorMessage(err) };
    }
  } else {
    model = { ok: false, error: 'database unavailable' };
  }
  if (!model.ok) problems.push(`base model: ${model.error}`);

  return {
    ok: problems.length === 0,
    problems,
    node,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    dataDir: ctx.dataDir,
    dbPath: ctx.dbPath,
    db,
    ffmpeg,
    backend,
    model,
    installedModels,
  };
}

const mark = (ok: boolean): string => (ok ? 'ok  ' : 'FAIL');

export const register: RegisterCommand = (program, getContext) => {
  program
    .command('doctor')
    .description('check what Earmark needs: Node, database, ffmpeg, TensorFlow.js backend, base model (exit 1 if something essential is missing)')
    .action(async () => {
      const ctx = getContext();
      const r = await doctorReport(ctx);
      if (ctx.json) {
        printJson(r);
      } else {
        printLine(`${mark(r.node.ok)}  node      ${r.node.version} (${r.platform} ${r.arch}, ${r.cpus} cores; needs ${r.node.required})`);
        printLine(`      data dir  ${r.dataDir}`);
        printLine(`${mark(r.db.ok)}  database  ${r.dbPath}${r.db.ok ? ` (schema ${r.db.schemaVersion}, ${(r.db.sizeBytes / 1e6).toFixed(1)} MB)` : `: ${r.db.error}`}`);
        if (r.ffmpeg.ok) {
          printLine(`${mark(true)}  ffmpeg    ${r.ffmpeg.path} (${r.ffmpeg.version}, from ${r.ffmpeg.source})`);
          for (const s of r.ffmpeg.skipped ?? []) printLine(`          skipped ${s}`);
        } else printLine(`${mark(false)}  ffmpeg    ${r.ffmpeg.error}`);
        printLine(r.backend.ok ? `${mark(true)}  backend   ${r.backend.name}: ${r.backend.reason}` : `${mark(false)}  backend   ${r.backend.error}`);
        if (r.backend.ok) printLine(`      conv      ${r.backend.conv}`);
        printLine(r.model.ok ? `${mark(true)}  model     ${r.model.id} ${r.model.version} in ${r.model.dir} (weights verified)` : `${mark(false)}  model     ${r.model.error}`);
        for (const m of r.installedModels.filter((x) => !x.active)) printLine(`          also installed: ${m.id} ${m.version} (${m.dir})`);
      }
      if (!r.ok) throw new EarmarkError('doctor', `doctor found ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: ${r.problems.join('; ')}`);
    });
};
