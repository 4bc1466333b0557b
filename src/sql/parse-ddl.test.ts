import { describe, expect, it } from 'vitest';
import type { Statement, TypeName } from './ast.js';
import { parse } from './parser.js';
import { printStatement } from './printer.js';
import { bin, call, col, core, dec, id, int, item, star, str, table, unquoted } from './test-helpers.js';

const INT: TypeName = { name: 'INT', args: [], sqlType: { base: 'INT64' } };
const TEXT: TypeName = { name: 'TEXT', args: [], sqlType: { base: 'TEXT' } };

const TYPES: [string, TypeName][] = [
  ['INT', INT],
  ['integer', { name: 'INTEGER', args: [], sqlType: { base: 'INT64' } }],
  ['BIGINT', { name: 'BIGINT', args: [], sqlType: { base: 'INT64' } }],
  ['int4', { name: 'INT4', args: [], sqlType: { base: 'INT64' } }],
  ['INT8', { name: 'INT8', args: [], sqlType: { base: 'INT64' } }],
  ['SMALLINT', { name: 'SMALLINT', args: [], sqlType: { base: 'INT64' } }],
  ['INT64', { name: 'INT64', args: [], sqlType: { base: 'INT64' } }],
  ['REAL', { name: 'REAL', args: [], sqlType: { base: 'FLOAT64' } }],
  ['DOUBLE PRECISION', { name: 'DOUBLE PRECISION', args: [], sqlType: { base: 'FLOAT64' } }],
  ['FLOAT', { name: 'FLOAT', args: [], sqlType: { base: 'FLOAT64' } }],
  ['FLOAT4', { name: 'FLOAT4', args: [], sqlType: { base: 'FLOAT64' } }],
  ['FLOAT8', { name: 'FLOAT8', args: [], sqlType: { base: 'FLOAT64' } }],
  ['TEXT', TEXT],
  ['VARCHAR(160)', { name: 'VARCHAR', args: [160], sqlType: { base: 'TEXT' } }],
  ['CHARACTER VARYING(10)', { name: 'CHARACTER VARYING', args: [10], sqlType: { base: 'TEXT' } }],
  ['CHAR(3)', { name: 'CHAR', args: [3], sqlType: { base: 'TEXT' } }],
  ['CHARACTER(3)', { name: 'CHARACTER', args: [3], sqlType: { base: 'TEXT' } }],
  ['BYTEA', { name: 'BYTEA', args: [], sqlType: { base: 'BLOB' } }],
  ['BLOB', { name: 'BLOB', args: [], sqlType: { base: 'BLOB' } }],
  ['BOOL', { name: 'BOOL', args: [], sqlType: { base: 'BOOL' } }],
  ['BOOLEAN', { name: 'BOOLEAN', args: [], sqlType: { base: 'BOOL' } }],
  ['NUMERIC(10,2)', { name: 'NUMERIC', args: [10, 2], sqlType: { base: 'DECIMAL', precision: 10, scale: 2 } }],
  ['DECIMAL(5)', { name: 'DECIMAL', args: [5], sqlType: { base: 'DECIMAL', precision: 5, scale: 0 } }],
  ['DECIMAL', { name: 'DECIMAL', args: [], sqlType: { base: 'DECIMAL' } }],
  ['TIMESTAMP', { name: 'TIMESTAMP', args: [], sqlType: { base: 'TIMESTAMP' } }],
  ['TIMESTAMPTZ', { name: 'TIMESTAMPTZ', args: [], sqlType: { base: 'TIMESTAMP' } }],
  ['TIMESTAMP WITHOUT TIME ZONE', { name: 'TIMESTAMP WITHOUT TIME ZONE', args: [], sqlType: { base: 'TIMESTAMP' } }],
  ['DATE', { name: 'DATE', args: [], sqlType: { base: 'TIMESTAMP' } }],
  ['DATETIME', { name: 'DATETIME', args: [], sqlType: { base: 'TIMESTAMP' } }],
  ['UUID', { name: 'UUID', args: [], sqlType: { base: 'UUID' } }],
];

