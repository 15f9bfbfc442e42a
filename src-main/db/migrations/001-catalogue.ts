import type { Migration } from './index.js';

export const catalogue: Migration = {
  name: '001-catalogue',
  sql: `
CREATE TABLE roots (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE,
  added_at      INTEGER NOT NULL,              -- unix ms
  last_scan_at  INTEGER,
  last_status   TEXT                           -- ok | unavailable | empty | unreadable
);

-- One row per audio file ever seen. Rows are never deleted by a scan:
-- labels and analyses hang off the id, which follows the audio across
-- renames and moves (content_hash).
CREATE TABLE tracks (
  id            INTEGER PRIMARY KEY,
  path          TEXT NOT NULL UNIQUE,          -- absolute; lossy display form when path_raw is set
  path_raw      BLOB,                          -- exact bytes of a name that is not valid UTF-8
  root_id       INTEGER REFERENCES roots(id) ON DELETE SET NULL,
  size          INTEGER,
  mtime_ms      INTEGER,
  content_hash  TEXT,
  status        TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'error')),
  error         TEXT,
  title         TEXT,
  artist        TEXT,                          -- display form of artists
  artists       TEXT,                          -- JSON array
  album         TEXT,
  album_artist  TEXT,
  track_no      INTEGER,
  track_total   INTEGER,
  disc_no       INTEGER,
  disc_total    INTEGER,
  year          INTEGER,
  date          TEXT,
  genre         TEXT,                          -- display form of genres
  genres        TEXT,                          -- JSON array
  duration_sec  REAL,
  format        TEXT,                          -- container, e.g. MPEG, FLAC, Ogg
  codec         TEXT,
  sample_rate   INTEGER,
  channels      INTEGER,
  bitrate       INTEGER,
  moods         TEXT,                          -- JSON array of existing mood tags
  comments      TEXT,                          -- JSON array
  mb_recording_id TEXT,
  mb_track_id   TEXT,
  mb_album_id   TEXT,
  mb_artist_id  TEXT,
  added_at      INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  missing_since INTEGER
);
CREATE INDEX tracks_hash ON tracks(content_hash);
CREATE INDEX tracks_status ON tracks(status);
CREATE INDEX tracks_root ON tracks(root_id);

-- Things under a root that are not tracks but went wrong (a dangling
-- symlink, an unreadable folder). Replaced for a root on each scan of it.
CREATE TABLE scan_errors (
  id       INTEGER PRIMARY KEY,
  root_id  INTEGER REFERENCES roots(id) ON DELETE CASCADE,
  path     TEXT NOT NULL,
  error    TEXT NOT NULL,
  at       INTEGER NOT NULL
);
`,
};
