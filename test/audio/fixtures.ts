import fs from 'node:fs';
import path from 'node:path';
import { parseNpy, type NpyArray } from '../../src-main/audio/npy.js';
import { slaneyMelFilterbank } from '../../src-main/audio/mel-filterbank.js';
import { MEL_FMAX_HZ, N_FFT, N_MELS, SAMPLE_RATE_HZ, SEGMENT_SEC } from '../../src-main/audio/types.js';
import { sharedDir } from '../helpers/tmp.js';

/** Helpers for the audio tests: real files, real ffmpeg, real processes. */

export const bensoundDir = path.join(sharedDir, 'audio', 'bensound');
export const bensoundSongs = ['actionable', 'cute', 'dubstep', 'thejazzpiano'] as const;

export function readReferenceNpy(song: string): NpyArray {
  const file = path.join(bensoundDir, `bensound-${song}.npy`);
  return parseNpy(fs.readFileSync(file), file);
}

/**
 * Writes a 16-bit mono WAV straight from JavaScript: a 25-minute file takes
 * a fraction of a second (an ffmpeg lavfi source plus encoder takes 5-30 s).
 */
export function writeWav(file: string, sampleRateHz: number, nSamples: number, sample: (i: number) => number): string {
  const pcm = new Int16Array(nSamples); // little-endian on every platform Node runs on
  for (let i = 0; i < nSamples; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, sample(i))) * 32767);
  const data = Buffer.from(pcm.buffer);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRateHz, 24);
  h.writeUInt32LE(sampleRateHz * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([h, data]));
  return file;
}

const bank = slaneyMelFilterbank({ sampleRateHz: SAMPLE_RATE_HZ, nFft: N_FFT, nMels: N_MELS, fMinHz: 0, fMaxHz: MEL_FMAX_HZ });

/** The mel band a tone in grid window k of `steppedToneWav` lands in. */
export function steppedToneBand(k: number): number {
  return 8 + (k % 52);
}

/**
 * Tone frequency in grid window k of `steppedToneWav`: each 29.12 s window
 * has its own pitch, at the centre of its own mel band (below 2.1 kHz, so an
 * 8 kHz file holds it), so a segment tells where it was cut.
 */
export function steppedToneHz(k: number): number {
  return bank.bands[steppedToneBand(k)]!.centreHz;
}

export function steppedToneWav(file: string, durationSec: number, sampleRateHz = 8000): string {
  let phase = 0;
  return writeWav(file, sampleRateHz, Math.round(durationSec * sampleRateHz), (i) => {
    const k = Math.floor(i / sampleRateHz / SEGMENT_SEC);
    phase += (2 * Math.PI * steppedToneHz(k)) / sampleRateHz;
    return 0.5 * Math.sin(phase);
  });
}

/** Whether a process with this id still exists (a reaped child does not). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ids of this process's living children (Linux /proc). */
export function childPids(): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = /^PPid:\s+(\d+)/m.exec(status)?.[1];
      if (Number(ppid) === process.pid) out.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
