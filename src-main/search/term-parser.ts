import type { Comparison, LeafNode, SortKey, SortField, TextField } from './ast.js';
import { SORT_FIELDS } from './ast.js';
import { QueryError } from './query-error.js';

/** What one term of the query is: a search leaf, or a directive for the whole query. */
export type Term = { readonly kind: 'leaf'; readonly node: LeafNode } | { readonly kind: 'sort'; readonly key: SortKey } | { readonly kind: 'limit'; readonly limit: number; readonly pos: number };

export const MAX_LIMIT = 1_000_000;
const COMPARISON_START = /^(>=|<=|>|<|=)/;
const NUMBER = /^(?:\d+(?::\d+){1,2}(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)/;
const FIELD = /^([A-Za-z][A-Za-z0-9_.-]*):/;

type NumberKind = 'year' | 'duration' | 'probability' | 'similarity';

/**
 * Reads one term (`year:1990..1999`, `tag:"late night"@any>0.5`, `love*`) by
 * recursive descent over its characters. Positions in errors are absolute
 * (the term's offset in the query plus the offset inside it).
 */
class TermReader {
  private i = 0;

  constructor(private readonly s: string, private readonly base: number) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  /** Absolute 1-based position of the next character. */
  get pos(): number {
    return this.base + this.i;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  rest(): string {
    return this.s.slice(this.i);
  }

  fail(expected: string, at = this.pos): never {
    throw new QueryError(at, expected);
  }

  eat(str: string): boolean {
    if (this.s.startsWith(str, this.i)) {
      this.i += str.length;
      return true;
    }
    return false;
  }

  /** A quoted string (backslash escapes `\"` and `\\`) or bare characters up to one of `stops`. */
  value(stops: string, what: string, after: string): { text: string; quoted: boolean } {
    if (this.peek() === '"') {
      const open = this.pos;
      this.i++;
      let out = '';
      while (this.i < this.s.length && this.s[this.i] !== '"') {
        if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
        out += this.s[this.i] ?? '';
        this.i++;
      }
      if (!this.eat('"')) this.fail('expected a closing quote (")', open);
      return { text: out, quoted: true };
    }
    const start = this.i;
    while (this.i < this.s.length && !stops.includes(this.s[this.i]!)) this.i++;
    const text = this.s.slice(start, this.i);
    if (text === '') this.fail(`expected ${what} after "${after}"`);
    return { text, quoted: false };
  }

  end(after: string): void {
    if (!this.done) this.fail(`expected a space or the end of the query after ${after}, found "${this.rest().slice(0, 12)}"`);
  }

  number(kind: NumberKind, after: string): number {
    const m = NUMBER.exec(this.rest());
    if (!m) this.fail(`expected a value after "${after}" (${describeNumber(kind)})`);
    const at = this.pos;
    this.i += m[0].length;
    const raw = m[0];
    if (raw.includes(':')) {
      if (kind !== 'duration') this.fail(`expected ${describeNumber(kind)}, found "${raw}"`, at);
      const parts = raw.split(':').map(Number);
      let sec = 0;
      for (const p of parts) sec = sec * 60 + p;
      return sec;
    }
    const v = Number(raw);
    if (kind === 'year' && !Number.isInteger(v)) this.fail(`expected a whole year, found "${raw}"`, at);
    if (kind === 'probability' && v > 1) this.fail(`expected a probability between 0 and 1, found "${raw}"`, at);
    if (kind === 'similarity' && v > 1) this.fail(`expected a similarity between 0 and 1, found "${raw}"`, at);
    return v;
  }

  /** `>x`, `>=x`, `<x`, `<=x`, `=x`, `=a..b`, and (when `bare`) `x`, `a..b`, `a..`, `..b`. */
  comparison(kind: NumberKind, after: string, bare: boolean): Comparison {
    const op = COMPARISON_START.exec(this.rest())?.[1] as '>' | '>=' | '<' | '<=' | '=' | undefined;
    if (op !== undefined) {
      this.i += op.length;
      if (op !== '=') return { op, value: this.number(kind, `${after}${op}`) };
    } else if (!bare) {
      this.fail(`expected a comparison (>, >=, <, <=, =) after "${after}"`);
    }
    const label = op === undefined ? after : `${after}=`;
    if (this.eat('..')) return { op: 'range', min: null, max: this.number(kind, `${label}..`) };
    const first = this.number(kind, label);
    if (!this.eat('..')) return { op: '=', value: first };
    if (this.done) return { op: 'range', min: first, max: null };
    const second = this.number(kind, `${label}${first}..`);
    if (second < first) this.fail(`expected a range from low to high, found ${first}..${second}`);
    return { op: 'range', min: first, max: second };
  }
}

function describeNumber(kind: NumberKind): string {
  switch (kind) {
    case 'year':
      return 'a year, e.g. 1999';
    case 'duration':
      return 'a duration in seconds or m:ss, e.g. 300 or 5:00';
    case 'probability':
      return 'a probability between 0 and 1, e.g. 0.8';
    case 'similarity':
      return 'a similarity between 0 and 1, e.g. 0.9';
  }
}

/** Reads `name`, `name@any`, `name>0.8`, `"two words"@any>=0.5` after `tag:` or a base model prefix. */
function readTagLike(r: TermReader, field: string, modeWord: string): { name: string; mode: boolean; cmp: Comparison | null } {
  const { text: name } = r.value('@<>=', 'a tag name', `${field}:`);
  let mode = false;
  if (r.eat('@')) {
    const at = r.pos;
    const m = /^[A-Za-z]+/.exec(r.rest())?.[0] ?? '';
    r.eat(m);
    if (m.toLowerCase() === modeWord || m.toLowerCase() === 'any') mode = true;
    else r.fail(`expected "${modeWord}" after "@"`, at);
  }
  const cmp = r.done ? null : r.comparison('probability', `${field}:${name}`, false);
  r.end(`"${field}:${name}"`);
  return { name, mode, cmp };
}

export function parseTerm(text: string, pos: number): Term {
  const fieldMatch = FIELD.exec(text);
  if (!fieldMatch) return { kind: 'leaf', node: readText(new TermReader(text, pos), null, pos) };
  const field = fieldMatch[1]!;
  const key = field.toLowerCase();
  const r: TermReader = new TermReader(text, pos);
  r.eat(fieldMatch[0]);
  const after = `${field}:`;
  switch (key) {
    case 'title':
    case 'artist':
    case 'album':
    case 'genre':
      return { kind: 'leaf', node: readText(r, key, pos, after) };
    case 'path':
    case 'format': {
      const { text: value } = r.value('', key === 'path' ? 'a part of a path' : 'a format (e.g. mp3, flac)', after);
      r.end(`the ${key}`);
      return { kind: 'leaf', node: { kind: key, text: value, pos } };
    }
    case 'year':
    case 'duration': {
      const cmp = r.comparison(key, after, true);
      r.end(`"${text}"`);
      return { kind: 'leaf', node: { kind: 'number', field: key, cmp, pos } };
    }
    case 'tag': {
      const t = readTagLike(r, 'tag', 'any');
      return { kind: 'leaf', node: { kind: 'tag', name: t.name, segments: t.mode, cmp: t.cmp, pos } };
    }
    case 'label': {
      const { text: name } = r.value('=', 'a tag name', after);
      let value: 'yes' | 'no' | 'any' = 'yes';
      if (r.eat('=')) {
        const at = r.pos;
        const word = r.rest().toLowerCase();
        if (['yes', 'y', '1', 'true'].includes(word)) value = 'yes';
        else if (['no', 'n', '0', 'false'].includes(word)) value = 'no';
        else if (word === 'any') value = 'any';
        else r.fail(`expected yes, no or any after "label:${name}="`, at);
        r.eat(r.rest());
      }
      r.end(`"label:${name}"`);
      return { kind: 'leaf', node: { kind: 'label', name, value, pos } };
    }
    case 'like': {
      const { text: track } = r.value('<>=', 'a track id or path', after);
      const cmp = r.done ? null : r.comparison('similarity', `like:${track}`, false);
      r.end(`"like:${track}"`);
      return { kind: 'leaf', node: { kind: 'like', track, cmp, pos } };
    }
    case 'limit': {
      const at = r.pos;
      const m = /^\d+$/.exec(r.rest());
      if (!m) r.fail(`expected a whole number after "${after}"`);
      const limit = Number(m[0]);
      if (limit < 1 || limit > MAX_LIMIT) r.fail(`expected a limit between 1 and ${MAX_LIMIT}`, at);
      return { kind: 'limit', limit, pos };
    }
    case 'sort':
      return { kind: 'sort', key: readSortKey(r, after) };
    default: {
      // Any other `name:` is a base model id or prefix (msd:jazz); checked when the query runs.
      const t = readTagLike(r, field, 'max');
      return { kind: 'leaf', node: { kind: 'base', model: field, name: t.name, max: t.mode, cmp: t.cmp, pos } };
    }
  }
}

function readText(r: TermReader, field: TextField | null, pos: number, after = ''): LeafNode {
  const read = field === null && r.peek() !== '"' ? { text: r.rest(), quoted: false } : r.value('', 'a word or "a phrase"', after);
  const quoted = read.quoted;
  let text = read.text;
  if (field === null && !quoted) r.eat(text);
  let prefix = false;
  if (quoted) {
    prefix = r.eat('*');
    r.end('the closing quote');
  } else if (text.length > 1 && text.endsWith('*')) {
    prefix = true;
    text = text.slice(0, -1);
  }
  return { kind: 'text', field, text, prefix, pos };
}

function readSortKey(r: TermReader, after: string): SortKey {
  const descending = r.eat('-');
  const at = r.pos;
  const m = FIELD.exec(r.rest());
  if (m) {
    const inner = m[1]!;
    r.eat(m[0]);
    if (inner.toLowerCase() === 'tag') {
      const t = readTagLike(r, 'tag', 'any');
      if (t.cmp) r.fail('expected no comparison in a sort key', at);
      return { kind: 'tag', name: t.name, segments: t.mode, descending, pos: at };
    }
    const t = readTagLike(r, inner, 'max');
    if (t.cmp) r.fail('expected no comparison in a sort key', at);
    return { kind: 'base', model: inner, name: t.name, max: t.mode, descending, pos: at };
  }
  const word = r.rest().toLowerCase();
  if (word === '') r.fail(`expected a sort key after "${after}${descending ? '-' : ''}" (${[...SORT_FIELDS, 'score', 'tag:NAME', 'msd:NAME'].join(', ')})`);
  if (word === 'score' || word === 'like') return { kind: 'score', descending };
  if ((SORT_FIELDS as readonly string[]).includes(word)) return { kind: 'field', field: word as SortField, descending };
  return r.fail(`expected a sort key (${[...SORT_FIELDS, 'score', 'tag:NAME', 'msd:NAME'].join(', ')}), found "${r.rest()}"`);
}
