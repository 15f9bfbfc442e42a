/**
 * Benchmark of the user-tag models.
 *
 * Quality (real music): a library made of four Debian game soundtracks
 * (Wesnoth, SuperTux, Hedgewars, HyperRogue), analysed once by the real
 * analysis job into a cached database under .cache/tags-bench/. A tag means
 * "sounds like this soundtrack". For k = 2, 4, 8, 16 yes labels (and as
 * many no, drawn from the other soundtracks), 5 random draws per soundtrack:
 * ROC-AUC and PR-AUC on every unlabelled track, for the GRU, the baseline
 * and the per-tag choice made by cross-validation. Table on stdout, JSON in
 * bench-results/tags.json, chart in bench-results/tags.png.
 *
 * Speed (synthetic embeddings of the real dimension): retrain with 1,000
 * labelled tracks (3 tags) and refresh predictions for a 10,000-track
 * library, through `trainTagModels` exactly as `earmark train` runs it.
 *
 *   npm run bench:tags
 *   EARMARK_BENCH_TAGS_PART=speed|quality   (one part only)
 *   EARMARK_BENCH_TAGS_LIBRARY=2000 EARMARK_BENCH_TAGS_LABELLED=200   (a smaller speed run)
 *   EARMARK_BENCH_TAGS_MAX_SEGMENTS=3       (segments analysed per track for the quality library; default 8)
 *   EARMARK_BENCH_TAGS_PER_SOUNDTRACK=18    (a balanced subset per soundtrack; default all)
 *   EARMARK_BENCH_TAGS_DRAWS=3              (random label draws per soundtrack and k; default 5)
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { installBaseModel } from '../../src-main/model/install.js';
import { runAnalysis } from '../../src-main/analysis/run-analysis.js';
import { scanLibrary } from '../../src-main/library/scan.js';
import { setSetting } from '../../src-main/core/settings.js';
import { activeBaseModelId, analysedTrackIds, segmentsReader } from '../../src-main/tags/dataset.js';
import { runTraining } from '../../src-main/tags/trainer.js';
import { parallelRunner } from '../../src-main/tags/gru-runner.js';
import { predictPart } from '../../src-main/tags/inference.js';
import { ensureTagBackend } from '../../src-main/tags/tf-backend.js';
import { rocAuc, prAuc } from '../../src-main/tags/metrics.js';
import { Rng } from '../../src-main/tags/rng.js';
import { createTag } from '../../src-main/tags/vocabulary.js';
import { setLabels } from '../../src-main/tags/labels.js';
import { trainTagModels } from '../../src-main/tags/train.js';
import type { ModelKind, ModelPart } from '../../src-main/tags/types.js';
import { repoRoot, sharedDir } from '../helpers/tmp.js';
import { addSyntheticLibrary, labelByClass } from '../tags/fixtures.js';

const part = process.env.EARMARK_BENCH_TAGS_PART ?? 'all';
const outDir = path.join(repoRoot, 'bench-results');
const cacheDir = path.join(repoRoot, '.cache', 'tags-bench');
/** Tracks per soundtrack (evenly spread over each soundtrack's sorted files; default all) and segments analysed per track. */
const perSoundtrack = Number(process.env.EARMARK_BENCH_TAGS_PER_SOUNDTRACK ?? 0) || Infinity;
const maxSegments = Number(process.env.EARMARK_BENCH_TAGS_MAX_SEGMENTS ?? 8);
const KS = [2, 4, 8, 16] as const;
const DRAWS = Number(process.env.EARMARK_BENCH_TAGS_DRAWS ?? 5);

const SOUNDTRACKS: { name: string; dir: string }[] = [
  { name: 'wesnoth', dir: '/usr/share/games/wesnoth/1.16/data/core/music' },
  { name: 'supertux', dir: '/usr/share/games/supertux2/music' },
  { name: 'hedgewars', dir: '/usr/share/games/hedgewars/Data/Music' },
  { name: 'hyperrogue', dir: '/usr/share/hyperrogue/music' },
];

type Kind = ModelKind | 'choice';
interface Cell {
  k: number;
  kind: Kind;
  rocAuc: number;
  prAuc: number;
  n: number;
}

