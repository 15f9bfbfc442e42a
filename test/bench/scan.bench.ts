/**
 * Benchmark of the catalogue scan (npm run bench:scan; not a test).
 *
 * Generates a library of small real audio files (EARMARK_BENCH_SCAN_FILES,
 * default 20,000: copies of four tiny encoded files, MP3s with varied ID3
 * tags, every file made unique by a few trailing bytes), cached under
 * /tmp between runs, then measures in one process: the first scan into an
 * empty database (files/s), an unchanged rescan (s), and peak RSS.
 * Writes bench-results/scan.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeAudio } from '../helpers/audio.js';
import { repoRoot } from '../helpers/tmp.js';
import { openDatabase } from '../../src-main/db/database.js';
import { scanLibrary } from '../../src-main/library/index.js';

const fileCount = Number(process.env.EARMARK_BENCH_SCAN_FILES ?? 20_000);
const filesPerFolder = 100;
const targets = { firstScanFilesPerSec: 300, rescanSec: 5 };

function id3v23(frames: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const [id, value] of Object.entries(frames)) {
    const text = Buffer.concat([Buffer.from([3]), Buffer.from(value, 'utf8')]); // 3: UTF-8 (ID3v2.4 style, read by taggers)
    const h = Buffer.alloc(10);
    h.write(id, 0, 'latin1');
    h.writeUInt32BE(text.length, 4);
    parts.push(h, text);
  }
  const body = Buffer.concat(parts);
  const n = body.length;
  return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, (n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]), body]);
}

/** Makes (or reuses) the generated library and returns its folder. */
function generateLibrary(): string {
  const base = path.join(os.tmpdir(), `earmark-bench-scan-${fileCount}`);
  const lib = path.join(base, 'library');
  const done = path.join(base, 'complete');
  if (fs.existsSync(done)) return lib;
  fs.rmSync(base, { recursive: true, force: true });
  const seedDir = path.join(base, 'seeds');
  const seeds = ['mp3', 'ogg', 'flac', 'm4a'].map((ext) => {
    const p = makeAudio(path.join(seedDir, `seed.${ext}`), { durationSec: 0.5, metadata: { title: 'Seed', artist: 'Bench Ärtist', album: 'Bench' } });
    return { ext, bytes: fs.readFileSync(p) };
  });
  const mp3 = seeds[0]!.bytes;
  const mp3Payload = mp3.subarray(10 + ((mp3[6]! << 21) | (mp3[7]! << 14) | (mp3[8]! << 7) | mp3[9]!));
  const t0 = performance.now();
  for (let i = 0; i < fileCount; i++) {
    const folder = path.join(lib, `Artist ${Math.floor(i / filesPerFolder / 10)}`, `Album ${Math.floor(i / filesPerFolder)}`);
    if (i % filesPerFolder === 0) fs.mkdirSync(folder, { recursive: true });
    const seed = seeds[i % seeds.length]!;
    const tail = Buffer.alloc(8);
    tail.writeUInt32LE(i);
    const bytes =
      seed.ext === 'mp3'
        ? Buffer.concat([id3v23({ TIT2: `Song ${i} — Café`, TPE1: `Artist ${i % 97}`, TALB: `Album ${Math.floor(i / filesPerFolder)}`, TRCK: String((i % filesPerFolder) + 1) }), mp3Payload, tail])
        : Buffer.concat([seed.bytes, tail]);
    fs.writeFileSync(path.join(folder, `${String(i % filesPerFolder).padStart(3, '0')} Song ${i}.${seed.ext}`), bytes);
  }
  fs.writeFileSync(done, `${fileCount}\n`);
  process.stdout.write(`generated ${fileCount} files in ${((performance.now() - t0) / 1000).toFixed(1)} s under ${lib}\n`);
  return lib;
}

async function main(): Promise<void> {
  const lib = generateLibrary();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'earmark-bench-db-'));
  try {
    const db = openDatabase(path.join(work, 'bench.db'));
    const first = await scanLibrary(db, { roots: [lib] });
    if (first.files !== fileCount || first.errors !== 0) throw new Error(`first scan found ${first.files} files, ${first.errors} errors`);
    const rescan = await scanLibrary(db);
    if (rescan.unchanged !== fileCount) throw new Error(`rescan saw ${rescan.unchanged} unchanged of ${fileCount}`);
    db.close();
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    const firstScanFilesPerSec = first.files / first.durationSec;
    const result = {
      files: fileCount,
      firstScanSec: round(first.durationSec, 2),
      firstScanFilesPerSec: round(firstScanFilesPerSec, 0),
      unchangedRescanSec: round(rescan.durationSec, 2),
      rescanSpeedup: round(first.durationSec / rescan.durationSec, 1),
      peakRssMiB: round(peakRssMiB, 0),
      targets,
      meetsTargets: {
        firstScan: firstScanFilesPerSec >= targets.firstScanFilesPerSec,
        // The 5 s target is for 20,000 files; scaled for a smaller run.
        rescan: rescan.durationSec <= (targets.rescanSec * fileCount) / 20_000,
      },
      machine: { cpus: os.availableParallelism(), node: process.version, loadAverage1m: round(os.loadavg()[0] ?? 0, 1) },
      measuredAt: new Date().toISOString(),
    };
    process.stdout.write(
      [
        `scan benchmark: ${fileCount} files (${os.availableParallelism()} cores, load ${result.machine.loadAverage1m})`,
        `  first scan:       ${result.firstScanSec} s = ${result.firstScanFilesPerSec} files/s (target >= ${targets.firstScanFilesPerSec})`,
        `  unchanged rescan: ${result.unchangedRescanSec} s (target <= ${targets.rescanSec} s for 20,000), ${result.rescanSpeedup}x faster than the first scan`,
        `  peak RSS:         ${result.peakRssMiB} MiB`,
        '',
      ].join('\n'),
    );
    const out = path.join(repoRoot, 'bench-results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'scan.json'), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

await main();
