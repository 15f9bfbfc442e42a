/** Short messages for the user (errors of actions, confirmations), announced by a live region. */
export interface Notice {
  readonly id: number;
  readonly kind: 'error' | 'info';
  readonly text: string;
}

export class NoticeManager {
  #items = $state<Notice[]>([]);
  #next = 1;

  get items(): readonly Notice[] {
    return this.#items;
  }

  push(kind: Notice['kind'], text: string, timeoutMs = kind === 'error' ? 10_000 : 4000): void {
    const id = this.#next++;
    this.#items = [...this.#items.slice(-4), { id, kind, text }];
    setTimeout(() => this.dismiss(id), timeoutMs);
  }

  dismiss(id: number): void {
    this.#items = this.#items.filter((n) => n.id !== id);
  }

  reset(): void {
    this.#items = [];
  }
}
