/**
 * The compact columns string of table records (spec/native-format.md §1.8):
 *
 *   columns := col (';' col)*
 *   col     := name ':' TYPE [':' flag (',' flag)*]
 *   TYPE    := INT64 | BOOL | FLOAT64 | TEXT | BLOB | UUID | TIMESTAMP | DECIMAL(p,s)
 *   flag    := nn | unique | pk | ref=<table>.<column> | refdel=<a|r|c|n> | refupd=<a|r|c|n>
 *            | default=<enc-sql> | gen=<enc-sql>        (enc: % ; : , percent-escaped)
 *
 * The parser accepts the native type synonyms; the formatter writes canonical names. Does not
 * validate SQL inside default=/gen=.
 */
import { corrupt } from '../util/index.js';
import type { BaseType, SqlType } from '../record/index.js';
import type { ColumnDef, FkAction, ForeignKeyRef } from './catalog-types.js';

const TYPE_SYNONYMS: Readonly<Record<string, BaseType>> = {
  INT64: 'INT64',
  INT: 'INT64',
  INTEGER: 'INT64',
  BIGINT: 'INT64',
  INT4: 'INT64',
  INT8: 'INT64',
  BOOL: 'BOOL',
  BOOLEAN: 'BOOL',
  FLOAT64: 'FLOAT64',
  FLOAT: 'FLOAT64',
  DOUBLE: 'FLOAT64',
  REAL: 'FLOAT64',
  FLOAT4: 'FLOAT64',
  FLOAT8: 'FLOAT64',
  TEXT: 'TEXT',
  VARCHAR: 'TEXT',
  BLOB: 'BLOB',
  UUID: 'UUID',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'TIMESTAMP',
  DATETIME: 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP',
  DECIMAL: 'DECIMAL',
  NUMERIC: 'DECIMAL',
};

const ACTION_CODES: Readonly<Record<string, FkAction>> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL' };
const actionCode = (a: FkAction): string => (a === 'NO ACTION' ? 'a' : a === 'RESTRICT' ? 'r' : a === 'CASCADE' ? 'c' : 'n');

/** Escapes `%`, `;`, `:` and `,` for a default=/gen= payload. */
export const escapeColumnSql = (s: string): string =>
  s.replace(/%/g, '%25').replace(/;/g, '%3B').replace(/:/g, '%3A').replace(/,/g, '%2C');

/** Inverse of escapeColumnSql; other `%` sequences are kept as they are. */
export const unescapeColumnSql = (s: string): string =>
  s.replace(/%(25|3B|3A|2C)/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

/**
 * Parses a type name (synonyms accepted, case-insensitive); undefined when unknown.
 * DECIMAL/NUMERIC need `(p,s)` with 1 ≤ p ≤ 18 and 0 ≤ s ≤ p; other types ignore a `(n)`.
 */
export function parseTypeName(text: string): SqlType | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(text);
  if (m === null) return undefined;
  const base = TYPE_SYNONYMS[m[1]!.toUpperCase()];
  if (base === undefined) return undefined;
  if (base !== 'DECIMAL') return { base };
  if (m[2] === undefined || m[3] === undefined) return undefined;
  const precision = Number(m[2]);
  const scale = Number(m[3]);
  if (precision < 1 || precision > 18 || scale > precision) return undefined;
  return { base, precision, scale };
}

/** The canonical type name written to the columns string. */
export function formatTypeName(t: SqlType): string {
  return t.base === 'DECIMAL' ? `DECIMAL(${t.precision ?? 18},${t.scale ?? 0})` : t.base;
}

