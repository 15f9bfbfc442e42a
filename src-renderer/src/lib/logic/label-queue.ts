/**
 * "Label next": the suggested tracks are played one after another and
 * answered with Y / N / S (skip). Pure state machine so the keyboard flow is
 * testable; the view plays `current` and sends the answers.
 */
export type Answer = 'yes' | 'no' | 'skip';

export interface LabelQueueState<T> {
  readonly items: readonly T[];
  readonly index: number;
  readonly answered: readonly { readonly item: T; readonly answer: Answer }[];
}

export function startQueue<T>(items: readonly T[]): LabelQueueState<T> {
  return { items, index: 0, answered: [] };
}

export function currentItem<T>(s: LabelQueueState<T>): T | undefined {
  return s.items[s.index];
}

export function answer<T>(s: LabelQueueState<T>, a: Answer): LabelQueueState<T> {
  const item = s.items[s.index];
  if (item === undefined) return s;
  return { items: s.items, index: s.index + 1, answered: [...s.answered, { item, answer: a }] };
}

/** Step back to the previous track (to change an answer). */
export function back<T>(s: LabelQueueState<T>): LabelQueueState<T> {
  if (s.index === 0) return s;
  return { items: s.items, index: s.index - 1, answered: s.answered.slice(0, -1) };
}

export function isDone<T>(s: LabelQueueState<T>): boolean {
  return s.index >= s.items.length;
}

export function counts<T>(s: LabelQueueState<T>): Record<Answer, number> {
  const c: Record<Answer, number> = { yes: 0, no: 0, skip: 0 };
  for (const a of s.answered) c[a.answer]++;
  return c;
}

/** Keyboard shortcut to action; null for keys the mode does not use (they keep their normal meaning). */
export function keyToAction(key: string): Answer | 'toggle-play' | 'back' | null {
  switch (key) {
    case 'y':
    case 'Y':
      return 'yes';
    case 'n':
    case 'N':
      return 'no';
    case 's':
    case 'S':
      return 'skip';
    case ' ':
      return 'toggle-play';
    case 'Backspace':
      return 'back';
    default:
      return null;
  }
}
