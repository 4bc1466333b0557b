/**
 * The native v3 fixture (../shared/fixtures/native-v3, format §1.13) through SQL: its rows and
 * view, lookups through uniq_users_name_idx and idx_users_score, writes that honour its CHECK,
 * UNIQUE and DEFAULT, its AFTER UPDATE trigger with native semantics, and — after checkpoint
 * and close — the file still decodes with `decentdb inspect`'s reader. Works on a copy.
 *
 * Trigger semantics (dml.ts): the action runs once per row the UPDATE changed, after the
 * statement's own rows were written; the action (an UPDATE of users) does not fire the trigger
 * again while it runs (non-recursive). So `UPDATE users SET score = 20 WHERE id = 2` leaves
 * Alice's score + 1.0, and an UPDATE of n rows adds n × 1.0 to Alice.
 */
import { copyFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, NodeVfs } from '../../src/index.js';
import { inspectFile } from '../../src/cli/inspect.js';
import { failure, rows, tempDir } from '../sql/sql-helpers.js';

const FIXTURE = '/work/shared/fixtures/native-v3/v3_fixture.db';
// Raw TIMESTAMP values are µs since the epoch (format §1.13: "treat fixture timestamps as raw ints").
const ALICE_CREATED = new Date(1672574400000 / 1000);
const BOB_CREATED = new Date(1672660800000 / 1000);

let dir: ReturnType<typeof tempDir>;
let path: string;
let db: Database;

beforeEach(() => {
  dir = tempDir('decentdb-fixture-');
  path = dir.path('v3_fixture.db');
  copyFileSync(FIXTURE, path);
  db = Database.open(path);
});

afterEach(() => {
  if (db.isOpen) db.close();
  dir.remove();
});