/** The soundtrack files of the library: symlinks in one folder per soundtrack under the cache (so a subset can be chosen). */
function libraryFolder(root: string): string[] {
  const roots: string[] = [];
  for (const s of SOUNDTRACKS) {
    if (!fs.existsSync(s.dir)) continue;
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (/\.(ogg|mp3|flac)$/i.test(e.name)) files.push(path.join(d, e.name));
      }
    };
    walk(s.dir);
    const n = Math.min(files.length, perSoundtrack);
    const picked = Array.from({ length: n }, (_, i) => files[Math.floor((i * files.length) / n)]!);
    const dir = path.join(root, s.name);
    fs.mkdirSync(dir, { recursive: true });
    picked.forEach((f, i) => {
      const link = path.join(dir, `${String(i).padStart(3, '0')}-${path.basename(f)}`);
      if (!fs.existsSync(link)) fs.symlinkSync(f, link);
    });
    roots.push(dir);
  }
  return roots;
}

async function analysedLibrary(): Promise<Db> {
  const base = path.join(cacheDir, `library-${Number.isFinite(perSoundtrack) ? perSoundtrack : 'all'}-x${maxSegments}`);
  const file = path.join(base, 'library.db');
  const home = path.join(base, 'home');
  const env: NodeJS.ProcessEnv = { ...process.env, EARMARK_HOME: home };
  fs.mkdirSync(home, { recursive: true });
  const db = openDatabase(file);
  if ((db.prepare('SELECT COUNT(*) FROM tracks').pluck().get() as number) === 0) {
    const roots = libraryFolder(path.join(base, 'music'));
    console.log(`scanning ${roots.length} soundtracks...`);
    await scanLibrary(db, { roots });
  }
  if (!fs.existsSync(path.join(home, 'models'))) {
    await installBaseModel(db, { fromFile: path.join(sharedDir, 'models', 'choi-crnn-msd', 'music_tagger_crnn_weights_tensorflow.h5'), env });
  }
  setSetting(db, 'maxSegmentsPerTrack', maxSegments);
  const t0 = performance.now();
  const r = await runAnalysis(db, { env, onProgress: (p) => process.stdout.write(`\ranalysing: ${p.done}/${p.total ?? '?'}   `) });
  if (r.total > 0) console.log(`\nanalysed ${r.analysed} tracks (${r.segments} segments, ${r.failed} failed) in ${((performance.now() - t0) / 1000).toFixed(0)} s; cached in ${file}`);
  return db;
}

interface Ceiling {
  soundtrack: string;
  nYes: number;
  nNo: number;
  rocAuc: number | null;
  prAuc: number | null;
}

