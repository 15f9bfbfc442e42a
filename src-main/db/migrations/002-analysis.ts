import type { Migration } from './index.js';

export const analysis: Migration = {
  name: '002-analysis',
  sql: `
-- Base models installed in the data directory (weights live in files).
CREATE TABLE base_models (
  id            TEXT NOT NULL,
  version       TEXT NOT NULL,
  path          TEXT NOT NULL,
  sha256        TEXT NOT NULL,
  installed_at  INTEGER NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (id, version)
);

-- The analysis queue and its results, one row per track and base model.
-- A track needs (re-)analysis when it has no row for the active model
-- version, or its content_hash changed since.
CREATE TABLE analyses (
  track_id       INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  model_id       TEXT NOT NULL,
  model_version  TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('done', 'error')),
  error          TEXT,
  content_hash   TEXT,
  segment_count  INTEGER,
  tags_mean      BLOB,                         -- float32[n_tags], mean over segments
  tags_max       BLOB,                         -- float32[n_tags], max over segments
  embedding_mean BLOB,                         -- float32[dim], mean-pooled segment embedding
  analysed_at    INTEGER NOT NULL,
  PRIMARY KEY (track_id, model_id)
);

CREATE TABLE segments (
  track_id   INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  model_id   TEXT NOT NULL,
  idx        INTEGER NOT NULL,
  start_sec  REAL NOT NULL,
  end_sec    REAL NOT NULL,
  probs      BLOB NOT NULL,                    -- float32[n_tags]
  embedding  BLOB NOT NULL,                    -- float32[dim]
  PRIMARY KEY (track_id, model_id, idx)
) WITHOUT ROWID;
`,
};
