import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { openDatabase, migrate, schemaVersion } from '../../src-main/db/database.js';
import { migrations } from '../../src-main/db/migrations/index.js';
import { tmpDir } from '../helpers/tmp.js';

test('a new database is migrated to the latest version, with WAL and foreign keys', (t) => {
  const db = openDatabase(path.join(tmpDir(t), 'lib.db'));
  t.after(() => db.close());
  assert.equal(schemaVersion(db), migrations.length);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(db.pragma('integrity_check', { simple: true }), 'ok');
});

test('migrations apply one by one and keep earlier rows', (t) => {
  const file = path.join(tmpDir(t), 'lib.db');
  const db = openDatabase(file, { migrate: false });
  migrate(db, 1);
  assert.equal(schemaVersion(db), 1);
  db.prepare("INSERT INTO tracks (path, status, title, added_at, updated_at) VALUES ('/m/a.mp3', 'ok', 'Café', 1, 1)").run();
  migrate(db);
  assert.equal(schemaVersion(db), migrations.length);
  const row = db.prepare('SELECT title FROM tracks').get() as { title: string };
  assert.equal(row.title, 'Café');
  db.close();
});

test('a database from a newer Earmark is refused with a clear error', (t) => {
  const file = path.join(tmpDir(t), 'lib.db');
  const db = openDatabase(file);
  db.pragma(`user_version = ${migrations.length + 1}`);
  db.close();
  assert.throws(() => openDatabase(file), /newer than this Earmark/);
});
