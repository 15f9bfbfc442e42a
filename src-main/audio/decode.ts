import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { CancelledError, EarmarkError } from '../core/errors.js';
import { displayPath, resolveAudioPath } from './audio-path.js';
import { locateFfmpeg } from './ffmpeg-locate.js';
import { SAMPLE_RATE_HZ, type AudioPath } from './types.js';

/**
 * Streams a file's audio out of ffmpeg as mono float32 at 12 kHz, in chunks,
 * with backpressure: ffmpeg blocks on a full pipe while the consumer is busy,
 * so memory stays bounded whatever the file's length.
 *
 * Safety: no shell, an argument array, `-nostdin`; inputs are passed as
 * `file:<absolute path>` so no name (leading dash, "concat:", "|", newlines)
 * is read as an option or a protocol. Only the tail of stderr is kept. A
 * wall-clock timeout proportional to the duration and an AbortSignal both
 * kill the process, and every exit path (end, error, timeout, cancel, the
 * consumer breaking out early) kills it if still alive and waits until it has
 * been reaped, so no ffmpeg outlives its iterator.
 */

/** Resampler settings that reproduce the reference inputs (see SOURCE.md beside the weights): resampy's kaiser_best. */
export const RESAMPLER_FILTER =
  'aformat=sample_fmts=fltp:channel_layouts=mono,' +
  `aresample=${SAMPLE_RATE_HZ}:filter_type=kaiser:kaiser_beta=14.77:filter_size=128:cutoff=0.9476`;

/** ffmpeg cannot take a non-UTF-8 name in argv; the file is opened here and passed as this descriptor. */
const INPUT_FD = 3;
const STDERR_TAIL_CHARS = 4096;
const BYTES_PER_SAMPLE = 4;

/** Timeouts: a floor for start-up and tiny files, plus a budget per second of audio (ffmpeg runs ~100-300x real time). */
export const MIN_TIMEOUT_MS = 60_000;
export const TIMEOUT_MS_PER_AUDIO_SEC = 500;
/** When the duration is unknown. */
export const UNKNOWN_DURATION_TIMEOUT_MS = 30 * 60_000;

export class DecodeError extends EarmarkError {
  /** ffmpeg's last stderr line, when it printed one. */
  readonly ffmpegMessage: string | undefined;

  constructor(code: string, message: string, options: { path: string; ffmpegMessage?: string | undefined; cause?: unknown }) {
    super(code, message, options);
    this.name = 'DecodeError';
    this.ffmpegMessage = options.ffmpegMessage;
  }
}

export interface DecodeOptions {
  readonly signal?: AbortSignal;
  /** Else located with locateFfmpeg() (setting, EARMARK_FFMPEG, ffmpeg-static, PATH). */
  readonly ffmpegPath?: string;
  /** Duration of the whole file, if known (catalogue or probe): sets the timeout and enables the truncation check. */
  readonly durationSecHint?: number;
  /** Start decoding here (input seeking: ffmpeg skips to it without decoding what comes before). */
  readonly startSec?: number;
  /** Stop after this much audio. */
  readonly maxDurationSec?: number;
  /** Overrides the duration-based timeout. */
  readonly timeoutMs?: number;
  /** Called with the ffmpeg process id right after it starts (diagnostics, tests). */
  readonly onSpawn?: (pid: number) => void;
}

/** The ffmpeg arguments for one decode; `input` is what follows `-i`. */
export function ffmpegDecodeArgs(input: string, opts: { startSec?: number; maxDurationSec?: number } = {}): string[] {
  const args = ['-nostdin', '-hide_banner', '-v', 'error'];
  if (opts.startSec !== undefined && opts.startSec > 0) args.push('-ss', opts.startSec.toFixed(6));
  args.push('-i', input);
  if (opts.maxDurationSec !== undefined) args.push('-t', opts.maxDurationSec.toFixed(6));
  // First audio stream only: cover art and other streams are ignored, and a file without audio fails clearly.
  args.push('-map', '0:a:0', '-af', RESAMPLER_FILTER, '-ac', '1', '-ar', String(SAMPLE_RATE_HZ), '-c:a', 'pcm_f32le', '-f', 'f32le', 'pipe:1');
  return args;
}

