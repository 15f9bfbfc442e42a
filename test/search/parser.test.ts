import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src-main/search/parser.js';
import { QueryError } from '../../src-main/search/query-error.js';
import type { QueryNode } from '../../src-main/search/ast.js';
import { randomQuery, rng } from './fuzz.js';

/** A compact rendering of the tree, so expectations stay readable. */
function show(n: QueryNode | null): string {
  if (n === null) return '*';
  switch (n.kind) {
    case 'and':
      return `(${n.children.map(show).join(' & ')})`;
    case 'or':
      return `(${n.children.map(show).join(' | ')})`;
    case 'not':
      return `!${show(n.child)}`;
    case 'text':
      return `${n.field ?? 'text'}=${JSON.stringify(n.text)}${n.prefix ? '*' : ''}`;
    case 'path':
    case 'format':
      return `${n.kind}~${JSON.stringify(n.text)}`;
    case 'number':
      return `${n.field}${JSON.stringify(n.cmp)}`;
    case 'tag':
      return `tag:${n.name}${n.segments ? '@any' : ''}${n.cmp ? JSON.stringify(n.cmp) : ''}`;
    case 'label':
      return `label:${n.name}=${n.value}`;
    case 'base':
      return `base:${n.model}:${n.name}${n.max ? '@max' : ''}${n.cmp ? JSON.stringify(n.cmp) : ''}`;
    case 'like':
      return `like:${n.track}${n.cmp ? JSON.stringify(n.cmp) : ''}`;
  }
}

const parsed = (q: string) => show(parseQuery(q).root);

test('free words, phrases and prefixes; implicit AND', () => {
  assert.equal(parsed('love'), 'text="love"');
  assert.equal(parsed('café  del mar'), '(text="café" & text="del" & text="mar")');
  assert.equal(parsed('"kind of blue"'), 'text="kind of blue"');
  assert.equal(parsed('lov*'), 'text="lov"*');
  assert.equal(parsed('"say \\"hi\\""'), 'text="say \\"hi\\""');
  assert.equal(parsed(''), '*');
  assert.equal(parsed('   '), '*');
});

test('fields with quoted values, ranges and comparisons', () => {
  assert.equal(parsed('title:"love me" artist:beatles'), '(title="love me" & artist="beatles")');
  assert.equal(parsed('Album:blue*'), 'album="blue"*');
  assert.equal(parsed('year:1990..1999'), 'year{"op":"range","min":1990,"max":1999}');
  assert.equal(parsed('year:1990..'), 'year{"op":"range","min":1990,"max":null}');
  assert.equal(parsed('year:..1969'), 'year{"op":"range","min":null,"max":1969}');
  assert.equal(parsed('year:1977'), 'year{"op":"=","value":1977}');
  assert.equal(parsed('duration:>300'), 'duration{"op":">","value":300}');
  assert.equal(parsed('duration:<=4:30'), 'duration{"op":"<=","value":270}');
  assert.equal(parsed('duration:1:00:00..'), 'duration{"op":"range","min":3600,"max":null}');
  assert.equal(parsed('path:"/music/My Jazz" format:flac'), '(path~"/music/My Jazz" & format~"flac")');
});

test('own tags, labels, base tags and similarity', () => {
  assert.equal(parsed('tag:warm'), 'tag:warm');
  assert.equal(parsed('tag:warm>0.8'), 'tag:warm{"op":">","value":0.8}');
  assert.equal(parsed('tag:warm@any'), 'tag:warm@any');
  assert.equal(parsed('tag:"late night"@any>=0.5'), 'tag:late night@any{"op":">=","value":0.5}');
  assert.equal(parsed('tag:warm=0.2..0.4'), 'tag:warm{"op":"range","min":0.2,"max":0.4}');
  assert.equal(parsed('label:warm'), 'label:warm=yes');
  assert.equal(parsed('label:warm=no'), 'label:warm=no');
  assert.equal(parsed('label:warm=any'), 'label:warm=any');
  assert.equal(parsed('msd:jazz>0.3'), 'base:msd:jazz{"op":">","value":0.3}');
  assert.equal(parsed('choi-crnn-msd:"female vocalists"@max'), 'base:choi-crnn-msd:female vocalists@max');
  assert.equal(parsed('like:42'), 'like:42');
  assert.equal(parsed('like:"/music/a b.mp3">0.9'), 'like:/music/a b.mp3{"op":">","value":0.9}');
});

