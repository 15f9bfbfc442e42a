import type { EarmarkApi, UserTag } from '@contract';

/** The user's vocabulary with counts and quality, reloaded when the server says tags changed. */
export class TagsManager {
  #tags = $state<UserTag[]>([]);
  #loaded = $state(false);
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly api: EarmarkApi) {}

  async start(): Promise<void> {
    this.#unsubscribe = this.api.on('tagsChanged', () => void this.refresh());
    await this.refresh();
  }

  async refresh(): Promise<void> {
    this.#tags = await this.api.listTags();
    this.#loaded = true;
  }

  get tags(): readonly UserTag[] {
    return this.#tags;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  byId(id: number): UserTag | undefined {
    return this.#tags.find((t) => t.id === id);
  }

  /** Apply a tag returned by an operation at once, before the event round trip. */
  upsert(tag: UserTag): void {
    const i = this.#tags.findIndex((t) => t.id === tag.id);
    this.#tags = i < 0 ? [...this.#tags, tag] : this.#tags.map((t) => (t.id === tag.id ? tag : t));
  }

  remove(id: number): void {
    this.#tags = this.#tags.filter((t) => t.id !== id);
  }

  reset(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#tags = [];
    this.#loaded = false;
  }
}
