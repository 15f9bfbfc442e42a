import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ToneOptions {
  readonly durationSec?: number;
  readonly freqHz?: number;
  /** lavfi source instead of a sine, e.g. 'anoisesrc=d=3:c=pink' or 'anullsrc=r=44100:cl=stereo'. */
  readonly source?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly sampleRate?: number;
  readonly channels?: number;
}

/**
 * Writes a real audio file with ffmpeg's lavfi sources; the format follows
 * the extension (mp3, flac, ogg, opus, m4a, wav, aiff, wma...).
 */
export function makeAudio(file: string, opts: ToneOptions = {}): string {
  const d = opts.durationSec ?? 2;
  const src = opts.source ?? `sine=frequency=${opts.freqHz ?? 440}:sample_rate=${opts.sampleRate ?? 44100}:duration=${d}`;
  const args = ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', src];
  if (opts.source) args.push('-t', String(d));
  args.push('-ac', String(opts.channels ?? 2));
  for (const [k, v] of Object.entries(opts.metadata ?? {})) args.push('-metadata', `${k}=${v}`);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.opus') args.push('-c:a', 'libopus', '-ar', '48000');
  if (ext === '.ogg' || ext === '.oga') args.push('-c:a', 'libvorbis');
  if (ext === '.m4a' || ext === '.mp4' || ext === '.aac') args.push('-c:a', 'aac');
  if (ext === '.aac') args.push('-f', 'adts');
  if (ext === '.wma') args.push('-c:a', 'wmav2');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write through a plain name, then rename: the target may hold bytes ffmpeg's argv cannot.
  const tmp = path.join(path.dirname(file), `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}${ext === '.aac' ? '.aac' : ext}`);
  execFileSync('ffmpeg', [...args, tmp], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.renameSync(tmp, file);
  return file;
}