const CASES: [string, Statement][] = [
  [`CREATE TABLE IF NOT EXISTS users (
     id INT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     score TEXT NULL DEFAULT 'x' CHECK (length(score) > 0),
     parent INT CONSTRAINT fk_p REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE,
     g INT GENERATED ALWAYS AS (id * 2) STORED,
     CONSTRAINT pk PRIMARY KEY (id, name),
     UNIQUE (name),
     CHECK (id > 0),
     FOREIGN KEY (parent) REFERENCES users (id) ON DELETE RESTRICT
   )`, {
    kind: 'createTable', name: id('users'), ifNotExists: true,
    columns: [
      { name: id('id'), type: INT, constraints: [{ kind: 'primaryKey', name: null }] },
      { name: id('name'), type: TEXT, constraints: [{ kind: 'notNull', name: null }, { kind: 'unique', name: null }] },
      { name: id('score'), type: TEXT, constraints: [
        { kind: 'null', name: null }, { kind: 'default', name: null, expr: str('x') },
        { kind: 'check', name: null, expr: bin('>', call('length', [col('score')]), int(0)) },
      ] },
      { name: id('parent'), type: INT, constraints: [{ kind: 'references', name: id('fk_p'), ref: { table: id('users'), columns: [id('id')], onDelete: 'set null', onUpdate: 'cascade' } }] },
      { name: id('g'), type: INT, constraints: [{ kind: 'generated', name: null, expr: bin('*', col('id'), int(2)) }] },
    ],
    constraints: [
      { kind: 'primaryKey', name: id('pk'), columns: [id('id'), id('name')] },
      { kind: 'unique', name: null, columns: [id('name')] },
      { kind: 'check', name: null, expr: bin('>', col('id'), int(0)) },
      { kind: 'foreignKey', name: null, columns: [id('parent')], ref: { table: id('users'), columns: [id('id')], onDelete: 'restrict', onUpdate: null } },
    ],
  }],
  ['CREATE TABLE t (a INT DEFAULT 0 NOT NULL, b INT REFERENCES p)', {
    kind: 'createTable', name: id('t'), ifNotExists: false,
    columns: [
      { name: id('a'), type: INT, constraints: [{ kind: 'default', name: null, expr: int(0) }, { kind: 'notNull', name: null }] },
      { name: id('b'), type: INT, constraints: [{ kind: 'references', name: null, ref: { table: id('p'), columns: [], onDelete: null, onUpdate: null } }] },
    ],
    constraints: [],
  }],
  ['DROP TABLE t', { kind: 'dropTable', names: [id('t')], ifExists: false }],
  ['DROP TABLE IF EXISTS a, b', { kind: 'dropTable', names: [id('a'), id('b')], ifExists: true }],
  ['CREATE INDEX idx ON t (a)', {
    kind: 'createIndex', name: id('idx'), table: id('t'), unique: false, ifNotExists: false, method: null, keys: [{ expr: col('a'), direction: null }], where: null,
  }],
  ['CREATE UNIQUE INDEX IF NOT EXISTS idx ON t USING btree (a DESC, lower(b)) WHERE a > 0', {
    kind: 'createIndex', name: id('idx'), table: id('t'), unique: true, ifNotExists: true, method: 'btree',
    keys: [{ expr: col('a'), direction: 'desc' }, { expr: call('lower', [col('b')]), direction: null }], where: bin('>', col('a'), int(0)),
  }],
  ['CREATE INDEX trk ON track USING trigram (name)', {
    kind: 'createIndex', name: id('trk'), table: id('track'), unique: false, ifNotExists: false, method: 'trigram', keys: [{ expr: col('name'), direction: null }], where: null,
  }],
  ['CREATE INDEX e ON t ((a + b))', {
    kind: 'createIndex', name: id('e'), table: id('t'), unique: false, ifNotExists: false, method: null, keys: [{ expr: bin('+', col('a'), col('b')), direction: null }], where: null,
  }],
  ['DROP INDEX IF EXISTS idx', { kind: 'dropIndex', names: [id('idx')], ifExists: true }],
  ['CREATE VIEW active_users AS SELECT * FROM "users" WHERE ("is_active" = TRUE)', {
    kind: 'createView', name: id('active_users'), ifNotExists: false, orReplace: false, columns: [],
    query: { kind: 'select', with: [], orderBy: [], limit: null, offset: null, body: core({
      items: [star()], from: [{ kind: 'table', name: id('users', true), alias: null }],
      where: bin('=', { kind: 'column', table: null, name: id('is_active', true) }, { kind: 'boolean', value: true }),
    }) },
  }],
  ['CREATE OR REPLACE VIEW IF NOT EXISTS v (x) AS SELECT a FROM t', {
    kind: 'createView', name: id('v'), ifNotExists: true, orReplace: true, columns: [id('x')],
    query: { kind: 'select', with: [], orderBy: [], limit: null, offset: null, body: core({ items: [item(col('a'))], from: [table('t')] }) },
  }],
  ['DROP VIEW v', { kind: 'dropView', names: [id('v')], ifExists: false }],
  ['ALTER VIEW v RENAME TO w', { kind: 'alterView', name: id('v'), newName: id('w') }],
  ['ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT \'\'', {
    kind: 'alterTable', table: id('t'), actions: [{ kind: 'addColumn', ifNotExists: false, column: { name: id('c'), type: TEXT, constraints: [{ kind: 'notNull', name: null }, { kind: 'default', name: null, expr: str('') }] } }],
  }],
  ['ALTER TABLE t ADD c INT, DROP COLUMN IF EXISTS d, DROP e', {
    kind: 'alterTable', table: id('t'), actions: [
      { kind: 'addColumn', ifNotExists: false, column: { name: id('c'), type: INT, constraints: [] } },
      { kind: 'dropColumn', name: id('d'), ifExists: true },
      { kind: 'dropColumn', name: id('e'), ifExists: false },
    ],
  }],
  ['ALTER TABLE t RENAME COLUMN a TO b', { kind: 'alterTable', table: id('t'), actions: [{ kind: 'renameColumn', from: id('a'), to: id('b') }] }],
  ['ALTER TABLE t RENAME a TO b', { kind: 'alterTable', table: id('t'), actions: [{ kind: 'renameColumn', from: id('a'), to: id('b') }] }],
  ['ALTER TABLE t RENAME TO u', { kind: 'alterTable', table: id('t'), actions: [{ kind: 'renameTable', to: id('u') }] }],
  ['ALTER TABLE album ADD CONSTRAINT album_artist_id_fkey FOREIGN KEY (artist_id) REFERENCES artist (artist_id) ON DELETE NO ACTION ON UPDATE NO ACTION', {
    kind: 'alterTable', table: id('album'), actions: [{ kind: 'addConstraint', constraint: {
      kind: 'foreignKey', name: id('album_artist_id_fkey'), columns: [id('artist_id')],
      ref: { table: id('artist'), columns: [id('artist_id')], onDelete: 'no action', onUpdate: 'no action' },
    } }],
  }],
  ['ALTER TABLE t ADD UNIQUE (a), ADD CONSTRAINT c CHECK (a > 0)', {
    kind: 'alterTable', table: id('t'), actions: [
      { kind: 'addConstraint', constraint: { kind: 'unique', name: null, columns: [id('a')] } },
      { kind: 'addConstraint', constraint: { kind: 'check', name: id('c'), expr: bin('>', col('a'), int(0)) } },
    ],
  }],
  ['ALTER TABLE t ALTER COLUMN a TYPE TEXT', { kind: 'alterTable', table: id('t'), actions: [{ kind: 'alterColumnType', name: id('a'), type: TEXT }] }],
  ['ALTER TABLE t ALTER a SET DATA TYPE INT', { kind: 'alterTable', table: id('t'), actions: [{ kind: 'alterColumnType', name: id('a'), type: INT }] }],
  ["CREATE TRIGGER update_score_trigger AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('UPDATE users SET score = score + 1.0 WHERE id = 1')", {
    kind: 'createTrigger', name: id('update_score_trigger'), timing: 'after', events: ['update'], table: id('users'), forEachRow: true,
    function: id('decentdb_exec_sql'), args: ['UPDATE users SET score = score + 1.0 WHERE id = 1'],
  }],
  ["CREATE TRIGGER tr INSTEAD OF INSERT OR DELETE ON v EXECUTE PROCEDURE decentdb_exec_sql('DELETE FROM t')", {
    kind: 'createTrigger', name: id('tr'), timing: 'instead of', events: ['insert', 'delete'], table: id('v'), forEachRow: false,
    function: id('decentdb_exec_sql'), args: ['DELETE FROM t'],
  }],
  ['DROP TRIGGER IF EXISTS tr ON users', { kind: 'dropTrigger', name: id('tr'), table: id('users'), ifExists: true }],
  ['CREATE DATABASE chinook', { kind: 'createDatabase', name: id('chinook') }],
  ['DROP DATABASE IF EXISTS chinook', { kind: 'dropDatabase', name: id('chinook'), ifExists: true }],
];

