// `decentdb FILE -c …` through main() on a MemoryVfs: exact --json lines, readable output,
// option order, errors that do not stop later statements, exit and usage codes.
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../../src/vfs/index.js';
import { jsonLines, run } from './cli-helpers.js';

const SETUP =
  "CREATE TABLE t (id INT PRIMARY KEY, name TEXT, price DECIMAL(10,2), at TIMESTAMP, raw BYTEA, ok BOOL, big INT8, f FLOAT);" +
  "INSERT INTO t VALUES (1, 'a', 1.5, '2024-03-01 10:00:00', '\\x0102', TRUE, 9007199254740993, 0.25), (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL)";

describe('decentdb FILE -c', () => {
  it('runs several statements and prints one exact JSON line for each', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c', `${SETUP}; SELECT * FROM t ORDER BY id; UPDATE t SET name = 'b' WHERE id = 2`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      '{"columns":[],"rows":[],"changes":0}',
      '{"columns":[],"rows":[],"changes":2}',
      '{"columns":["id","name","price","at","raw","ok","big","f"],"rows":[' +
        '[1,"a",{"decimal":150,"scale":2},{"timestamp":1709287200000000},{"blob":"0102"},true,"9007199254740993",0.25],' +
        '[2,null,null,null,null,null,null,null]],"changes":0}',
      '{"columns":[],"rows":[],"changes":1}',
      '',
    ]);
  });

  it('accepts the options in any order after the file, and several -c', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', 'CREATE TABLE k (v INT)');
    const expected = '{"columns":["x"],"rows":[[1]],"changes":0}\n';
    expect(run(vfs, '/db', '--json', '-c', 'SELECT 1 AS x').stdout).toBe(expected);
    expect(run(vfs, '/db', '-c', 'SELECT 1 AS x', '--json').stdout).toBe(expected);
    expect(run(vfs, '--json', '/db', '-c', 'SELECT 1 AS x').stdout).toBe(expected);
    expect(run(vfs, '/db', '-c', 'SELECT 1 AS x', '--json', '-c', 'SELECT 1 AS x').stdout).toBe(expected + expected);
  });

  it('goes on after a failing statement, reports it, and exits 1 at the end', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c', 'CREATE TABLE u (id INT PRIMARY KEY); INSERT INTO u VALUES (1); INSERT INTO u VALUES (1); SELECT nope FROM u; SELECT count(*) AS n FROM u');
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout) as Record<string, unknown>[];
    expect(lines).toHaveLength(5);
    expect(lines[2]).toEqual({ error: { code: 'ERR_CONSTRAINT', message: expect.any(String) } });
    expect(lines[3]).toEqual({ error: { code: 'ERR_SQL', message: expect.stringContaining('nope') } });
    expect(lines[4]).toEqual({ columns: ['n'], rows: [[1]], changes: 0 });
  });

  it('reports a syntax error as one statement and runs the next', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c', 'SELEC 1; SELECT 2 AS two');
    expect(r.code).toBe(1);
    const lines = jsonLines(r.stdout) as Record<string, Record<string, string>>[];
    expect(lines[0]!.error!.code).toBe('ERR_SQL');
    expect(lines[1]).toEqual({ columns: ['two'], rows: [[2]], changes: 0 });
  });

  it('prints readable tables and ERR_ lines on stderr without --json', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '-c', "CREATE TABLE a (id INT PRIMARY KEY, name TEXT); INSERT INTO a VALUES (1, 'AC/DC'), (10, NULL); SELECT * FROM a; SELECT x FROM a");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('OK\n2 rows changed\n id | name\n----+-------\n  1 | AC/DC\n 10 | NULL\n(2 rows)\n');
    expect(r.stderr).toMatch(/^ERR_SQL: [^\n]*x[^\n]*\n$/);
  });

  it('returns RETURNING rows with the changed-row count', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c', "CREATE TABLE a (id INT PRIMARY KEY, name TEXT); INSERT INTO a VALUES (1, 'x'), (2, 'y') RETURNING id, name");
    expect(jsonLines(r.stdout)[1]).toEqual({ columns: ['id', 'name'], rows: [[1, 'x'], [2, 'y']], changes: 2 });
  });

  it('prints EXPLAIN as query_plan rows', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c', 'CREATE TABLE a (id INT PRIMARY KEY); EXPLAIN SELECT id FROM a WHERE id = 1');
    const plan = jsonLines(r.stdout)[1] as { columns: string[]; rows: string[][] };
    expect(plan.columns).toEqual(['query_plan']);
    expect(plan.rows.length).toBeGreaterThan(0);
    expect(typeof plan.rows[0]![0]).toBe('string');
  });

  it('prints TIMESTAMP microseconds and DECIMAL digits exactly in --json', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c',
      "CREATE TABLE e (id INT PRIMARY KEY, at TIMESTAMP, d DECIMAL(18,6), n NUMERIC(10,2)); " +
      "INSERT INTO e VALUES (1, '2024-03-01 10:00:00.123456', 123456789012.345678, 7), (2, '1969-12-31 23:59:59.999999', -0.000001, -1.5); " +
      'SELECT at, d, n FROM e ORDER BY id');
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[2]).toEqual({
      columns: ['at', 'd', 'n'],
      rows: [
        [{ timestamp: 1709287200123456 }, { decimal: '123456789012345678', scale: 6 }, { decimal: 700, scale: 2 }],
        [{ timestamp: -1 }, { decimal: -1, scale: 6 }, { decimal: -150, scale: 2 }],
      ],
      changes: 0,
    });
    const text = run(vfs, '/db', '-c', 'SELECT at FROM e WHERE id = 1');
    expect(text.stdout).toContain('2024-03-01 10:00:00.123456');
  });

  it('types RETURNING columns, duplicate names included, also when no row is returned', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, '/db', '--json', '-c',
      'CREATE TABLE r (id INT PRIMARY KEY, at TIMESTAMP, d DECIMAL(8,3)); ' +
      "INSERT INTO r VALUES (1, '2024-03-01 10:00:00.000001', 2.5) RETURNING id, at, d, d AS id, id * 2 AS id; " +
      "UPDATE r SET d = 3 WHERE id = 1 RETURNING *, at; " +
      'DELETE FROM r WHERE id = 99 RETURNING at, at');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines[1]).toEqual({
      columns: ['id', 'at', 'd', 'id', 'id'],
      rows: [[1, { timestamp: 1709287200000001 }, { decimal: 2500, scale: 3 }, { decimal: 2500, scale: 3 }, 2]],
      changes: 1,
    });
    expect(lines[2]).toEqual({
      columns: ['id', 'at', 'd', 'at'],
      rows: [[1, { timestamp: 1709287200000001 }, { decimal: 3000, scale: 3 }, { timestamp: 1709287200000001 }]],
      changes: 1,
    });
    expect(lines[3]).toEqual({ columns: ['at', 'at'], rows: [], changes: 0 });
    const table = run(vfs, '/db', '-c', 'UPDATE r SET d = d + 1 RETURNING d, d * 2 AS d');
    expect(table.stdout).toBe(' d     | d\n-------+-------\n 4.000 | 8.000\n(1 row)\n');
  });

  it('keeps what earlier invocations committed', () => {
    const vfs = new MemoryVfs();
    run(vfs, '/db', '-c', 'CREATE TABLE a (v INT); INSERT INTO a VALUES (7)');
    expect(run(vfs, '/db', '--json', '-c', 'SELECT v FROM a').stdout).toBe('{"columns":["v"],"rows":[[7]],"changes":0}\n');
  });
});

