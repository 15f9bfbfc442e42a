/**
 * Light, dark or following the system (prefers-color-scheme). The choice is
 * stored per browser profile; `data-theme` on <html> drives the CSS variables.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'earmark.theme';

export class ThemeManager {
  #choice = $state<ThemeChoice>('system');
  #systemDark = $state(false);

  constructor() {
    const stored = localStorage.getItem(KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') this.#choice = stored;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    this.#systemDark = mq.matches;
    mq.addEventListener('change', (e) => {
      this.#systemDark = e.matches;
      this.#apply();
    });
    this.#apply();
  }

  get choice(): ThemeChoice {
    return this.#choice;
  }

  /** The theme actually shown. */
  get effective(): 'light' | 'dark' {
    return this.#choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.#choice;
  }

  set(choice: ThemeChoice): void {
    this.#choice = choice;
    localStorage.setItem(KEY, choice);
    this.#apply();
  }

  /** The header button: flips between light and dark (leaving "system"). */
  toggle(): void {
    this.set(this.effective === 'dark' ? 'light' : 'dark');
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.effective;
  }
}