describe('DDL parser', () => {
  it.each(TYPES)('maps type %s', (sql, expected) => {
    const stmt = parse(`CREATE TABLE t (c ${sql})`);
    expect(stmt.kind === 'createTable' && stmt.columns[0]?.type).toEqual(expected);
    expect(unquoted(parse(printStatement(stmt)))).toEqual(unquoted(stmt));
  });

  it.each(CASES)('parses %s', (sql, expected) => {
    expect(parse(sql)).toEqual(expected);
  });

  it.each(CASES)('round-trips %s through the printer', (sql) => {
    const ast = parse(sql);
    expect(parse(printStatement(ast, { quote: 'preserve' }))).toEqual(ast);
    expect(unquoted(parse(printStatement(ast)))).toEqual(unquoted(ast));
  });

  it('prints CHECK without doubled parentheses, as the native catalog stores it', () => {
    const s = parse('CREATE TABLE users (score FLOAT64, CONSTRAINT score_check CHECK (score >= 0.0))');
    expect(printStatement(s)).toBe('CREATE TABLE "users" ("score" FLOAT64, CONSTRAINT "score_check" CHECK ("score" >= 0.0))');
    expect(s.kind === 'createTable' && s.constraints[0]).toEqual({ kind: 'check', name: id('score_check'), expr: bin('>=', col('score'), dec('0.0')) });
  });

  it.each([
    ['CREATE TABLE t (a INTERVAL)', 'type "INTERVAL" is not supported'],
    ['CREATE TABLE t (a INT[])', 'array types are not supported'],
    ['CREATE TABLE t (a VARCHAR(1, 2))', 'too many modifiers for type VARCHAR'],
    ['CREATE INDEX i ON t USING hash (a)', 'index method "hash" is not supported'],
    ['CREATE INDEX ON t (a)', 'an index name is required'],
    ['CREATE TEMP TABLE t (a INT)', 'temporary tables are not supported'],
    ['CREATE SEQUENCE s', 'CREATE SEQUENCE is not supported'],
    ['DROP SCHEMA s', 'DROP SCHEMA is not supported'],
    ['DROP TABLE t CASCADE', 'DROP … CASCADE is not supported'],
    ['ALTER TABLE t DROP CONSTRAINT c', 'DROP CONSTRAINT is not supported'],
    ['CREATE TABLE s.t (a INT)', 'schema-qualified names are not supported'],
    ["CREATE TRIGGER tr AFTER TRUNCATE ON t EXECUTE FUNCTION f('x')", 'TRUNCATE triggers are not supported'],
    ['CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION f(1)', 'trigger function arguments must be string literals'],
    ['CREATE TABLE t (id INT GENERATED ALWAYS AS IDENTITY)', 'identity columns are not supported'],
  ])('rejects %s', (sql, message) => {
    expect(() => parse(sql)).toThrow(message);
  });
});
