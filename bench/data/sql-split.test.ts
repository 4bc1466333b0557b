import { describe, expect, it } from 'vitest';
import { chinookPostgresStatements } from './chinook.js';
import { splitSqlStatements } from './sql-split.js';

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons only', () => {
    const script = "INSERT INTO t VALUES (N'a;b', 'it''s; ok'); -- c;\n/* x; */ SELECT \"we;ird\" FROM t;\nSELECT $$a;b$$";
    expect(splitSqlStatements(script)).toEqual([
      "INSERT INTO t VALUES (N'a;b', 'it''s; ok')",
      'SELECT "we;ird" FROM t',
      'SELECT $$a;b$$',
    ]);
  });

  it('skips psql meta-commands', () => {
    expect(splitSqlStatements('\\c chinook;\nSELECT 1;')).toEqual(['SELECT 1']);
  });
});

describe('chinookPostgresStatements', () => {
  const statements = chinookPostgresStatements();

  it('has the schema and data statements, without DROP/CREATE DATABASE or \\c', () => {
    const count = (prefix: string): number => statements.filter((s) => s.startsWith(prefix)).length;
    expect(count('CREATE TABLE')).toBe(11);
    expect(count('ALTER TABLE')).toBe(11);
    expect(count('CREATE INDEX')).toBe(11);
    expect(count('INSERT INTO')).toBe(24);
    expect(statements.some((s) => /DATABASE/i.test(s.split('\n')[0] ?? ''))).toBe(false);
    expect(statements.some((s) => s.startsWith('\\'))).toBe(false);
  });

  it('keeps semicolons inside strings (e.g. track composers)', () => {
    expect(statements.some((s) => s.includes("N'Sully Erna; Tony Rombola'"))).toBe(true);
  });
});
