/**
 * Total order, equality and hash keys of SQL values as Postgres defines them, per static type:
 * INT64 exact across number/bigint, FLOAT64 with NaN above every number (NaN = NaN, -0 = 0),
 * TEXT in UTF-8 byte order (Postgres COLLATE "C"; see compareText), BLOB/UUID bytewise, DECIMAL
 * by value (1.50 = 1.5). NULLs are the caller's business (NULLS FIRST/LAST); compareValues puts
 * a stray NULL last. Cross-type comparison promotes first (commonType, promoteValue).
 */
import { DecentDBError, compareBytes, sqlError, toHex } from '../util/index.js';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { decCompare, decFromInt, decNormalize, decToNumber } from './decimal.js';

/**
 * Compares two strings in UTF-8 byte order (= code point order), which is what Postgres does
 * under the C collation. JS `<` compares UTF-16 code units, which disagrees only when one side
 * has a surrogate (U+10000 and above) and the other a unit in U+E000–U+FFFF: we remap those
 * two ranges at the first difference so surrogates sort above U+FFFF.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Postgres float8 order: NaN above +Infinity, NaN equal to NaN, -0 equal to 0. */
export function compareFloat(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  return an && bn ? 0 : an ? 1 : -1;
}

/** Exact for any mix of number and bigint (JS relational operators compare them exactly). */
export function compareInt(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function asDecimal(v: Value): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return decFromInt(v);
  throw new DecentDBError('ERR_INTERNAL', `DECIMAL value expected, got ${typeof v}`);
}

/**
 * Total order of two values of `type` for ORDER BY, DISTINCT, GROUP BY, merge and index checks.
 * Returns <0, 0, >0. A NULL sorts after every value (Postgres ASC default, NULLS LAST).
 */
export function compareValues(a: Value, b: Value, type: SqlType): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  switch (type.base) {
    case 'INT64':
      return compareInt(a as number | bigint, b as number | bigint);
    case 'FLOAT64':
      return compareFloat(a as number, b as number);
    case 'TEXT':
      return compareText(a as string, b as string);
    case 'BOOL':
      return a === b ? 0 : a === false ? -1 : 1;
    case 'BLOB':
    case 'UUID':
      return compareBytes(a as Uint8Array, b as Uint8Array);
    case 'DECIMAL':
      return decCompare(asDecimal(a), asDecimal(b));
    case 'TIMESTAMP':
      return compareInt((a as Timestamp).micros, (b as Timestamp).micros);
  }
}

/** One ORDER BY key's direction; nullsFirst defaults as in Postgres (ASC → last, DESC → first). */
export interface SortDirection {
  readonly descending?: boolean;
  readonly nullsFirst?: boolean;
}

/** Compares one ORDER BY key, applying direction and NULLS FIRST/LAST. */
export function compareSortKey(a: Value, b: Value, type: SqlType, dir: SortDirection = {}): number {
  const desc = dir.descending === true;
  if (a === null || b === null) {
    if (a === b) return 0;
    const nullsFirst = dir.nullsFirst ?? desc;
    return (a === null) === nullsFirst ? -1 : 1;
  }
  const c = compareValues(a, b, type);
  return desc ? -c : c;
}

/** Three-valued `=`: null when either side is NULL. */
export function sqlEquals(a: Value, b: Value, type: SqlType): boolean | null {
  if (a === null || b === null) return null;
  return compareValues(a, b, type) === 0;
}

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

/** Three-valued comparison operator on two values of the same type. */
export function sqlCompare(op: CompareOp, a: Value, b: Value, type: SqlType): boolean | null {
  if (a === null || b === null) return null;
  const c = compareValues(a, b, type);
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
  }
}

const NUMERIC_RANK = { INT64: 0, DECIMAL: 1, FLOAT64: 2 } as const;

/** Postgres names, for messages. */
export function pgTypeName(t: SqlType): string {
  switch (t.base) {
    case 'INT64':
      return 'bigint';
    case 'FLOAT64':
      return 'double precision';
    case 'BOOL':
      return 'boolean';
    case 'TEXT':
      return 'text';
    case 'BLOB':
      return 'bytea';
    case 'DECIMAL':
      return 'numeric';
    case 'TIMESTAMP':
      return 'timestamp without time zone';
    case 'UUID':
      return 'uuid';
  }
}

/**
 * The type both sides of a comparison (or CASE/COALESCE/UNION branch) are promoted to, as
 * Postgres's implicit casts do: INT64 < DECIMAL < FLOAT64; equal bases stay. Throws ERR_SQL
 * for incomparable types.
 */
export function commonType(a: SqlType, b: SqlType): SqlType {
  if (a.base === b.base) {
    if (a.base !== 'DECIMAL') return a;
    return a.precision === b.precision && a.scale === b.scale ? a : { base: 'DECIMAL' };
  }
  if (a.base in NUMERIC_RANK && b.base in NUMERIC_RANK) {
    const ra = NUMERIC_RANK[a.base as keyof typeof NUMERIC_RANK];
    const rb = NUMERIC_RANK[b.base as keyof typeof NUMERIC_RANK];
    const hi = ra > rb ? a : b;
    return hi.base === 'DECIMAL' ? { base: 'DECIMAL' } : hi;
  }
  throw sqlError(`operator does not exist: ${pgTypeName(a)} = ${pgTypeName(b)}`);
}

/** Implicit numeric promotion of a non-NULL value from `from` to `to` (INT64→DECIMAL/FLOAT64, DECIMAL→FLOAT64). */
export function promoteValue(v: Value, from: SqlType, to: SqlType): Value {
  if (v === null || from.base === to.base) return v;
  if (to.base === 'FLOAT64') {
    if (from.base === 'INT64') return Number(v as number | bigint);
    if (from.base === 'DECIMAL') return decToNumber(v as Decimal);
  }
  if (to.base === 'DECIMAL' && from.base === 'INT64') return decFromInt(v as number | bigint);
  throw new DecentDBError('ERR_INTERNAL', `no implicit promotion from ${from.base} to ${to.base}`);
}

/**
 * A Map key for hash joins, hash aggregation and DISTINCT: equal values (compareValues = 0)
 * give identical keys. Keys are only comparable within one type.
 */
export function hashKey(v: Value, type: SqlType): string | number | boolean | null {
  if (v === null) return null;
  switch (type.base) {
    case 'INT64':
      // value.ts keeps safe integers as numbers; a bigint that is safe anyway still maps to its number.
      if (typeof v !== 'bigint') return v as number;
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : `n${v}`;
    case 'FLOAT64':
      return (v as number) === 0 ? 0 : (v as number);
    case 'TEXT':
      return v as string;
    case 'BOOL':
      return v as boolean;
    case 'BLOB':
    case 'UUID':
      return toHex(v as Uint8Array);
    case 'DECIMAL':
      return decNormalize(asDecimal(v)).toString();
    case 'TIMESTAMP': {
      const m = (v as Timestamp).micros;
      return typeof m === 'bigint' ? `t${m}` : m;
    }
  }
}

/** One string key for a tuple of values (GROUP BY a, b): length-prefixed parts, NULL distinct. */
export function compositeKey(values: readonly Value[], types: readonly SqlType[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) {
    const k = hashKey(values[i]!, types[i]!);
    const s = k === null ? '\u0000' : typeof k === 'string' ? 's' + k : String(k);
    key += s.length + ':' + s;
  }
  return key;
}