export function decodeTimeoutMs(expectedSec: number | undefined): number {
  if (expectedSec === undefined || !Number.isFinite(expectedSec)) return UNKNOWN_DURATION_TIMEOUT_MS;
  return Math.max(MIN_TIMEOUT_MS, Math.ceil(expectedSec * TIMEOUT_MS_PER_AUDIO_SEC));
}

/** Keeps the last few KB of a stream's text. */
class TextTail {
  private text = '';
  /** ffmpeg prefixes errors about the input with its name: that is our own `file:...` (or /dev/fd/3), so drop it. */
  constructor(private readonly inputName: string) {}
  push(chunk: Buffer): void {
    this.text = (this.text + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  }
  get lastLine(): string | undefined {
    const lines = this.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    const last = lines.at(-1);
    return last?.startsWith(`${this.inputName}: `) ? last.slice(this.inputName.length + 2) : last;
  }
  get isEmpty(): boolean {
    return this.text.trim().length === 0;
  }
}

/**
 * Checks the file is there and readable, and says how ffmpeg will name it:
 * `file:<absolute path>`, or for a byte path an open descriptor that the
 * child gets as fd 3. The caller must close `inputFd` once ffmpeg is spawned.
 */
export function openInput(file: AudioPath): { input: string; inputFd?: number } {
  const shown = displayPath(file);
  const target = resolveAudioPath(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DecodeError('decode_open', `cannot decode ${shown}: ${code === 'ENOENT' ? 'no such file' : code ?? 'cannot read it'}`, { path: shown, cause: err });
  }
  // A FIFO is let through (it is how the timeout is tested); directories and devices are not.
  if (!stat.isFile() && !stat.isFIFO()) throw new DecodeError('decode_open', `cannot decode ${shown}: not a regular file`, { path: shown });
  if (typeof target === 'string') return { input: `file:${target}` };
  try {
    // O_NONBLOCK: opening a FIFO for reading would wait for a writer; a regular file opens at once either way.
    const inputFd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    // /dev/fd/N re-opens the same file inside ffmpeg, so it can seek (MP4 needs that).
    return { input: `file:/dev/fd/${INPUT_FD}`, inputFd };
  } catch (err) {
    throw new DecodeError('decode_open', `cannot decode ${shown}: ${(err as NodeJS.ErrnoException).code ?? 'cannot open it'}`, { path: shown, cause: err });
  }
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: Error;
}

export async function* decodePcm(file: AudioPath, options: DecodeOptions = {}): AsyncGenerator<Float32Array, void, undefined> {
  const shown = displayPath(file);
  const { signal } = options;
  if (signal?.aborted) throw new CancelledError(`cancelled: ${shown}`);
  const ffmpegPath = options.ffmpegPath ?? locateFfmpeg().path;
  const { input, inputFd } = openInput(file);

  const startSec = options.startSec ?? 0;
  const expectedSec =
    options.durationSecHint === undefined
      ? options.maxDurationSec
      : Math.max(0, Math.min(options.maxDurationSec ?? Infinity, options.durationSecHint - startSec));
  const args = ffmpegDecodeArgs(input, { startSec, ...(options.maxDurationSec === undefined ? {} : { maxDurationSec: options.maxDurationSec }) });
  const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'pipe', 'pipe'];
  if (inputFd !== undefined) stdio[INPUT_FD] = inputFd;

