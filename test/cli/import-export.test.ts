// import / export / checkpoint through main() on a MemoryVfs: CSV round trips (quotes,
// delimiters, line breaks, NULL vs empty), the Chinook Postgres script, export --sql replayed
// to the same content, and checkpoint of a database left with a WAL.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/engine/index.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import { copyFiles, jsonLines, readBytes, readString, run, writeBytes } from './cli-helpers.js';

const CHINOOK = new URL('../../../shared/data/chinook/Chinook_PostgreSql.sql', import.meta.url);

const CSV_TABLE = 'CREATE TABLE p (id INT PRIMARY KEY, name TEXT, note TEXT, amount DECIMAL(10,2), ok BOOL, at TIMESTAMP, raw BYTEA)';
const CSV_IN =
  'id,name,note,amount,ok,at,raw\n' +
  '1,"Smith, J","say ""hi""\nnext line",12.50,true,2024-01-02 03:04:05,\\x00ff\n' +
  '2,,"",,,,\n' +
  '3,plain,"a\r\nb",-0.01,false,1999-12-31 23:59:59.250001,\\x\n';

function inspectJson(vfs: MemoryVfs, path: string): { catalog: unknown[][]; tables: Record<string, { columns: string; rows: unknown[][] }> } {
  const r = run(vfs, 'inspect', path, '--json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as ReturnType<typeof inspectJson>;
}

describe('decentdb import/export --csv', () => {
  it('imports RFC 4180 CSV with a header and exports it back byte for byte', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', CSV_TABLE);
    writeBytes(vfs, '/in.csv', CSV_IN);
    const imp = run(vfs, 'import', '/db', '--csv', '/in.csv', '--header', '--table', 'p');
    expect(imp).toEqual({ code: 0, stdout: 'imported 3 rows into p\n', stderr: '' });
    const q = run(vfs, '/db', '--json', '-c', 'SELECT name, note, amount, ok FROM p ORDER BY id');
    expect(jsonLines(q.stdout)[0]).toEqual({
      columns: ['name', 'note', 'amount', 'ok'],
      rows: [
        ['Smith, J', 'say "hi"\nnext line', { decimal: 1250, scale: 2 }, true],
        [null, '', null, null],
        ['plain', 'a\r\nb', { decimal: -1, scale: 2 }, false],
      ],
      changes: 0,
    });
    const exp = run(vfs, 'export', '/db', '--table', 'p', '--csv', '/out.csv', '--header');
    expect(exp).toEqual({ code: 0, stdout: 'exported 3 rows to /out.csv\n', stderr: '' });
    expect(readString(vfs, '/out.csv')).toBe(CSV_IN);
  });

  it('imports without a header, with another delimiter, in several batches', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', 'CREATE TABLE n (id INT PRIMARY KEY, label TEXT)');
    let csv = '';
    for (let i = 1; i <= 250; i++) csv += `${i};"l;${i}"\n`;
    writeBytes(vfs, '/n.csv', csv);
    expect(run(vfs, 'import', '/db', '--table', 'n', '--csv', '/n.csv', '--delimiter', ';', '--batch-size', '100').code).toBe(0);
    const q = run(vfs, '/db', '--json', '-c', "SELECT count(*) AS c, min(label) AS lo FROM n; SELECT label FROM n WHERE id = 250");
    expect(jsonLines(q.stdout)).toEqual([
      { columns: ['c', 'lo'], rows: [[250, 'l;1']], changes: 0 },
      { columns: ['label'], rows: [['l;250']], changes: 0 },
    ]);
  });

  it('exports a query, and fails with ERR_ lines on bad input', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', "CREATE TABLE n (id INT PRIMARY KEY, label TEXT); INSERT INTO n VALUES (1, 'a'), (2, NULL)");
    expect(run(vfs, 'export', '/db', '--query', 'SELECT id * 10 AS x, label FROM n ORDER BY id', '--csv', '/q.csv').code).toBe(0);
    expect(readString(vfs, '/q.csv')).toBe('10,a\n20,\n');
    writeBytes(vfs, '/bad.csv', 'x,y\n');
    const bad = run(vfs, 'import', '/db', '--table', 'n', '--csv', '/bad.csv');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^decentdb: ERR_SQL: [^\n]*\n$/);
    writeBytes(vfs, '/open.csv', '1,"unterminated\n');
    expect(run(vfs, 'import', '/db', '--table', 'n', '--csv', '/open.csv').stderr).toMatch(/^decentdb: ERR_SQL: CSV record 1: unterminated quoted field\n$/);
    expect(run(vfs, 'import', '/db', '--table', 'nope', '--csv', '/q.csv').code).toBe(1);
  });

  it('shows progress on stderr only with --progress', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', 'CREATE TABLE n (id INT PRIMARY KEY)');
    writeBytes(vfs, '/n.csv', '1\n2\n');
    expect(run(vfs, 'import', '/db', '--table', 'n', '--csv', '/n.csv').stderr).toBe('');
    writeBytes(vfs, '/m.csv', '3\n4\n');
    expect(run(vfs, 'import', '/db', '--table', 'n', '--csv', '/m.csv', '--progress').stderr).toMatch(/^imported 2 rows \(\d+ rows\/s\)\n$/);
  });
});