describe('the native v3 fixture through SQL', () => {
  it('SELECT * FROM users returns both rows with native values', () => {
    const all = rows(db, 'SELECT * FROM users ORDER BY id');
    expect(db.prepare('SELECT * FROM users').columns()).toEqual([
      { name: 'id', type: 'INT64' },
      { name: 'is_active', type: 'BOOL' },
      { name: 'score', type: 'FLOAT64' },
      { name: 'name', type: 'TEXT' },
      { name: 'bio', type: 'TEXT' },
      { name: 'avatar', type: 'BLOB' },
      { name: 'balance', type: 'DECIMAL(10,2)' },
      { name: 'created_at', type: 'TIMESTAMP' },
    ]);
    expect(all[0]).toEqual([1, true, 10.5, 'Alice', 'Hello', new Uint8Array([1, 2, 3]), '100.50', ALICE_CREATED]);
    expect(all[1]).toEqual([2, false, 0, 'Bob', 'A'.repeat(10_000), new Uint8Array([4, 5]), '0.00', BOB_CREATED]);
  });

  it('the view active_users holds only active users', () => {
    expect(rows(db, 'SELECT id, name FROM active_users')).toEqual([[1, 'Alice']]);
    expect(rows(db, 'SELECT COUNT(*) FROM active_users a JOIN users u ON u.id = a.id')).toEqual([[1]]);
  });

  it('lookups use uniq_users_name_idx and idx_users_score', () => {
    const plan = (sql: string): string => rows(db, `EXPLAIN ${sql}`).flat().join('\n');
    expect(plan("SELECT id FROM users WHERE name = 'Bob'")).toContain('IndexSeek users USING uniq_users_name_idx');
    expect(plan('SELECT id FROM users WHERE score = 10.5')).toContain('USING idx_users_score');
    expect(plan('SELECT id FROM users WHERE score > 5')).toContain('USING idx_users_score');
    expect(rows(db, "SELECT id FROM users WHERE name = 'Bob'")).toEqual([[2]]);
    expect(rows(db, "SELECT id FROM users WHERE name = 'Nobody'")).toEqual([]);
    expect(rows(db, 'SELECT id FROM users WHERE score = 10.5')).toEqual([[1]]);
    expect(rows(db, 'SELECT id FROM users WHERE score = 0')).toEqual([[2]]);
    expect(rows(db, 'SELECT id FROM users WHERE score > 5')).toEqual([[1]]);
    expect(rows(db, 'SELECT id FROM users WHERE score >= -1 AND score < 10.5')).toEqual([[2]]);
  });

  it('writes honour CHECK, UNIQUE, NOT NULL, the integer primary key and DEFAULT 0', () => {
    expect(failure(() => db.exec("INSERT INTO users (id, is_active, score, name) VALUES (3, true, -1, 'Carol')"))).toMatchObject({
      code: 'ERR_CONSTRAINT',
      details: { table: 'users', constraint: 'score_check' },
    });
    expect(failure(() => db.exec("INSERT INTO users (id, is_active, name) VALUES (3, true, 'Alice')")).message).toContain('uniq_users_name_idx');
    expect(failure(() => db.exec("INSERT INTO users (id, name) VALUES (3, 'Carol')")).details).toMatchObject({ column: 'is_active' });
    expect(failure(() => db.exec("INSERT INTO users (id, is_active, name) VALUES (2, true, 'Carol')")).details).toMatchObject({ column: 'id', value: '2' });
    expect(rows(db, "INSERT INTO users (id, is_active, score, name) VALUES (3, true, 1.5, 'Carol') RETURNING balance, created_at")).toEqual([['0.00', null]]);
    // The stored next_row_id is 1 although rowids 1 and 2 exist: the engine recomputes it.
    expect(rows(db, "INSERT INTO users (is_active, name) VALUES (false, 'Dave') RETURNING id")).toEqual([[4]]);
    expect(rows(db, "SELECT id FROM users WHERE name = 'Carol'")).toEqual([[3]]);
    expect(rows(db, 'SELECT id FROM users WHERE score = 1.5')).toEqual([[3]]);
    expect(failure(() => db.exec('UPDATE users SET score = -5 WHERE id = 3')).code).toBe('ERR_CONSTRAINT');
  });

  it('the AFTER UPDATE trigger runs once per updated row and does not re-fire itself', () => {
    db.exec('UPDATE users SET score = 20 WHERE id = 2');
    expect(rows(db, 'SELECT id, score FROM users ORDER BY id')).toEqual([[1, 11.5], [2, 20]]);
    // Updating Alice herself: the statement sets 1, then the trigger adds 1.0 once.
    db.exec('UPDATE users SET score = 1 WHERE id = 1');
    expect(rows(db, 'SELECT score FROM users WHERE id = 1')).toEqual([[2]]);
    // Two rows changed: the action runs twice.
    db.exec('UPDATE users SET score = 0');
    expect(rows(db, 'SELECT id, score FROM users ORDER BY id')).toEqual([[1, 2], [2, 0]]);
    // No row changed: no action.
    expect(db.prepare('UPDATE users SET score = 7 WHERE id = 99').run().changes).toBe(0);
    expect(rows(db, 'SELECT score FROM users WHERE id = 1')).toEqual([[2]]);
    // INSERT and DELETE do not fire an UPDATE trigger.
    db.exec("INSERT INTO users (id, is_active, name) VALUES (5, true, 'Eve'); DELETE FROM users WHERE id = 5");
    expect(rows(db, 'SELECT score FROM users WHERE id = 1')).toEqual([[2]]);
  });

  it('a trigger action that fails undoes the whole statement, trigger effects included', () => {
    db.exec("CREATE TRIGGER break_bob AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('UPDATE users SET score = -100 WHERE id = 2')");
    expect(failure(() => db.exec("UPDATE users SET bio = 'changed' WHERE id = 1")).details).toMatchObject({ constraint: 'score_check' });
    expect(rows(db, 'SELECT id, score, bio FROM users WHERE id = 1')).toEqual([[1, 10.5, 'Hello']]);
    db.exec('DROP TRIGGER break_bob ON users');
    db.exec("UPDATE users SET bio = 'changed' WHERE id = 1");
    expect(rows(db, 'SELECT id, score, bio FROM users WHERE id = 1')).toEqual([[1, 11.5, 'changed']]);
  });

  it('after writes, checkpoint and close the file still decodes with the inspect reader', () => {
    db.exec("INSERT INTO users (id, is_active, score, name, bio, balance) VALUES (3, true, 2.5, 'Carol', 'Hi', 12.34)");
    db.exec('UPDATE users SET bio = NULL WHERE id = 3');
    db.exec('CREATE INDEX users_bio ON users (bio)');
    db.checkpoint();
    db.close();
    const file = new NodeVfs().open(path, { mode: 'open', readOnly: true });
    try {
      const r = inspectFile(file);
      expect(r.header.version).toBe(3);
      const users = r.tables.users!;
      expect(users.columns).toContain('score:FLOAT64');
      expect(users.rows.map((row) => row.slice(0, 4))).toEqual([
        [1, true, 11.5, 'Alice'],
        [2, false, 0, 'Bob'],
        [3, true, 2.5, 'Carol'],
      ]);
      expect(users.rows[2]![6]).toEqual({ decimal: 1234, scale: 2 });
      const names = r.catalog.map((rec) => rec[1]);
      expect(names).toEqual(expect.arrayContaining(['users', 'uniq_users_name_idx', 'idx_users_score', 'active_users', 'update_score_trigger', 'users_bio']));
    } finally {
      file.close();
    }
    db = Database.open(path);
    expect(rows(db, "SELECT id FROM users WHERE name = 'Carol'")).toEqual([[3]]);
    expect(rows(db, 'SELECT COUNT(*) FROM users WHERE bio IS NULL')).toEqual([[1]]);
  });
});
