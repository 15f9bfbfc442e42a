import type { EarmarkApi } from '@contract';

/**
 * One audio element for the whole app (track panel, label-next mode). The
 * URL comes from the API: /audio/<id>?token= over HTTP, the app's own
 * protocol in Electron; both answer range requests, so seeking works.
 */
export class PlayerManager {
  #trackId = $state<number | null>(null);
  #playing = $state(false);
  #currentSec = $state(0);
  #durationSec = $state(0);
  #error = $state<string | null>(null);
  readonly #audio: HTMLAudioElement;
  #onEnded: (() => void) | null = null;

  constructor(private readonly api: EarmarkApi) {
    this.#audio = new Audio();
    this.#audio.preload = 'metadata';
    this.#audio.addEventListener('play', () => (this.#playing = true));
    this.#audio.addEventListener('pause', () => (this.#playing = false));
    this.#audio.addEventListener('ended', () => {
      this.#playing = false;
      this.#onEnded?.();
    });
    this.#audio.addEventListener('timeupdate', () => (this.#currentSec = this.#audio.currentTime));
    this.#audio.addEventListener('durationchange', () => (this.#durationSec = Number.isFinite(this.#audio.duration) ? this.#audio.duration : 0));
    this.#audio.addEventListener('error', () => {
      this.#playing = false;
      this.#error = 'this file cannot be played here';
    });
  }

  get trackId(): number | null {
    return this.#trackId;
  }
  get playing(): boolean {
    return this.#playing;
  }
  get currentSec(): number {
    return this.#currentSec;
  }
  get durationSec(): number {
    return this.#durationSec;
  }
  get error(): string | null {
    return this.#error;
  }

  /** Smooth playhead: the element's own clock, read on each animation frame. */
  now(): number {
    return this.#audio.currentTime;
  }

  async load(trackId: number, autoplay: boolean, onEnded: (() => void) | null = null): Promise<void> {
    this.#onEnded = onEnded;
    if (this.#trackId === trackId) {
      if (autoplay) await this.play();
      return;
    }
    this.#error = null;
    this.#trackId = trackId;
    this.#currentSec = 0;
    this.#durationSec = 0;
    const { url } = await this.api.audioUrl({ id: trackId });
    if (this.#trackId !== trackId) return;
    this.#audio.src = url;
    if (autoplay) await this.play();
  }

  async play(): Promise<void> {
    try {
      await this.#audio.play();
    } catch (err) {
      // A newer load interrupting play() is not an error worth showing.
      if (!(err instanceof DOMException && err.name === 'AbortError')) this.#error = err instanceof Error ? err.message : String(err);
    }
  }

  pause(): void {
    this.#audio.pause();
  }

  async toggle(): Promise<void> {
    if (this.#playing) this.pause();
    else await this.play();
  }

  seek(sec: number): void {
    if (!Number.isFinite(sec)) return;
    this.#audio.currentTime = Math.max(0, Math.min(sec, this.#durationSec || sec));
    this.#currentSec = this.#audio.currentTime;
  }

  reset(): void {
    this.#audio.pause();
    this.#audio.removeAttribute('src');
    this.#trackId = null;
    this.#playing = false;
    this.#onEnded = null;
  }
}