test('boolean structure: OR binds looser than AND, NOT and - tighter, parentheses group', () => {
  assert.equal(parsed('a b OR c'), '((text="a" & text="b") | text="c")');
  assert.equal(parsed('a (b OR c)'), '(text="a" & (text="b" | text="c"))');
  assert.equal(parsed('-live NOT demo'), '(!text="live" & !text="demo")');
  assert.equal(parsed('a AND b'), '(text="a" & text="b")');
  assert.equal(parsed('-(a OR -b)'), '!(text="a" | !text="b")');
  assert.equal(parsed('hip-hop'), 'text="hip-hop"');
  assert.equal(parsed('or and not'), '(text="or" & text="and" & text="not")');
});

test('sort: and limit: are lifted out of the tree', () => {
  const q = parseQuery('tag:warm sort:-tag:warm sort:year limit:50');
  assert.equal(show(q.root), 'tag:warm');
  assert.deepEqual(q.sort.map((s) => ({ ...s, pos: undefined })), [
    { kind: 'tag', name: 'warm', segments: false, descending: true, pos: undefined },
    { kind: 'field', field: 'year', descending: false, pos: undefined },
  ]);
  assert.equal(q.limit, 50);
  assert.deepEqual(parseQuery('sort:-msd:jazz').sort[0], { kind: 'base', model: 'msd', name: 'jazz', max: false, descending: true, pos: 7 });
  assert.equal(parseQuery('sort:score').sort[0]?.kind, 'score');
  assert.equal(parseQuery('sort:year').root, null);
});

function syntaxError(q: string): QueryError {
  try {
    parseQuery(q);
  } catch (err) {
    assert.ok(err instanceof QueryError, `expected a QueryError for ${q}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(q)} to be refused`);
}

test('malformed queries name the position and what was expected', () => {
  assert.equal(syntaxError('rock year:').message, 'at 11: expected a value after "year:" (a year, e.g. 1999)');
  assert.equal(syntaxError('love title:').message, 'at 12: expected a word or "a phrase" after "title:"');
  assert.match(syntaxError('a (b OR c').message, /^at 10: expected "\)" to close the "\(" at 3/);
  assert.match(syntaxError('a b)').message, /^at 4: expected a search term or the end of the query, found "\)"/);
  assert.match(syntaxError('OR a').message, /^at 1: expected a search term before "OR"/);
  assert.match(syntaxError('a OR').message, /^at 5: expected a search term after "OR"/);
  assert.match(syntaxError('a -').message, /^at 4: expected a search term after "-"/);
  assert.match(syntaxError('title:"unclosed').message, /^at 7: expected a closing quote/);
  assert.match(syntaxError('()').message, /^at 2: expected a search term after "\("/);
  assert.match(syntaxError('duration:>abc').message, /^at 11: expected a value after "duration:>" \(a duration in seconds or m:ss/);
  assert.match(syntaxError('year:1999..1990').message, /expected a range from low to high/);
  assert.match(syntaxError('tag:warm>1.5').message, /^at 10: expected a probability between 0 and 1/);
  assert.match(syntaxError('tag:warm>').message, /^at 10: expected a value after "tag:warm>" \(a probability/);
  assert.match(syntaxError('tag:warm@sometimes').message, /^at 10: expected "any" after "@"/);
  assert.match(syntaxError('label:warm=maybe').message, /^at 12: expected yes, no or any/);
  assert.match(syntaxError('limit:0').message, /^at 7: expected a limit between 1/);
  assert.match(syntaxError('limit:ten').message, /^at 7: expected a whole number after "limit:"/);
  assert.match(syntaxError('sort:loudness').message, /^at 6: expected a sort key \(title, artist/);
  assert.match(syntaxError('(a sort:year)').message, /^at 4: expected sort: outside parentheses/);
  assert.match(syntaxError('-limit:5').message, /expected limit: outside parentheses and negations/);
  assert.match(syntaxError('"a"b').message, /^at 4: expected a space or the end of the query after the closing quote/);
  const deep = syntaxError(`${'('.repeat(100)}a${')'.repeat(100)}`);
  assert.match(deep.message, /expected at most 64 nested/);
  assert.equal(syntaxError('rock year:').position, 11);
});

test('fuzz: any string parses to a tree or fails with a QueryError, never anything else', () => {
  const next = rng(20261122);
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < 20_000; i++) {
    const q = randomQuery(next);
    try {
      const parsedQuery = parseQuery(q);
      assert.ok(parsedQuery.root === null || typeof parsedQuery.root.kind === 'string');
      ok++;
    } catch (err) {
      if (!(err instanceof QueryError)) assert.fail(`query ${JSON.stringify(q)} threw ${String(err)}`);
      assert.match(err.message, /^at \d+: /);
      assert.ok(err.position >= 1 && err.position <= q.length + 1, `position ${err.position} inside ${JSON.stringify(q)}`);
      refused++;
    }
  }
  // Both outcomes must be common, or the fuzz is not exploring the grammar.
  assert.ok(ok > 2000 && refused > 2000, `ok ${ok}, refused ${refused}`);
});
