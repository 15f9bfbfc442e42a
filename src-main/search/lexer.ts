import { QueryError } from './query-error.js';

/**
 * Top-level tokens of a query. A term is everything up to the next space or
 * parenthesis outside quotes (`title:"a b"`, `tag:warm>0.8`); its inner
 * structure is read by the term parser, which knows what each field wants.
 */
export type Token =
  | { readonly kind: 'lparen' | 'rparen' | 'or' | 'and' | 'not'; readonly pos: number; readonly text: string }
  | { readonly kind: 'term'; readonly pos: number; readonly text: string };

export const MAX_QUERY_CHARS = 10_000;

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

export function lex(input: string): Token[] {
  if (input.length > MAX_QUERY_CHARS) throw new QueryError(MAX_QUERY_CHARS + 1, `expected the end of the query (queries are limited to ${MAX_QUERY_CHARS} characters)`);
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    const pos = i + 1;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', pos, text: ch });
      i++;
      continue;
    }
    // A leading '-' negates what follows; a lone '-' is an error the parser reports.
    if (ch === '-') {
      tokens.push({ kind: 'not', pos, text: '-' });
      i++;
      continue;
    }
    const start = i;
    while (i < input.length) {
      const c = input[i]!;
      if (isSpace(c) || c === '(' || c === ')') break;
      if (c === '"') {
        const quoteAt = i;
        i++;
        while (i < input.length && input[i] !== '"') i += input[i] === '\\' ? 2 : 1;
        if (i >= input.length) throw new QueryError(quoteAt + 1, 'expected a closing quote (") for the quote opened here');
      }
      i++;
    }
    const text = input.slice(start, i);
    if (text === 'OR' || text === 'AND' || text === 'NOT') {
      tokens.push({ kind: text === 'OR' ? 'or' : text === 'AND' ? 'and' : 'not', pos, text });
    } else {
      tokens.push({ kind: 'term', pos, text });
    }
  }
  return tokens;
}
