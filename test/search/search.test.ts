import { test } from 'node:test';
import assert from 'node:assert/strict';
import { search, searchTrackIds } from '../../src-main/search/search.js';
import { QueryError } from '../../src-main/search/query-error.js';
import { autocomplete } from '../../src-main/search/autocomplete.js';
import { baseModels, insertAnalysis, insertTrack, label, makeLibrary, predict, type Library } from './fixture.js';
import { randomQuery, rng } from './fuzz.js';

const opts = { baseModels };

/** Names of the tracks a query finds, in result order. */
function names(lib: Library, q: string, extra: { asYouType?: boolean } = {}): string[] {
  const byId = new Map(Object.entries(lib.ids).map(([k, v]) => [v, k]));
  return search(lib.db, q, { ...opts, ...extra }).tracks.map((t) => byId.get(t.id) ?? String(t.id));
}

const sorted = (a: string[]) => [...a].sort();

function queryError(lib: Library, q: string): QueryError {
  try {
    search(lib.db, q, opts);
  } catch (err) {
    assert.ok(err instanceof QueryError, `expected a QueryError for ${q}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${q} to be refused`);
}

test('free words match title, artist, album, genre and file name, ignoring case and accents', (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(names(lib, 'cafe'), ['cafe']);
  assert.deepEqual(names(lib, 'ENERGIE'), ['cafe']);
  assert.deepEqual(names(lib, 'ebene'), ['cafe']);
  assert.deepEqual(names(lib, 'withers'), ['lovely']);
  assert.deepEqual(names(lib, 'grunge'), ['nineties']);
  assert.deepEqual(names(lib, 'flac'), ['love']); // the file name's extension is a word
  assert.deepEqual(names(lib, 'live'), ['untagged']); // from the file name only
  assert.deepEqual(names(lib, '"kind of blue"'), ['blue']);
  assert.deepEqual(names(lib, '"blue of kind"'), []);
  // Whole words by default; a * or search-as-you-type makes the last word a prefix.
  assert.deepEqual(names(lib, 'love'), ['love']);
  assert.deepEqual(sorted(names(lib, 'love*')), ['love', 'lovely']);
  assert.deepEqual(sorted(names(lib, 'lov', { asYouType: true })), ['love', 'lovely']);
  assert.deepEqual(names(lib, 'lov ', { asYouType: true }), []);
  assert.deepEqual(sorted(names(lib, 'title:lov', { asYouType: true })), ['love', 'lovely']);
  // A sort: a door appends after one space does not end the word being typed.
  assert.deepEqual(names(lib, 'lov sort:-title', { asYouType: true }), ['lovely', 'love']);
  assert.deepEqual(names(lib, 'lov  sort:-title', { asYouType: true }), []);
  // A missing file is never returned ("Vanished Love" is status missing).
  assert.deepEqual(names(lib, 'vanished'), []);
  // Punctuation-only words are ignored rather than matching nothing.
  assert.equal(names(lib, '!!!').length, 6);
  // The file name is what follows the last slash or backslash.
  const win = insertTrack(lib.db, { path: 'C:\\Users\\Ann\\Music\\Win Tune.flac' });
  assert.deepEqual(search(lib.db, 'tune', opts).tracks.map((h) => h.id), [win]);
  assert.deepEqual(search(lib.db, 'ann', opts).tracks, []);
  assert.deepEqual(search(lib.db, 'path:users\\ann', opts).tracks.map((h) => h.id), [win]);
  assert.deepEqual(search(lib.db, 'path:users/ann/music', opts).tracks.map((h) => h.id), [win]);
});

test('metadata fields: text columns, ranges, comparisons, format and path', (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(names(lib, 'title:love'), ['love']);
  assert.deepEqual(names(lib, 'artist:love'), []);
  assert.deepEqual(names(lib, 'album:"please please"'), ['love']);
  assert.deepEqual(names(lib, 'genre:jazz'), ['blue']);
  assert.deepEqual(sorted(names(lib, 'year:1990..1999')), ['cafe', 'nineties']);
  assert.deepEqual(sorted(names(lib, 'year:..1965')), ['blue', 'love']);
  assert.deepEqual(names(lib, 'year:1977'), ['lovely']);
  assert.deepEqual(sorted(names(lib, 'duration:>300')), ['blue', 'cafe', 'nineties']);
  assert.deepEqual(names(lib, 'duration:301'), ['nineties']);
  assert.deepEqual(sorted(names(lib, 'duration:<=2:22')), ['love', 'untagged']);
  assert.deepEqual(sorted(names(lib, 'format:mp3')), ['blue', 'cafe', 'nineties']);
  assert.deepEqual(names(lib, 'format:FLAC'), ['love']);
  assert.deepEqual(names(lib, 'format:vorbis'), ['lovely']);
  assert.deepEqual(sorted(names(lib, 'path:/music/jazz/')), ['blue', 'lovely']);
  assert.deepEqual(names(lib, 'path:"track 07"'), ['untagged']);
});

test('tag:NAME is labelled yes or predicted at the active threshold; a no label always excludes', (t) => {
  const lib = makeLibrary(t);
  // Threshold 0.6 (active model): cafe 0.9, lovely 0.65; blue 0.85 but labelled no; nineties 0.1 but labelled yes.
  assert.deepEqual(sorted(names(lib, 'tag:warm')), ['cafe', 'lovely', 'nineties']);
  assert.deepEqual(sorted(names(lib, 'tag:WARM')), ['cafe', 'lovely', 'nineties']);
  assert.deepEqual(sorted(names(lib, '-tag:warm')), ['blue', 'love', 'untagged']);
  // Explicit probabilities: labels count as 1 (yes) and 0 (no).
  assert.deepEqual(sorted(names(lib, 'tag:warm>0.8')), ['cafe', 'nineties']);
  assert.deepEqual(sorted(names(lib, 'tag:warm<0.5')), ['blue', 'love']);
  assert.deepEqual(sorted(names(lib, 'tag:warm=0.6..0.7')), ['lovely']);
  // Any segment at or above the threshold: love's second segment is 0.65.
  assert.deepEqual(sorted(names(lib, 'tag:warm@any')), ['cafe', 'love', 'lovely', 'nineties']);
  assert.deepEqual(sorted(names(lib, 'tag:warm@any>0.9')), ['cafe', 'nineties']);
  // Labels only.
  assert.deepEqual(names(lib, 'label:warm'), ['nineties']);
  assert.deepEqual(names(lib, 'label:warm=no'), ['blue']);
  assert.deepEqual(sorted(names(lib, 'label:warm=any')), ['blue', 'nineties']);
  // The scores the query used come back per track; the default order is by score.
  const r = search(lib.db, 'tag:warm', opts);
  assert.deepEqual(r.tracks.map((h) => [h.id, h.tags['tag:warm']]), [
    [lib.ids.nineties, 1],
    [lib.ids.cafe, 0.9],
    [lib.ids.lovely, 0.65],
  ]);
  assert.equal(r.tracks[0]?.score, 1);
});

test('a threshold override wins over the model threshold, and a new label shows at once', (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(sorted(names(lib, 'tag:warm')), ['cafe', 'lovely', 'nineties']);
  lib.db.prepare('UPDATE user_tags SET threshold_override = 0.7 WHERE id = ?').run(lib.warm);
  assert.deepEqual(sorted(names(lib, 'tag:warm')), ['cafe', 'nineties']);
  label(lib.db, lib.warm, lib.ids.cafe!, 0);
  assert.deepEqual(names(lib, 'tag:warm'), ['nineties']);
  predict(lib.db, lib.tagModel, lib.warm, lib.ids.love!, 0.99);
  assert.deepEqual(sorted(names(lib, 'tag:warm')), ['love', 'nineties']);
  lib.db.prepare('UPDATE user_tags SET name = ?, name_key = ? WHERE id = ?').run('Cosy', 'cosy', lib.warm);
  assert.deepEqual(sorted(names(lib, 'tag:cosy')), ['love', 'nineties']);
  assert.match(queryError(lib, 'tag:warm').message, /unknown tag "warm"; your tags are: Cosy, "late night"/);
});

test('base tags: msd: or the model id, explicit thresholds, top tags, segment maxima', (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(sorted(names(lib, 'msd:jazz>0.3')), ['blue', 'cafe', 'lovely']);
  assert.deepEqual(sorted(names(lib, 'choi-crnn-msd:jazz>0.3')), ['blue', 'cafe', 'lovely']);
  assert.deepEqual(sorted(names(lib, 'MSD:Jazz>0.9')), ['blue']);
  assert.deepEqual(names(lib, 'msd:female_vocalists>0.5'), ['lovely']);
  assert.deepEqual(names(lib, 'msd:"female vocalists">0.5'), ['lovely']);
  assert.deepEqual(names(lib, 'msd:hiphop>0.3'), ['lovely']);
  // Without a comparison: among the track's 3 strongest base tags.
  assert.deepEqual(sorted(names(lib, 'msd:jazz')), ['blue', 'cafe', 'lovely']);
  assert.deepEqual(sorted(names(lib, 'msd:rock')), ['blue', 'love', 'nineties']);
  // @max reads the strongest segment (tags_max).
  assert.deepEqual(sorted(names(lib, 'msd:jazz@max>0.85')), ['blue', 'lovely']);
  // The untagged track has no analysis: it never matches a base tag.
  assert.ok(!names(lib, 'msd:rock<0.5').includes('untagged'));
  const r = search(lib.db, 'msd:jazz>0.3', opts);
  assert.equal(r.tracks[0]?.id, lib.ids.blue);
  assert.equal(r.tracks[0]?.tags['msd:jazz'], 0.95);
  assert.match(queryError(lib, 'msd:banjo>0.2').message, /^at 5: unknown tag "banjo" of choi-crnn-msd; its tags are: rock, pop, jazz, "female vocalists", Hip-Hop/);
  assert.match(queryError(lib, 'mood:happy').message, /^at 1: unknown field "mood:"; expected one of title: artist: .* msd:/);
});

test('like: ranks by embedding similarity, by id or path, and combines with filters', (t) => {
  const lib = makeLibrary(t);
  // cafe [1,0,0,0]; lovely [0.9,0.1,..] is closest, then blue [0.5,0,0.5,0].
  assert.deepEqual(names(lib, `like:${lib.ids.cafe}`), ['cafe', 'lovely', 'blue', 'nineties', 'love']);
  assert.deepEqual(names(lib, 'like:"/music/Ébène/01 Café del Mar.mp3"').slice(0, 2), ['cafe', 'lovely']);
  assert.deepEqual(names(lib, 'like:"01 Café del Mar.mp3"').slice(0, 2), ['cafe', 'lovely']);
  assert.deepEqual(names(lib, `like:${lib.ids.cafe} -year:1993`), ['lovely', 'blue', 'nineties', 'love']);
  assert.deepEqual(names(lib, `like:${lib.ids.cafe}>0.5`), ['cafe', 'lovely', 'blue']);
  assert.deepEqual(names(lib, `like:${lib.ids.cafe} tag:warm`), ['cafe', 'lovely', 'nineties']);
  const r = search(lib.db, `like:${lib.ids.cafe} tag:warm`, opts);
  assert.ok(Math.abs((r.tracks[1]?.score ?? 0) - 0.9 / Math.hypot(0.9, 0.1)) < 1e-3);
  assert.deepEqual(Object.keys(r.tracks[1]?.tags ?? {}).sort(), [`like:${lib.ids.cafe}`, 'tag:warm']);
  assert.match(queryError(lib, 'like:99999').message, /^at 6: expected a track id or path after "like:", but there is no track 99999/);
  assert.match(queryError(lib, `like:${lib.ids.untagged}`).message, /has no embedding yet/);
  assert.match(queryError(lib, 'like:nothing.mp3').message, /no track has the path "nothing.mp3"/);
});

test('booleans, sorting, limit and paging', (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(sorted(names(lib, 'year:<1970 OR genre:soul')), ['blue', 'love', 'lovely']);
  assert.deepEqual(sorted(names(lib, '(year:<1970 OR genre:soul) -format:flac')), ['blue', 'lovely']);
  assert.deepEqual(sorted(names(lib, 'NOT (tag:warm OR label:warm=no)')), ['love', 'untagged']);
  assert.deepEqual(names(lib, 'year:1900..2100 sort:year'), ['blue', 'love', 'lovely', 'nineties', 'cafe']);
  assert.deepEqual(names(lib, 'sort:-year'), ['cafe', 'nineties', 'lovely', 'love', 'blue', 'untagged']);
  assert.deepEqual(names(lib, 'sort:-tag:warm'), ['nineties', 'cafe', 'lovely', 'love', 'blue', 'untagged']);
  assert.deepEqual(names(lib, 'sort:-msd:jazz limit:2'), ['blue', 'cafe']);
  assert.deepEqual(names(lib, 'sort:duration'), ['untagged', 'love', 'lovely', 'nineties', 'cafe', 'blue']);
  // Default order without scores: artist (nulls last), album, track.
  assert.deepEqual(names(lib, ''), ['lovely', 'cafe', 'blue', 'nineties', 'love', 'untagged']);
  const page = search(lib.db, 'sort:year', { ...opts, limit: 2, offset: 1 });
  assert.equal(page.total, 6);
  assert.deepEqual(page.tracks.map((h) => h.id), [lib.ids.love, lib.ids.lovely]);
  const capped = search(lib.db, 'sort:year limit:3', { ...opts, limit: 10, offset: 2 });
  assert.equal(capped.total, 3);
  assert.deepEqual(capped.tracks.map((h) => h.id), [lib.ids.lovely]);
  assert.deepEqual(searchTrackIds(lib.db, 'sort:year limit:2', opts), [lib.ids.blue, lib.ids.love]);
  const hit = search(lib.db, 'title:"so what"', opts).tracks[0];
  assert.deepEqual(hit, { id: lib.ids.blue, path: '/music/Jazz/So What.mp3', title: 'So What', artist: 'Miles Davis', album: 'Kind of Blue', durationSec: 562, score: null, tags: {} });
});

test('the cache follows the database: new tracks, new analyses, other connections', async (t) => {
  const lib = makeLibrary(t);
  assert.deepEqual(names(lib, 'year:2020'), []);
  const id = insertTrack(lib.db, { path: '/music/new.mp3', title: 'Brand New', year: 2020, durationSec: 10, format: 'MPEG' });
  assert.deepEqual(search(lib.db, 'year:2020', opts).tracks.map((h) => h.id), [id]);
  assert.deepEqual(search(lib.db, 'brand', opts).tracks.map((h) => h.id), [id]);
  insertAnalysis(lib.db, id, [0, 0, 0.99, 0, 0], [1, 0, 0, 0.01], { analysedAt: 1_800_000_000_000 });
  assert.ok(search(lib.db, 'msd:jazz>0.98', opts).tracks.some((h) => h.id === id));
  assert.equal(search(lib.db, `like:${lib.ids.cafe}`, opts).tracks[1]?.id, id);
  // A second connection (another process) writes: data_version tells this one.
  const { openDatabase } = await import('../../src-main/db/database.js');
  const other = openDatabase(lib.db.name);
  other.prepare("UPDATE tracks SET status = 'missing' WHERE id = ?").run(id);
  other.close();
  assert.deepEqual(names(lib, 'year:2020'), []);
});

test('autocomplete lists fields, tags and base tags, and completes the word being typed', (t) => {
  const lib = makeLibrary(t);
  const a = autocomplete(lib.db, 'ta', opts);
  assert.ok(a.fields.includes('year:') && a.fields.includes('msd:'));
  assert.deepEqual(a.tags, ['late night', 'warm']);
  assert.deepEqual(a.baseTags[0]?.tags.slice(0, 3), ['rock', 'pop', 'jazz']);
  assert.deepEqual(a.suggestions, ['tag:']);
  assert.deepEqual(autocomplete(lib.db, 'tag:l', opts).suggestions, ['tag:"late night"']);
  assert.deepEqual(autocomplete(lib.db, '-label:W', opts).suggestions, ['-label:warm']);
  assert.deepEqual(autocomplete(lib.db, 'msd:fem', opts).suggestions, ['msd:"female vocalists"']);
  assert.deepEqual(autocomplete(lib.db, 'sort:-ye', opts).suggestions, ['sort:-year']);
  assert.ok(autocomplete(lib.db, 'sort:tag:', opts).suggestions.includes('sort:tag:warm'));
});

test('fuzz: executing any string returns results or throws a QueryError, nothing else', (t) => {
  const lib = makeLibrary(t);
  const rand = rng(7);
  const extra = ['tag:warm', 'msd:jazz>0.2', `like:${lib.ids.cafe}`, 'year:1990..', 'love', 'label:warm=no', 'sort:-tag:warm', 'limit:3', 'title:"so what"', '"a'];
  let ran = 0;
  for (let i = 0; i < 3000; i++) {
    let q = randomQuery(rand);
    if (rand() < 0.5) q = `${extra[Math.floor(rand() * extra.length)]!} ${q} ${extra[Math.floor(rand() * extra.length)]!}`;
    try {
      const r = search(lib.db, q, { ...opts, asYouType: rand() < 0.5, limit: 5 });
      assert.ok(r.total >= r.tracks.length);
      ran++;
    } catch (err) {
      if (!(err instanceof QueryError)) assert.fail(`query ${JSON.stringify(q)} threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  assert.ok(ran > 300, `only ${ran} queries ran`);
});
