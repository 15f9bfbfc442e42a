import type { EarmarkApi } from '@contract';
import { JobsManager } from './jobs.svelte';
import { LibraryManager } from './library.svelte';
import { NoticeManager } from './notices.svelte';
import { PlayerManager } from './player.svelte';
import { TagsManager } from './tags.svelte';
import { ThemeManager } from './theme.svelte';

export type View = 'setup' | 'library' | 'tags' | 'activity' | 'settings';

export const VIEWS: readonly { readonly id: View; readonly label: string; readonly key: string }[] = [
  { id: 'setup', label: 'Get started', key: '1' },
  { id: 'library', label: 'Library', key: '2' },
  { id: 'tags', label: 'Your tags', key: '3' },
  { id: 'activity', label: 'Activity', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
];

/** The app's managers, created once at startup and handed to views by context. */
export class AppState {
  #view = $state<View>('library');
  readonly jobs: JobsManager;
  readonly library: LibraryManager;
  readonly tags: TagsManager;
  readonly player: PlayerManager;
  readonly notices = new NoticeManager();
  readonly theme = new ThemeManager();

  constructor(readonly api: EarmarkApi) {
    this.jobs = new JobsManager(api);
    this.library = new LibraryManager(api);
    this.tags = new TagsManager(api);
    this.player = new PlayerManager(api);
  }

  get view(): View {
    return this.#view;
  }

  go(view: View): void {
    this.#view = view;
  }

  /** Run an action; its error becomes a notice instead of an unhandled rejection. */
  async attempt<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      this.notices.push('error', `${what} failed: ${msg}`);
      return undefined;
    }
  }
}