describe('decentdb usage', () => {
  it('prints --help and --version on stdout with exit 0', () => {
    const vfs = new MemoryVfs();
    const h = run(vfs, '--help');
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('checkpoint FILE');
    expect(h.stdout).toContain('import FILE');
    expect(run(vfs, '--version')).toEqual({ code: 0, stdout: 'decentdb 9.9.9\n', stderr: '' });
  });

  it('exits 2 with a one-line message for usage errors', () => {
    const vfs = new MemoryVfs();
    const cases = [
      ['--bogus'], ['/db', '--bogus', '-c', 'SELECT 1'], ['/db', '-c'], ['/db', 'extra', '-c', 'SELECT 1'], ['/db'],
      ['import', '/db'], ['import', '/db', '--sql', 'a', '--csv', 'b'], ['import', '/db', '--csv', 'b'], ['import', '/db', '--table', 't', '--csv', 'b', '--delimiter', 'ab'],
      ['export', '/db', '--csv', 'x'], ['export', '/db', '--sql', 'x', '--table', 't'], ['checkpoint'], ['inspect', 'a', 'b'],
    ];
    for (const argv of cases) {
      const r = run(vfs, ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr, argv.join(' ')).toMatch(/^decentdb: [^\n]+ \(usage: decentdb [^\n]+\)\n$/);
    }
    const none = run(vfs);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: decentdb /);
  });

  it('prints one ERR_ line and exits 1 when the database cannot be opened', () => {
    const vfs = new MemoryVfs();
    const r = run(vfs, 'checkpoint', '/missing.ddb');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^decentdb: ERR_IO: [^\n]*\n$/);
  });
});