describe('decentdb import/export --sql', () => {
  it('loads the Chinook Postgres script, and its export --sql replays to the same content', () => {
    const vfs = new MemoryVfs();
    writeBytes(vfs, '/chinook.sql', new Uint8Array(readFileSync(CHINOOK)));
    const imp = run(vfs, 'import', '/chinook.ddb', '--sql', '/chinook.sql');
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toMatch(/^ran \d+ statements \(skipped 3 psql\/database lines\)\n$/);
    const counts = run(vfs, '/chinook.ddb', '--json', '-c', 'SELECT count(*) FROM artist; SELECT count(*) FROM album; SELECT count(*) FROM track');
    expect(jsonLines(counts.stdout).map((l) => (l as { rows: number[][] }).rows[0]![0])).toEqual([275, 347, 3503]);

    expect(run(vfs, 'export', '/chinook.ddb', '--sql', '/dump.sql').code).toBe(0);
    const again = run(vfs, 'import', '/copy.ddb', '--sql', '/dump.sql');
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const a = inspectJson(vfs, '/chinook.ddb');
    const b = inspectJson(vfs, '/copy.ddb');
    expect(b.tables).toEqual(a.tables);
    // Catalog records match except for root page numbers.
    // Statistics records are measurements, not content: the replayed script builds some
    // indexes at a different moment (ALTER TABLE … ADD FOREIGN KEY), so their stats differ.
    const norm = (c: unknown[][]): string[] =>
      c
        .filter((r) => typeof r[0] !== 'string' || !r[0].startsWith('stats:'))
        .map((r) => JSON.stringify(r.map((v) => (typeof v === 'number' ? 0 : v))))
        .sort();
    expect(norm(b.catalog)).toEqual(norm(a.catalog));
  }, 60_000);

  it('exports views, triggers, checks, defaults and composite keys that replay', () => {
    const vfs = new MemoryVfs();
    const ddl =
      'CREATE TABLE a (id INT PRIMARY KEY, name TEXT NOT NULL UNIQUE, score FLOAT DEFAULT 1.5, CONSTRAINT pos CHECK (score >= 0));' +
      'CREATE TABLE b (x INT, y INT, a_id INT REFERENCES a (id) ON DELETE CASCADE, PRIMARY KEY (x, y));' +
      'CREATE INDEX b_y ON b (y);' +
      'CREATE VIEW va AS SELECT id, name FROM a WHERE score > 1;' +
      'CREATE VIEW vva AS SELECT name FROM va;' +
      "CREATE TRIGGER tr AFTER UPDATE ON a FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('UPDATE b SET y = y + 100 WHERE x = 1');" +
      "INSERT INTO a (id, name) VALUES (1, 'it''s'), (2, 'two');" +
      'INSERT INTO b VALUES (1, 1, 1), (1, 2, 2), (2, 1, NULL)';
    const setup = run(vfs, '/db', '--json', '-c', ddl);
    expect(setup.stdout).not.toContain('error');
    expect(run(vfs, 'export', '/db', '--sql', '/d.sql').code).toBe(0);
    const replay = run(vfs, 'import', '/copy', '--sql', '/d.sql');
    expect(replay.stderr).toBe('');
    const a = inspectJson(vfs, '/db');
    const b = inspectJson(vfs, '/copy');
    expect(b.tables).toEqual(a.tables);
    // Statistics records are measurements, not content: the replayed script builds some
    // indexes at a different moment (ALTER TABLE … ADD FOREIGN KEY), so their stats differ.
    const norm = (c: unknown[][]): string[] =>
      c
        .filter((r) => typeof r[0] !== 'string' || !r[0].startsWith('stats:'))
        .map((r) => JSON.stringify(r.map((v) => (typeof v === 'number' ? 0 : v))))
        .sort();
    expect(norm(b.catalog)).toEqual(norm(a.catalog));
  });

  it('stops at the first failing statement and names it', () => {
    const vfs = new MemoryVfs();
    writeBytes(vfs, '/s.sql', '\\set ON_ERROR_STOP on\nCREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\nINSERT INTO nope VALUES (1);\nINSERT INTO t VALUES (2);\n');
    const r = run(vfs, 'import', '/db', '--sql', '/s.sql');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^decentdb: ERR_SQL: statement 3 \(INSERT INTO nope VALUES \(1\)…\): [^\n]*\n$/);
    expect(jsonLines(run(vfs, '/db', '--json', '-c', 'SELECT count(*) AS n FROM t').stdout)).toEqual([{ columns: ['n'], rows: [[1]], changes: 0 }]);
  });
});

describe('decentdb checkpoint', () => {
  it('copies WAL pages into the main file and reports what db.checkpoint() did', () => {
    const live = new MemoryVfs();
    const db = Database.open('/c.ddb', { vfs: live });
    db.exec('CREATE TABLE t (id INT PRIMARY KEY, v TEXT)');
    db.exec("INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    const vfs = new MemoryVfs(); // the files as a crash leaves them: commits only in the WAL
    copyFiles(live, vfs, ['/c.ddb', '/c.ddb-wal']);
    db.close();
    const walBytes = readBytes(vfs, '/c.ddb-wal').length;
    expect(walBytes).toBeGreaterThan(32);
    const r = run(vfs, 'checkpoint', '/c.ddb', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { pagesCopied: number; walBytesBefore: number; walBytesAfter: number; truncated: boolean };
    expect(result.pagesCopied).toBeGreaterThan(0);
    expect(result.walBytesBefore).toBe(walBytes);
    expect(result.walBytesAfter).toBeLessThan(walBytes);
    const text = run(vfs, 'checkpoint', '/c.ddb');
    expect(text.stdout).toMatch(/^checkpoint: \d+ pages copied, WAL \d+ → \d+ bytes/);
    expect(inspectJson(vfs, '/c.ddb').tables.t!.rows).toEqual([[1, 'x'], [2, 'y']]);
  });
});
