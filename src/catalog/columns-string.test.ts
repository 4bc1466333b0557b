import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../util/index.js';
import type { ColumnDef, FkAction } from './catalog-types.js';
import { FK_ACTIONS } from './catalog-types.js';
import { escapeColumnSql, formatColumns, parseColumns, parseTypeName, unescapeColumnSql } from './columns-string.js';

const FIXTURE_COLUMNS =
  'id:INT64:nn,unique,pk;is_active:BOOL:nn;score:FLOAT64;name:TEXT:unique;bio:TEXT;avatar:BLOB;balance:DECIMAL(10,2):default=0;created_at:TIMESTAMP';

describe('columns string', () => {
  it('parses and re-formats the fixture columns string identically', () => {
    const cols = parseColumns(FIXTURE_COLUMNS);
    expect(cols.map((c) => `${c.name}/${c.type.base}`)).toEqual([
      'id/INT64',
      'is_active/BOOL',
      'score/FLOAT64',
      'name/TEXT',
      'bio/TEXT',
      'avatar/BLOB',
      'balance/DECIMAL',
      'created_at/TIMESTAMP',
    ]);
    expect(cols[0]).toEqual({ name: 'id', type: { base: 'INT64' }, notNull: true, unique: true, primaryKey: true });
    expect(cols[6]).toEqual({ name: 'balance', type: { base: 'DECIMAL', precision: 10, scale: 2 }, notNull: false, unique: false, primaryKey: false, defaultSql: '0' });
    expect(formatColumns(cols)).toBe(FIXTURE_COLUMNS);
  });

  it('accepts type synonyms case-insensitively and writes canonical names', () => {
    const cases: [string, string][] = [
      ['int', 'INT64'], ['INTEGER', 'INT64'], ['BigInt', 'INT64'], ['INT4', 'INT64'], ['INT8', 'INT64'],
      ['BOOLEAN', 'BOOL'], ['FLOAT', 'FLOAT64'], ['DOUBLE', 'FLOAT64'], ['REAL', 'FLOAT64'], ['FLOAT4', 'FLOAT64'],
      ['FLOAT8', 'FLOAT64'], ['VARCHAR', 'TEXT'], ['VARCHAR(20)', 'TEXT'], ['DATE', 'TIMESTAMP'], ['DATETIME', 'TIMESTAMP'],
      ['TIMESTAMPTZ', 'TIMESTAMP'], ['UUID', 'UUID'], ['NUMERIC(18,0)', 'DECIMAL(18,0)'], ['decimal(5, 5)', 'DECIMAL(5,5)'],
    ];
    for (const [input, canonical] of cases) expect(formatColumns(parseColumns(`c:${input}`))).toBe(`c:${canonical}`);
    for (const bad of ['DECIMAL', 'DECIMAL(0,0)', 'DECIMAL(19,2)', 'DECIMAL(4,5)', 'STRING', '']) expect(parseTypeName(bad)).toBeUndefined();
  });

  it('parses foreign keys with actions, defaults and generated columns with escapes', () => {
    const s = "o:INT64:ref=users.id,refdel=c,refupd=n;d:TEXT:default='a%3Bb%3Ac%2Cd%25';g:INT64:gen=o + 1";
    const cols = parseColumns(s);
    expect(cols[0]!.references).toEqual({ table: 'users', column: 'id', onDelete: 'CASCADE', onUpdate: 'SET NULL' });
    expect(cols[1]!.defaultSql).toBe("'a;b:c,d%'");
    expect(cols[2]!.generatedSql).toBe('o + 1');
    expect(formatColumns(cols)).toBe(s);
  });

  it('rejects malformed columns with ERR_CORRUPTION on the given page', () => {
    for (const s of ['id', ':INT64', 'id:NOPE', 'a:INT64:ref=users', 'a:INT64:ref=t.c,refdel=x']) {
      expect(() => parseColumns(s, 9)).toThrow(DecentDBError);
      expect(() => parseColumns(s, 9)).toThrow(/page 9/);
    }
  });

  const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/);
  const sql = fc.string({ maxLength: 20 }).filter((s) => s.length > 0);
  const action = fc.constantFrom<FkAction>(...FK_ACTIONS);
  const column: fc.Arbitrary<ColumnDef> = fc
    .record({
      name,
      type: fc.oneof(
        fc.constantFrom('INT64', 'FLOAT64', 'BOOL', 'TEXT', 'BLOB', 'UUID', 'TIMESTAMP').map((b) => ({ base: b as 'INT64' })),
        fc.integer({ min: 1, max: 18 }).chain((p) => fc.integer({ min: 0, max: p }).map((s) => ({ base: 'DECIMAL' as const, precision: p, scale: s }))),
      ),
      notNull: fc.boolean(),
      unique: fc.boolean(),
      primaryKey: fc.boolean(),
      references: fc.option(fc.record({ table: name, column: name, onDelete: action, onUpdate: action }), { nil: undefined }),
      defaultSql: fc.option(sql, { nil: undefined }),
      generatedSql: fc.option(sql, { nil: undefined }),
    })
    .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as unknown as ColumnDef);

  it('parses what it formats (property)', () => {
    fc.assert(
      fc.property(fc.array(column, { minLength: 1, maxLength: 6 }), (cols) => {
        expect(parseColumns(formatColumns(cols))).toEqual(cols);
      }),
      { numRuns: 300 },
    );
  });

  it('escapes only % ; : , in SQL payloads', () => {
    expect(escapeColumnSql('a%;:,=b')).toBe('a%25%3B%3A%2C=b');
    expect(unescapeColumnSql('%41%3b')).toBe('%41;');
  });
});