  let child: ChildProcess;
  try {
    child = spawn(ffmpegPath, args, { stdio, windowsHide: true });
  } finally {
    if (inputFd !== undefined) fs.closeSync(inputFd); // the child holds its own copy now
  }
  const stderr = new TextTail(input);
  child.stderr?.on('data', (c: Buffer) => {
    stderr.push(c);
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('error', (spawnError) => {
      resolve({ code: null, signal: null, spawnError });
    });
    child.once('close', (code, sig) => {
      resolve({ code, signal: sig });
    });
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);

  let reason: 'timeout' | 'cancel' | undefined;
  const kill = (why: 'timeout' | 'cancel'): void => {
    reason ??= why;
    child.kill('SIGKILL');
  };
  const onAbort = (): void => {
    kill('cancel');
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const timeoutMs = options.timeoutMs ?? decodeTimeoutMs(expectedSec);
  const timer = setTimeout(() => {
    kill('timeout');
  }, timeoutMs);

  let samples = 0;
  try {
    // Chunks need not hold whole samples, nor be 4-byte aligned: carry the remainder over.
    let carry = Buffer.alloc(0);
    if (child.stdout) {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        const whole = bytes.length - (bytes.length % BYTES_PER_SAMPLE);
        carry = Buffer.from(bytes.subarray(whole));
        if (whole === 0) continue;
        const out = new Float32Array(whole / BYTES_PER_SAMPLE);
        new Uint8Array(out.buffer).set(bytes.subarray(0, whole));
        samples += out.length;
        yield out;
      }
    }
    const exit = await exited;
    if (reason === 'cancel' || signal?.aborted) throw new CancelledError(`cancelled: ${shown}`);
    if (reason === 'timeout') {
      throw new DecodeError('decode_timeout', `cannot decode ${shown}: ffmpeg took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`, {
        path: shown,
        ffmpegMessage: stderr.lastLine,
      });
    }
    if (exit.spawnError) {
      throw new DecodeError('decode_spawn', `cannot decode ${shown}: cannot run ffmpeg (${ffmpegPath}): ${exit.spawnError.message}`, { path: shown, cause: exit.spawnError });
    }
    if (exit.code !== 0) {
      const why = stderr.lastLine ?? (exit.signal ? `ffmpeg was killed by ${exit.signal}` : `ffmpeg exited with code ${exit.code}`);
      throw new DecodeError('decode_failed', `cannot decode ${shown}: ${why}`, { path: shown, ffmpegMessage: stderr.lastLine });
    }
    // ffmpeg decodes what it can of a damaged file and still exits 0. When it
    // complained AND delivered clearly less than the container declares, the
    // file is truncated or broken: say so rather than tag half a song.
    const decodedSec = samples / SAMPLE_RATE_HZ;
    if (!stderr.isEmpty && expectedSec !== undefined && decodedSec < expectedSec - Math.max(2, 0.1 * expectedSec)) {
      throw new DecodeError(
        'decode_truncated',
        `cannot decode ${shown}: truncated or damaged (decoded ${decodedSec.toFixed(1)} s of ${expectedSec.toFixed(1)} s): ${stderr.lastLine ?? ''}`,
        { path: shown, ffmpegMessage: stderr.lastLine },
      );
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child.stdout?.destroy();
    await exited; // reaped: no zombie, no orphan
  }
}

/**
 * The duration the container declares, read from `ffmpeg -i` (ffprobe is not
 * always shipped beside ffmpeg, e.g. by ffmpeg-static). Cheap: headers only.
 * Undefined when ffmpeg cannot tell (raw streams) -- callers then stream.
 */
export async function probeDurationSec(file: AudioPath, options: { signal?: AbortSignal; ffmpegPath?: string; timeoutMs?: number } = {}): Promise<number | undefined> {
  const shown = displayPath(file);
  if (options.signal?.aborted) throw new CancelledError(`cancelled: ${shown}`);
  const ffmpegPath = options.ffmpegPath ?? locateFfmpeg().path;
  const { input, inputFd } = openInput(file);
  const stdio: ('ignore' | 'pipe' | number)[] = ['ignore', 'ignore', 'pipe'];
  if (inputFd !== undefined) stdio[INPUT_FD] = inputFd;
  // Without an output ffmpeg prints the input's header (including "Duration:") and exits 1; that is expected.
  let child: ChildProcess;
  try {
    child = spawn(ffmpegPath, ['-nostdin', '-hide_banner', '-i', input], { stdio, windowsHide: true });
  } finally {
    if (inputFd !== undefined) fs.closeSync(inputFd);
  }
  let text = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (text.length < 1 << 16) text += c.toString('utf8');
  });
  const onAbort = (): void => {
    child.kill('SIGKILL');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(onAbort, options.timeoutMs ?? MIN_TIMEOUT_MS);
  try {
    const spawnError = await new Promise<Error | undefined>((resolve) => {
      child.once('error', resolve);
      child.once('close', () => {
        resolve(undefined);
      });
    });
    if (options.signal?.aborted) throw new CancelledError(`cancelled: ${shown}`);
    if (spawnError) throw new DecodeError('decode_spawn', `cannot decode ${shown}: cannot run ffmpeg (${ffmpegPath}): ${spawnError.message}`, { path: shown, cause: spawnError });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
  // At the start of a line: a tag value such as "comment : Duration: 9:00:00" must not count.
  const m = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/m.exec(text);
  if (!m) return undefined;
  const sec = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  return Number.isFinite(sec) && sec > 0 ? sec : undefined;
}
