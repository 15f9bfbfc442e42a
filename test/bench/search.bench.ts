/**
 * Search latency on a generated library: p50 and p95 of compound queries
 * (text + fields + tag thresholds + boolean) and of like: over every track,
 * after the first query has built the in-memory columns (its cost is reported
 * apart, as is the cost of a query right after a label was written).
 *
 *   npm run bench:search                               (100,000 tracks)
 *   EARMARK_BENCH_SEARCH_TRACKS=20000 npm run bench:search   (a quicker check)
 *   EARMARK_BENCH_RUNS=30                              (timed runs per query)
 *
 * The generated database is cached under .cache/ (rebuilt when missing).
 * Writes bench-results/search.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/database.js';
import { loadBaseModels, vocabularyOf, type BaseModelVocabulary } from '../../src-main/search/base-models.js';
import { search } from '../../src-main/search/search.js';
import { repoRoot, sharedDir } from '../helpers/tmp.js';
import { rng } from '../helpers/rng.js';

const TRACKS = Math.max(1000, Number(process.env.EARMARK_BENCH_SEARCH_TRACKS ?? 100_000));
const RUNS = Math.max(5, Number(process.env.EARMARK_BENCH_RUNS ?? 20));
const PAGE = 50;
const TARGET_COMPOUND_P95_MS = 50;
const TARGET_LIKE_P95_MS = 200;
const GENERATOR_VERSION = 1;
const USER_TAGS = ['warm', 'driving', 'late night', 'focus', 'melancholic'];
const SEGMENTS_PER_TRACK = 8;


/** The base model as installed: tags and embedding size from the manifest, else the reference file and 480. */
function modelInfo(): { model: BaseModelVocabulary; dim: number } {
  const manifestFile = path.join(repoRoot, 'models', 'choi-crnn-msd.json');
  let dim = 480;
  if (fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { embedding?: { dim?: unknown } };
    if (typeof m.embedding?.dim === 'number') dim = m.embedding.dim;
  }
  const installed = loadBaseModels().find((m) => m.id === 'choi-crnn-msd');
  if (installed) return { model: installed, dim };
  const expected = JSON.parse(fs.readFileSync(path.join(sharedDir, 'audio', 'bensound', 'expected-crnn-msd.json'), 'utf8')) as { tags: string[] };
  return { model: vocabularyOf('choi-crnn-msd', expected.tags), dim };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ré', 'su', 'na', 'tor', 'vel', 'an', 'zé', 'ul', 'bri', 'som', 'da', 'fen', 'gar', 'hel', 'jo', 'quin', 'ys'];
const WORDS = ['love', 'night', 'day', 'blue', 'road', 'heart', 'fire', 'rain', 'dream', 'city', 'light', 'song', 'river', 'summer', 'ghost', 'stone', 'gold', 'home', 'star', 'wind', 'café', 'soleil', 'noche', 'sehnsucht', 'ocean', 'electric', 'silent', 'wild', 'young', 'slow'];
const GENRES = ['Rock', 'Pop', 'Jazz', 'Soul', 'Electronic', 'Hip-Hop', 'Classical', 'Folk', 'Metal', 'Blues', 'Country', 'Reggae', 'Ambient', 'Funk', 'Punk', 'Indie', 'R&B', 'Latin', 'World', 'Soundtrack'];
const FORMATS: readonly [string, string, string][] = [
  ['mp3', 'MPEG', 'MPEG 1 Layer 3'],
  ['flac', 'FLAC', 'FLAC'],
  ['ogg', 'Ogg', 'Vorbis'],
  ['m4a', 'MPEG-4', 'AAC'],
];

function pick<T>(next: () => number, xs: readonly T[]): T {
  return xs[Math.floor(next() * xs.length)]!;
}

function name(next: () => number, parts: number): string {
  let s = '';
  for (let i = 0; i < parts; i++) s += pick(next, SYLLABLES);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function generate(file: string, model: BaseModelVocabulary, dim: number): void {
  const tmp = `${file}.building`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  const db = openDatabase(tmp);
  db.pragma('synchronous = OFF');
  const next = rng(42);
  const nTags = model.tags.length;
  const artists = Array.from({ length: Math.max(50, Math.floor(TRACKS / 40)) }, () => `${name(next, 2)} ${name(next, 2)}`);
  // Embeddings in clusters (like genres of sound), so like: has real neighbours.
  const centres = Array.from({ length: 64 }, () => Float32Array.from({ length: dim }, () => next() * 2 - 1));
  const insertTrack = db.prepare(
    `INSERT INTO tracks (id, path, status, title, artist, album, genre, year, duration_sec, format, codec, track_no, added_at, updated_at)
     VALUES (?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertAnalysis = db.prepare(
    `INSERT INTO analyses (track_id, model_id, model_version, status, segment_count, tags_mean, tags_max, embedding_mean, analysed_at)
     VALUES (?, ?, '1.0.0', 'done', ?, ?, ?, ?, ?)`,
  );
  const tagIds = USER_TAGS.map((t, i) => Number(db.prepare('INSERT INTO user_tags (name, name_key, created_at) VALUES (?, ?, ?)').run(t, t, i).lastInsertRowid));
  const tagModel = Number(db.prepare("INSERT INTO tag_models (created_at, path, base_model_id, seed, status) VALUES (1, 'bench', ?, 1, 'active')").run(model.id).lastInsertRowid);
  for (const id of tagIds) db.prepare("INSERT INTO tag_quality (tag_model_id, tag_id, chosen, threshold, n_yes, n_no) VALUES (?, ?, 'gru', ?, 20, 20)").run(tagModel, id, 0.4 + next() * 0.3);
  const insertPrediction = db.prepare('INSERT INTO predictions (track_id, tag_id, tag_model_id, probability, segment_probs) VALUES (?, ?, ?, ?, ?)');
  const insertLabel = db.prepare('INSERT OR REPLACE INTO labels (tag_id, track_id, value, updated_at) VALUES (?, ?, ?, ?)');
  const BATCH = 5000;
  const t0 = performance.now();
  for (let start = 1; start <= TRACKS; start += BATCH) {
    db.transaction(() => {
      for (let id = start; id < Math.min(start + BATCH, TRACKS + 1); id++) {
        const artist = pick(next, artists);
        const album = `${pick(next, WORDS)} ${name(next, 1)}`;
        const title = `${pick(next, WORDS)} ${pick(next, WORDS)}${next() < 0.3 ? ` ${pick(next, WORDS)}` : ''}`;
        const [ext, format, codec] = pick(next, FORMATS);
        const trackNo = 1 + Math.floor(next() * 14);
        const p = `/library/${artist}/${album}/${String(trackNo).padStart(2, '0')} ${title}.${ext}`;
        const year = next() < 0.05 ? null : 1950 + Math.floor(next() * 75);
        insertTrack.run(id, `${p}#${id}`, title, artist, album, pick(next, GENRES), year, 60 + next() * 600, format, codec, trackNo, id, id);
        const mean = Float32Array.from({ length: nTags }, () => next() ** 3);
        const max = mean.map((v) => Math.min(1, v * (1 + next())));
        const centre = pick(next, centres);
        const emb = Float32Array.from(centre, (c) => c + (next() - 0.5));
        insertAnalysis.run(id, model.id, SEGMENTS_PER_TRACK, Buffer.from(mean.buffer), Buffer.from(max.buffer), Buffer.from(emb.buffer), id);
        for (const tagId of tagIds) {
          const prob = next() ** 2;
          const segs = Float32Array.from({ length: SEGMENTS_PER_TRACK }, () => Math.min(1, prob * (0.5 + next())));
          insertPrediction.run(id, tagId, tagModel, prob, Buffer.from(segs.buffer));
          if (next() < 0.001) insertLabel.run(tagId, id, next() < 0.5 ? 1 : 0, id);
        }
      }
    })();
    process.stderr.write(`\rgenerating ${Math.min(start + BATCH - 1, TRACKS)}/${TRACKS} tracks (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  db.prepare("INSERT INTO settings (key, value) VALUES ('bench_complete', ?)").run(JSON.stringify({ version: GENERATOR_VERSION, tracks: TRACKS, dim }));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.renameSync(tmp, file);
  for (const f of [`${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function stats(times: readonly number[]): { p50Ms: number; p95Ms: number; runs: number } {
  const s = [...times].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50Ms: r(percentile(s, 0.5)), p95Ms: r(percentile(s, 0.95)), runs: s.length };
}

/** CPU milliseconds of this process, summed over all timed calls: wall time on a shared machine includes waiting for a core. */
const cpuMs: { compound: number[]; like: number[] } = { compound: [], like: [] };

function time(fn: () => unknown, cpu?: number[]): number {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const used = process.cpuUsage(c);
  cpu?.push((used.user + used.system) / 1000);
  return wall;
}

function main(): void {
  const { model, dim } = modelInfo();
  const cacheDir = path.join(repoRoot, '.cache');
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `search-bench-${TRACKS}-d${dim}-v${GENERATOR_VERSION}.db`);
  if (!fs.existsSync(file)) generate(file, model, dim);
  const db: Db = openDatabase(file);
  const models = [model];
  const opts = { baseModels: models, limit: PAGE };
  const likeId = 1 + Math.floor(TRACKS / 3);

  const compound = [
    'love tag:warm year:1990..1999',
    'artist:ka* genre:rock -tag:melancholic duration:>180',
    '(genre:jazz OR genre:soul) tag:warm>0.7 msd:jazz>0.3 sort:-tag:warm',
    'tag:driving@any -label:driving=no year:2000.. format:flac',
    'msd:rock>0.3 msd:guitar>0.2 -msd:pop>0.5 duration:120..400 sort:year',
    '(night OR day) tag:"late night" -path:/library/ka',
    'café OR soleil genre:electronic tag:focus>0.5 sort:-msd:electronic',
    'blue* -tag:warm NOT genre:pop year:..1980',
  ];
  const likes = [`like:${likeId}`, `like:${likeId} tag:warm`, `like:${likeId} year:1980..2000 -genre:rock`, `like:${likeId} msd:jazz>0.1 duration:>200`];

  // First queries build the columns (tracks, base tags, user tags, then embeddings).
  const coldCompoundMs = time(() => search(db, compound[2]!, opts));
  const coldLikeMs = time(() => search(db, likes[0]!, opts));

  const timesByQuery = new Map<string, number[]>();
  const all = { compound: [] as number[], like: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    for (const [kind, list] of [['compound', compound], ['like', likes]] as const) {
      for (const q of list) {
        const t = time(() => search(db, q, opts), cpuMs[kind]);
        all[kind].push(t);
        const times = timesByQuery.get(q) ?? [];
        times.push(t);
        timesByQuery.set(q, times);
      }
    }
  }
  const perQuery: Record<string, { p50Ms: number; p95Ms: number; runs: number; total: number }> = {};
  for (const [q, times] of timesByQuery) perQuery[q] = { ...stats(times), total: search(db, q, opts).total };

  // A label written between queries: the cheap version check notices it and reloads only that tag.
  const afterWrite: number[] = [];
  const tagId = db.prepare("SELECT id FROM user_tags WHERE name = 'warm'").pluck().get() as number;
  for (let i = 0; i < Math.min(RUNS, 10); i++) {
    db.prepare('INSERT OR REPLACE INTO labels (tag_id, track_id, value, updated_at) VALUES (?, ?, 1, ?)').run(tagId, 1 + i, Date.now() + i);
    afterWrite.push(time(() => search(db, compound[0]!, opts)));
  }
  db.prepare('DELETE FROM labels WHERE tag_id = ? AND track_id <= ?').run(tagId, Math.min(RUNS, 10));
  db.close();

  const compoundStats = stats(all.compound);
  const likeStats = stats(all.like);
  const result = {
    tracks: TRACKS,
    embeddingDim: dim,
    baseTags: model.tags.length,
    userTags: USER_TAGS.length,
    pageSize: PAGE,
    runsPerQuery: RUNS,
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '?', loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100, node: process.version },
    coldFirstQueryMs: { compound: Math.round(coldCompoundMs), like: Math.round(coldLikeMs) },
    compound: { ...compoundStats, cpu: stats(cpuMs.compound), targetP95Ms: TARGET_COMPOUND_P95_MS, withinTarget: compoundStats.p95Ms <= TARGET_COMPOUND_P95_MS },
    like: { ...likeStats, cpu: stats(cpuMs.like), targetP95Ms: TARGET_LIKE_P95_MS, withinTarget: likeStats.p95Ms <= TARGET_LIKE_P95_MS },
    afterLabelWrite: stats(afterWrite),
    perQuery,
  };
  const outDir = path.join(repoRoot, 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'search.json'), `${JSON.stringify(result, null, 2)}\n`);

  console.log(`search benchmark: ${TRACKS} tracks, ${dim}-d embeddings, ${model.tags.length} base tags, ${USER_TAGS.length} user tags; ${RUNS} runs per query, page ${PAGE}; load ${result.machine.loadAvg1m}`);
  console.log(`first query (builds the columns): compound ${result.coldFirstQueryMs.compound} ms, like: ${result.coldFirstQueryMs.like} ms`);
  for (const [q, s] of Object.entries(perQuery)) console.log(`  p50 ${s.p50Ms.toFixed(1).padStart(7)} ms  p95 ${s.p95Ms.toFixed(1).padStart(7)} ms  ${String(s.total).padStart(6)} hits  ${q}`);
  console.log(`compound queries: p50 ${compoundStats.p50Ms} ms, p95 ${compoundStats.p95Ms} ms (target p95 <= ${TARGET_COMPOUND_P95_MS} ms: ${result.compound.withinTarget ? 'met' : 'NOT met'}); CPU p50 ${result.compound.cpu.p50Ms} ms, p95 ${result.compound.cpu.p95Ms} ms`);
  console.log(`like: queries:    p50 ${likeStats.p50Ms} ms, p95 ${likeStats.p95Ms} ms (target p95 <= ${TARGET_LIKE_P95_MS} ms: ${result.like.withinTarget ? 'met' : 'NOT met'}); CPU p50 ${result.like.cpu.p50Ms} ms, p95 ${result.like.cpu.p95Ms} ms`);
  console.log(`query right after a label write: p50 ${result.afterLabelWrite.p50Ms} ms, p95 ${result.afterLabelWrite.p95Ms} ms`);
  console.log(`wrote ${path.relative(repoRoot, path.join(outDir, 'search.json'))}`);
}

main();
