import type { Query, QueryNode, SortKey } from './ast.js';
import { lex, type Token } from './lexer.js';
import { QueryError } from './query-error.js';
import { parseTerm } from './term-parser.js';

/** Deeper nesting than this is refused (a recursive parser must not overflow the stack on `((((...`). */
export const MAX_DEPTH = 64;

/**
 * Recursive-descent parser for the query language:
 *
 *   query  := or EOF
 *   or     := and ("OR" and)*
 *   and    := unary ("AND"? unary)*          (implicit AND)
 *   unary  := ("-" | "NOT") unary | primary
 *   primary:= "(" or ")" | term
 *
 * `sort:` and `limit:` terms are directives for the whole query: they may sit
 * anywhere outside parentheses and negations, and are lifted out of the tree.
 * Throws only QueryError.
 */
export function parseQuery(input: string): Query {
  return new Parser(input).parse();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private readonly sort: SortKey[] = [];
  private limit: number | null = null;

  constructor(private readonly input: string) {
    this.tokens = lex(input);
  }

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private get endPos(): number {
    return this.input.length + 1;
  }

  parse(): Query {
    const root = this.parseOr(0, false);
    const t = this.peek();
    if (t) {
      // Only a stray ")" can stop the top-level loop early.
      throw new QueryError(t.pos, `expected a search term or the end of the query, found "${t.text}" (no "(" to close)`);
    }
    return { root, sort: this.sort, limit: this.limit };
  }

  /** null when the group held only directives (e.g. `sort:year`): every track. */
  private parseOr(depth: number, negated: boolean): QueryNode | null {
    const first = this.parseAnd(depth, negated);
    if (this.peek()?.kind !== 'or') return first.node;
    const branches: QueryNode[] = [];
    if (first.node === null) throw new QueryError(this.peek()!.pos, 'expected a search term before "OR"');
    branches.push(first.node);
    while (this.peek()?.kind === 'or') {
      this.i++;
      const at = this.peek()?.pos ?? this.endPos;
      const next = this.parseAnd(depth, negated);
      if (next.node === null) throw new QueryError(at, 'expected a search term after "OR"');
      branches.push(next.node);
    }
    return { kind: 'or', children: branches };
  }

  private parseAnd(depth: number, negated: boolean): { node: QueryNode | null } {
    const children: QueryNode[] = [];
    let read = 0;
    for (;;) {
      const t = this.peek();
      if (!t || t.kind === 'rparen' || t.kind === 'or') break;
      if (t.kind === 'and') {
        if (read === 0) throw new QueryError(t.pos, 'expected a search term before "AND"');
        this.i++;
        const n = this.peek();
        if (!n || n.kind === 'rparen' || n.kind === 'or' || n.kind === 'and') throw new QueryError(n?.pos ?? this.endPos, 'expected a search term after "AND"');
        continue;
      }
      const node = this.parseUnary(depth, negated);
      read++;
      if (node) children.push(node);
    }
    if (children.length === 0) return { node: null };
    return { node: children.length === 1 ? children[0]! : { kind: 'and', children } };
  }

  private parseUnary(depth: number, negated: boolean): QueryNode | null {
    const t = this.peek()!;
    if (t.kind === 'not') {
      this.i++;
      const n = this.peek();
      if (!n || n.kind === 'rparen' || n.kind === 'or' || n.kind === 'and') throw new QueryError(n?.pos ?? this.endPos, `expected a search term after "${t.text}"`);
      if (depth + 1 > MAX_DEPTH) throw new QueryError(t.pos, `expected at most ${MAX_DEPTH} nested groups or negations`);
      const child = this.parseUnary(depth + 1, !negated);
      if (child === null) throw new QueryError(n.pos, `expected a search term after "${t.text}" (sort: and limit: cannot be negated)`);
      return { kind: 'not', child, pos: t.pos };
    }
    return this.parsePrimary(depth, negated);
  }

  private parsePrimary(depth: number, negated: boolean): QueryNode | null {
    const t = this.peek()!;
    if (t.kind === 'lparen') {
      if (depth + 1 > MAX_DEPTH) throw new QueryError(t.pos, `expected at most ${MAX_DEPTH} nested groups or negations`);
      this.i++;
      const inner = this.parseOr(depth + 1, negated);
      const close = this.peek();
      if (!close || close.kind !== 'rparen') throw new QueryError(close?.pos ?? this.endPos, `expected ")" to close the "(" at ${t.pos}`);
      this.i++;
      if (inner === null) throw new QueryError(t.pos + 1, 'expected a search term after "("');
      return inner;
    }
    if (t.kind !== 'term') throw new QueryError(t.pos, `expected a search term, found "${t.text}"`);
    this.i++;
    const term = parseTerm(t.text, t.pos);
    if (term.kind === 'leaf') return term.node;
    if (depth > 0 || negated) throw new QueryError(t.pos, `expected ${term.kind}: outside parentheses and negations (it applies to the whole query)`);
    if (term.kind === 'sort') this.sort.push(term.key);
    else this.limit = term.limit;
    return null;
  }
}
