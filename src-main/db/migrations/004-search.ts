import type { Migration } from './index.js';

export const search: Migration = {
  name: '004-search',
  sql: `
-- Free-text search: case- and accent-insensitive, kept in step with tracks by triggers.
-- filename: the path after its last slash or backslash (Windows paths too).
CREATE VIRTUAL TABLE tracks_fts USING fts5(
  title, artist, album, genre, filename,
  content='', contentless_delete=1,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tracks_fts_ai AFTER INSERT ON tracks BEGIN
  INSERT INTO tracks_fts(rowid, title, artist, album, genre, filename)
  VALUES (new.id, new.title, new.artist, new.album, new.genre, replace(new.path, rtrim(new.path, replace(replace(new.path, '/', ''), '\\', '')), ''));
END;
CREATE TRIGGER tracks_fts_ad AFTER DELETE ON tracks BEGIN
  DELETE FROM tracks_fts WHERE rowid = old.id;
END;
CREATE TRIGGER tracks_fts_au AFTER UPDATE OF title, artist, album, genre, path ON tracks BEGIN
  DELETE FROM tracks_fts WHERE rowid = old.id;
  INSERT INTO tracks_fts(rowid, title, artist, album, genre, filename)
  VALUES (new.id, new.title, new.artist, new.album, new.genre, replace(new.path, rtrim(new.path, replace(replace(new.path, '/', ''), '\\', '')), ''));
END;

-- Search keeps columns in memory and checks their freshness with counts and
-- maxima; these indexes make those checks O(log n) instead of a table scan
-- (analyses rows carry kilobytes of BLOBs).
CREATE INDEX tracks_updated ON tracks(updated_at);
CREATE INDEX analyses_model_done ON analyses(model_id, status, analysed_at);
`,
};