async function quality(): Promise<{ cells: Cell[]; ceiling: Ceiling[] }> {
  const db = await analysedLibrary();
  const baseModelId = activeBaseModelId(db);
  if (!baseModelId) throw new Error('the analysis produced nothing');
  const reader = segmentsReader(db, baseModelId);
  const tracks = analysedTrackIds(db, baseModelId)
    .map((id) => ({ id, path: db.prepare('SELECT path FROM tracks WHERE id = ?').pluck().get(id) as string, seq: reader.read(id) }))
    .filter((t): t is { id: number; path: string; seq: Float32Array } => t.seq !== null);
  const soundtrackOf = (p: string) => SOUNDTRACKS.findIndex((s) => p.includes(`/music/${s.name}/`));
  const byTrack = new Map(tracks.map((t) => [t.id, t]));
  const dim = reader.dim;
  const sample = new Float32Array(Math.min(3000 * dim, tracks.reduce((s, t) => s + t.seq.length, 0)));
  let at = 0;
  for (const t of tracks) {
    const take = Math.min(t.seq.length, sample.length - at);
    sample.set(t.seq.subarray(0, take), at);
    at += take;
  }
  console.log(`library: ${tracks.length} tracks; ${SOUNDTRACKS.map((s, i) => `${s.name} ${tracks.filter((t) => soundtrackOf(t.path) === i).length}`).join(', ')}`);
  const sums = new Map<string, { roc: number; pr: number; n: number }>();
  const choices = new Map<number, Record<ModelKind, number>>();
  const runner = parallelRunner();
  for (const k of KS) {
    for (let s = 0; s < SOUNDTRACKS.length; s++) {
      const pos = tracks.filter((t) => soundtrackOf(t.path) === s).map((t) => t.id);
      const neg = tracks.filter((t) => soundtrackOf(t.path) !== s).map((t) => t.id);
      if (pos.length < k + 2) continue;
      for (let draw = 0; draw < DRAWS; draw++) {
        const rng = Rng.derive(draw * 1000 + k, `draw-${s}`);
        const yes = rng.shuffle([...pos]).slice(0, k);
        const no = rng.shuffle([...neg]).slice(0, k);
        const labels = new Map<number, 0 | 1>([...yes.map((id) => [id, 1] as const), ...no.map((id) => [id, 0] as const)]);
        const out = await runTraining({
          tags: [{ id: 1, name: SOUNDTRACKS[s]!.name, labels }],
          sequences: new Map([...labels.keys()].map((id) => [id, byTrack.get(id)!.seq])),
          dim,
          projectionSample: sample,
          settings: { seed: draw + 1, alwaysFitGru: true, minPerClass: 2, ...(process.env.EARMARK_BENCH_TAGS_COMPONENTS ? { components: Number(process.env.EARMARK_BENCH_TAGS_COMPONENTS) } : {}) },
          gruRunner: runner,
        });
        const p = out.part!;
        const rest = tracks.filter((t) => !labels.has(t.id));
        const truth = rest.map((t) => (soundtrackOf(t.path) === s ? 1 : 0));
        const chosen = p.heads[0]!.chosen;
        const c = choices.get(k) ?? { gru: 0, logreg: 0 };
        c[chosen]++;
        choices.set(k, c);
        for (const kind of ['gru', 'logreg', 'choice'] as const) {
          const forced: ModelPart = { ...p, heads: p.heads.map((h) => ({ ...h, chosen: kind === 'choice' ? chosen : kind })) };
          const pred = predictPart(forced, rest.map((t) => t.seq), false).song.map((r) => r[0]!);
          const key = `${k}/${kind}`;
          const acc = sums.get(key) ?? { roc: 0, pr: 0, n: 0 };
          acc.roc += rocAuc(pred, truth) ?? 0;
          acc.pr += prAuc(pred, truth) ?? 0;
          acc.n++;
          sums.set(key, acc);
        }
      }
    }
    console.log(`k=${k}: done (chosen: ${JSON.stringify(choices.get(k))})`);
  }

  // What labels can buy at all with this embedding: every track labelled, the baseline's
  // 5-fold cross-validated quality. Far below 0.9 means the features, not the label count, limit.
  const ceiling: Ceiling[] = [];
  for (let s = 0; s < SOUNDTRACKS.length; s++) {
    const labels = new Map<number, 0 | 1>(tracks.map((t) => [t.id, soundtrackOf(t.path) === s ? 1 : 0]));
    if (![...labels.values()].some((v) => v === 1)) continue;
    const out = await runTraining({
      tags: [{ id: 1, name: SOUNDTRACKS[s]!.name, labels }],
      sequences: new Map(tracks.map((t) => [t.id, t.seq])),
      dim,
      projectionSample: sample,
      settings: { seed: 1, noGru: true },
    });
    const q = out.quality[0]!;
    ceiling.push({ soundtrack: SOUNDTRACKS[s]!.name, nYes: q.nYes, nNo: q.nNo, rocAuc: q.rocAuc, prAuc: q.prAuc });
  }
  db.close();
  const cells: Cell[] = [];
  for (const k of KS) {
    for (const kind of ['gru', 'logreg', 'choice'] as const) {
      const a = sums.get(`${k}/${kind}`);
      if (a) cells.push({ k, kind, rocAuc: a.roc / a.n, prAuc: a.pr / a.n, n: a.n });
    }
  }
  console.log('\n| yes labels (k) | GRU ROC-AUC | baseline ROC-AUC | choice ROC-AUC | GRU PR-AUC | baseline PR-AUC | choice PR-AUC | GRU chosen |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const k of KS) {
    const get = (kind: Kind) => cells.find((c) => c.k === k && c.kind === kind);
    const f = (x: number | undefined) => (x === undefined ? '-' : x.toFixed(3));
    const ch = choices.get(k);
    console.log(`| ${k} | ${f(get('gru')?.rocAuc)} | ${f(get('logreg')?.rocAuc)} | ${f(get('choice')?.rocAuc)} | ${f(get('gru')?.prAuc)} | ${f(get('logreg')?.prAuc)} | ${f(get('choice')?.prAuc)} | ${ch ? `${ch.gru}/${ch.gru + ch.logreg}` : '-'} |`);
  }
  const at8 = cells.find((c) => c.k === 8 && c.kind === 'choice');
  const mean = (xs: (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0) / Math.max(1, xs.length);
  console.log(`\nevery track labelled (baseline, 5-fold CV): ${ceiling.map((c) => `${c.soundtrack} ${c.rocAuc?.toFixed(3) ?? '-'}`).join(', ')}; mean ROC-AUC ${mean(ceiling.map((c) => c.rocAuc)).toFixed(3)}, PR-AUC ${mean(ceiling.map((c) => c.prAuc)).toFixed(3)}`);
  console.log(`\ngoal: choice ROC-AUC >= 0.9 at k = 8: ${at8 ? `${at8.rocAuc.toFixed(3)} (${at8.rocAuc >= 0.9 ? 'met' : 'NOT met'})` : 'not measured'}`);
  await chart(cells, path.join(outDir, 'tags.png'));
  return { cells, ceiling };
}

/** Line charts (ROC-AUC and PR-AUC against k) drawn as SVG and rendered to PNG by the installed chromium. */
async function chart(cells: readonly Cell[], file: string): Promise<void> {
  const colours: Record<Kind, string> = { gru: '#d62728', logreg: '#1f77b4', choice: '#2ca02c' };
  const names: Record<Kind, string> = { gru: 'GRU', logreg: 'baseline (logistic regression)', choice: 'choice by cross-validation' };
  const panel = (metric: 'rocAuc' | 'prAuc', x0: number, title: string, lo: number) => {
    const w = 380;
    const h = 260;
    const xs = (k: number) => x0 + 50 + (KS.indexOf(k as (typeof KS)[number]) * (w - 70)) / (KS.length - 1);
    const ys = (v: number) => 40 + ((1 - v) / (1 - lo)) * (h - 40);
    const ticks = Array.from({ length: 6 }, (_, i) => lo + ((1 - lo) * i) / 5);
    let s = `<text x="${x0 + 50 + (w - 70) / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${title}</text>`;
    for (const v of ticks) s += `<line x1="${x0 + 50}" x2="${x0 + w - 20}" y1="${ys(v)}" y2="${ys(v)}" stroke="#ddd"/><text x="${x0 + 44}" y="${ys(v) + 4}" text-anchor="end" font-size="11">${v.toFixed(1)}</text>`;

    for (const k of KS) s += `<text x="${xs(k)}" y="${ys(lo) + 18}" text-anchor="middle" font-size="11">${k}</text>`;
    s += `<text x="${x0 + 50 + (w - 70) / 2}" y="${ys(lo) + 36}" text-anchor="middle" font-size="12">yes labels (k), as many no</text>`;
    if (metric === 'rocAuc') s += `<line x1="${x0 + 50}" x2="${x0 + w - 20}" y1="${ys(0.9)}" y2="${ys(0.9)}" stroke="#999" stroke-dasharray="4 3"/>`;
    for (const kind of ['logreg', 'gru', 'choice'] as const) {
      const pts = cells.filter((c) => c.kind === kind).map((c) => `${xs(c.k)},${ys(Math.max(lo, c[metric]))}`);
      s += `<polyline fill="none" stroke="${colours[kind]}" stroke-width="2.5" points="${pts.join(' ')}"/>`;
      for (const p of pts) s += `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.5" fill="${colours[kind]}"/>`;
    }
    return s;
  };
  let legend = '';
  (['choice', 'gru', 'logreg'] as const).forEach((kind, i) => {
    legend += `<rect x="${60 + i * 250}" y="352" width="14" height="4" fill="${colours[kind]}"/><text x="${80 + i * 250}" y="358" font-size="12">${names[kind]}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="372" font-family="sans-serif"><rect width="800" height="372" fill="white"/>${panel('rocAuc', 0, 'ROC-AUC on unlabelled tracks', 0.5)}${panel('prAuc', 400, 'PR-AUC on unlabelled tracks', 0)}${legend}</svg>`;
  fs.writeFileSync(file.replace(/\.png$/, '.svg'), svg);
  try {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 372 } });
      await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
      await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 800, height: 372 } });
    } finally {
      await browser.close();
    }
    console.log(`chart: ${file}`);
  } catch (err) {
    console.log(`chart: PNG not rendered (${(err as Error).message.split('\n')[0]}); SVG at ${file.replace(/\.png$/, '.svg')}`);
  }
}

