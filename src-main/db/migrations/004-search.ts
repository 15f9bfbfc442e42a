import type { Migration } from './index.js';

export const search: Migration = {
  name: '004-search',
  sql: `
-- Free-text search: case- and accent-insensitive, kept in step with tracks by triggers.
CREATE VIRTUAL TABLE tracks_fts USING fts5(
  title, artist, album, genre, filename,
  content='', contentless_delete=1,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tracks_fts_ai AFTER INSERT ON tracks BEGIN
  INSERT INTO tracks_fts(rowid, title, artist, album, genre, filename)
  VALUES (new.id, new.title, new.artist, new.album, new.genre, replace(new.path, rtrim(new.path, replace(new.path, '/', '')), ''));
END;
CREATE TRIGGER tracks_fts_ad AFTER DELETE ON tracks BEGIN
  DELETE FROM tracks_fts WHERE rowid = old.id;
END;
CREATE TRIGGER tracks_fts_au AFTER UPDATE OF title, artist, album, genre, path ON tracks BEGIN
  DELETE FROM tracks_fts WHERE rowid = old.id;
  INSERT INTO tracks_fts(rowid, title, artist, album, genre, filename)
  VALUES (new.id, new.title, new.artist, new.album, new.genre, replace(new.path, rtrim(new.path, replace(new.path, '/', '')), ''));
END;
`,
};
