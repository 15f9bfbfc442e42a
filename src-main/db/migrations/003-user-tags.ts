import type { Migration } from './index.js';

export const userTags: Migration = {
  name: '003-user-tags',
  sql: `
-- The user's own vocabulary. Deleting sets deleted_at (restorable).
CREATE TABLE user_tags (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  name_key           TEXT NOT NULL,            -- NFKC + case-folded, for comparison
  created_at         INTEGER NOT NULL,
  deleted_at         INTEGER,
  threshold_override REAL,                     -- set by \`tags threshold\`; NULL: the trained one
  merged_into        INTEGER REFERENCES user_tags(id) -- set when deleted by \`tags merge\`
);
CREATE UNIQUE INDEX user_tags_live_name ON user_tags(name_key) WHERE deleted_at IS NULL;

-- Labels are the user's work: never deleted by a scan, a retrain or a model change.
CREATE TABLE labels (
  tag_id      INTEGER NOT NULL REFERENCES user_tags(id),
  track_id    INTEGER NOT NULL REFERENCES tracks(id),
  value       INTEGER NOT NULL CHECK (value IN (0, 1)),
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (tag_id, track_id)
) WITHOUT ROWID;
CREATE INDEX labels_track ON labels(track_id);

-- Trained models of the user's tags; files in the data directory
-- (<dataDir>/tag-models/<id>/). 'pending' while written and validated; a
-- row left 'pending' by a crash is never used and is marked 'failed' later.
CREATE TABLE tag_models (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,
  path           TEXT NOT NULL,
  base_model_id  TEXT NOT NULL,
  seed           INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('pending', 'active', 'previous', 'failed')),
  info           TEXT                          -- JSON
);
CREATE UNIQUE INDEX tag_models_one_active ON tag_models(status) WHERE status = 'active';

-- Cross-validated quality of each tag in a trained model.
CREATE TABLE tag_quality (
  tag_model_id   INTEGER NOT NULL REFERENCES tag_models(id) ON DELETE CASCADE,
  tag_id         INTEGER NOT NULL REFERENCES user_tags(id),
  chosen         TEXT NOT NULL,                -- gru | logreg
  roc_auc        REAL,
  pr_auc         REAL,
  f1             REAL,
  threshold      REAL NOT NULL,
  n_yes          INTEGER NOT NULL,
  n_no           INTEGER NOT NULL,
  details        TEXT,                         -- JSON: both candidates, learning curve
  PRIMARY KEY (tag_model_id, tag_id)
);

CREATE TABLE predictions (
  track_id       INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
  tag_id         INTEGER NOT NULL REFERENCES user_tags(id),
  tag_model_id   INTEGER NOT NULL REFERENCES tag_models(id) ON DELETE CASCADE,
  probability    REAL NOT NULL,
  segment_probs  BLOB,                         -- float32[n_segments]
  PRIMARY KEY (track_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX predictions_tag ON predictions(tag_id, probability);
`,
};