function parseColumn(text: string, pageNo: number): ColumnDef {
  const c1 = text.indexOf(':');
  if (c1 <= 0) throw corrupt(pageNo, `column without a type in columns string: ${JSON.stringify(text)}`);
  const c2 = text.indexOf(':', c1 + 1);
  const name = text.slice(0, c1);
  const typeText = c2 < 0 ? text.slice(c1 + 1) : text.slice(c1 + 1, c2);
  const type = parseTypeName(typeText);
  if (type === undefined) throw corrupt(pageNo, `unknown column type ${JSON.stringify(typeText)} of ${name}`);
  let notNull = false;
  let unique = false;
  let primaryKey = false;
  let refTable: string | undefined;
  let refColumn = '';
  let onDelete: FkAction = 'NO ACTION';
  let onUpdate: FkAction = 'NO ACTION';
  let defaultSql: string | undefined;
  let generatedSql: string | undefined;
  const flags = c2 < 0 ? [] : text.slice(c2 + 1).split(',');
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const key = eq < 0 ? flag : flag.slice(0, eq);
    const val = eq < 0 ? '' : flag.slice(eq + 1);
    switch (key) {
      case 'nn':
        notNull = true;
        break;
      case 'unique':
        unique = true;
        break;
      case 'pk':
        primaryKey = true;
        break;
      case 'ref': {
        const dot = val.lastIndexOf('.');
        if (dot <= 0) throw corrupt(pageNo, `bad ref= flag on ${name}: ${JSON.stringify(val)}`);
        refTable = val.slice(0, dot);
        refColumn = val.slice(dot + 1);
        break;
      }
      case 'refdel':
      case 'refupd': {
        const a = ACTION_CODES[val];
        if (a === undefined) throw corrupt(pageNo, `bad ${key}= flag on ${name}: ${JSON.stringify(val)}`);
        if (key === 'refdel') onDelete = a;
        else onUpdate = a;
        break;
      }
      case 'default':
        defaultSql = unescapeColumnSql(val);
        break;
      case 'gen':
        generatedSql = unescapeColumnSql(val);
        break;
      default:
        // Unknown flags from newer writers are ignored, like unknown catalog records.
        break;
    }
  }
  const col: { -readonly [K in keyof ColumnDef]: ColumnDef[K] } = { name, type, notNull, unique, primaryKey };
  if (refTable !== undefined) col.references = { table: refTable, column: refColumn, onDelete, onUpdate } satisfies ForeignKeyRef;
  if (defaultSql !== undefined) col.defaultSql = defaultSql;
  if (generatedSql !== undefined) col.generatedSql = generatedSql;
  return col;
}

/**
 * Parses a columns string; malformed text is ERR_CORRUPTION on `pageNo` (it comes from disk).
 *
 * @example parseColumns('id:INT64:nn,pk;name:TEXT')[1] // { name: 'name', type: { base: 'TEXT' }, … }
 */
export function parseColumns(text: string, pageNo = 0): ColumnDef[] {
  if (text === '') return [];
  return text.split(';').map((c) => parseColumn(c, pageNo));
}

/** Formats columns in the native canonical form (flag order: nn, unique, pk, ref…, default, gen). */
export function formatColumns(columns: readonly ColumnDef[]): string {
  return columns
    .map((c) => {
      const flags: string[] = [];
      if (c.notNull) flags.push('nn');
      if (c.unique) flags.push('unique');
      if (c.primaryKey) flags.push('pk');
      if (c.references !== undefined) {
        flags.push(`ref=${c.references.table}.${c.references.column}`);
        if (c.references.onDelete !== 'NO ACTION') flags.push(`refdel=${actionCode(c.references.onDelete)}`);
        if (c.references.onUpdate !== 'NO ACTION') flags.push(`refupd=${actionCode(c.references.onUpdate)}`);
      }
      if (c.defaultSql !== undefined) flags.push(`default=${escapeColumnSql(c.defaultSql)}`);
      if (c.generatedSql !== undefined) flags.push(`gen=${escapeColumnSql(c.generatedSql)}`);
      const head = `${c.name}:${formatTypeName(c.type)}`;
      return flags.length === 0 ? head : `${head}:${flags.join(',')}`;
    })
    .join(';');
}