async function speed(): Promise<Record<string, number>> {
  const libraryTracks = Number(process.env.EARMARK_BENCH_TAGS_LIBRARY ?? 10_000);
  const labelled = Number(process.env.EARMARK_BENCH_TAGS_LABELLED ?? 1000);
  const dim = 480; // the CRNN embedding (models/choi-crnn-msd.json)
  const dir = fs.mkdtempSync(path.join(cacheDir, 'speed-'));
  try {
    const db = openDatabase(path.join(dir, 'lib.db'));
    const lib = addSyntheticLibrary(db, { tracks: libraryTracks, dim, separation: 0.6, minSegments: 1, maxSegments: 14 });
    for (let c = 0; c < 3; c++) {
      createTag(db, `style ${c}`);
      const { yes, no } = labelByClass(lib, labelled, c);
      setLabels(db, `style ${c}`, yes, 'yes');
      setLabels(db, `style ${c}`, no, 'no');
    }
    const segments = db.prepare('SELECT COUNT(*) FROM segments').pluck().get() as number;
    await ensureTagBackend();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let trainedAtSec = 0;
    const r = await trainTagModels(db, {
      dataDir: dir,
      seed: 1,
      onProgress: (p) => {
        if (p.job === 'predict' && trainedAtSec === 0) trainedAtSec = (performance.now() - t0) / 1000;
      },
    });
    const wallSec = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    db.close();
    const out = {
      libraryTracks,
      labelledTracks: labelled,
      tags: 3,
      segments,
      embeddingDim: dim,
      wallSec,
      trainSec: trainedAtSec,
      predictSec: wallSec - trainedAtSec,
      cpuSec: (cpu.user + cpu.system) / 1e6,
      predictedTracks: r.predictedTracks,
      meanCvRocAuc: r.trained.reduce((s, q) => s + (q.rocAuc ?? 0), 0) / r.trained.length,
    };
    console.log(`speed: retrain ${labelled} labelled tracks x 3 tags + refresh ${r.predictedTracks} tracks (${segments} segments, ${dim}-d): ${wallSec.toFixed(1)} s wall (train ${trainedAtSec.toFixed(1)} s, predict ${(wallSec - trainedAtSec).toFixed(1)} s), ${out.cpuSec.toFixed(1)} s CPU; goal 30 s: ${wallSec <= 30 ? 'met' : 'NOT met'}`);
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

fs.mkdirSync(outDir, { recursive: true });
fs.mkdirSync(cacheDir, { recursive: true });
const result: Record<string, unknown> = { date: new Date().toISOString() };
if (part === 'all' || part === 'speed') result.speed = await speed();
if (part === 'all' || part === 'quality') {
  const q = await quality();
  result.quality = q.cells;
  result.everyTrackLabelled = q.ceiling;
}
// Redraws the chart from a stored quality run.
if (part === 'chart') await chart((JSON.parse(fs.readFileSync(path.join(outDir, 'tags-quality.json'), 'utf8')) as { quality: Cell[] }).quality, path.join(outDir, 'tags.png'));
if (part !== 'chart') {
  const file = path.join(outDir, part === 'all' ? 'tags.json' : `tags-${part}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`results: ${file}`);
}
