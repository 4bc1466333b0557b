/**
 * Result values as the CLI shows them. Statements hand back JS values (js-values.ts in the
 * engine); the CLI maps them back to engine Values with the column type from
 * `Statement.columns()` (DECIMAL string → Decimal, Date → Timestamp, UUID string → bytes), then
 * prints them as text (Postgres output forms, valueToText) or as JSON (inspect's mapping).
 * Known loss: a Date carries milliseconds, so TIMESTAMP µs below the millisecond read as 0.
 */
import { Decimal, Timestamp, type SqlType, type Value } from '../record/index.js';
import { parseDecimal, parseUuid, valueToText } from '../exec/index.js';
import { valueToJson, type JsonValue } from './inspect.js';

/** A result value as the Database API returns it. */
export type ResultValue = null | boolean | number | bigint | string | Uint8Array | Date;

const BASES = ['INT64', 'FLOAT64', 'BOOL', 'TEXT', 'BLOB', 'UUID', 'DECIMAL', 'TIMESTAMP'] as const;

/** The SqlType named by a `ColumnInfo.type` string ('INT64', 'DECIMAL(10,2)', …); undefined if unknown. */
export function parseColumnType(name: string | undefined): SqlType | undefined {
  if (name === undefined) return undefined;
  const m = /^([A-Z0-9]+)(?:\((\d+),(\d+)\))?$/.exec(name.toUpperCase());
  if (m === null) return undefined;
  const base = BASES.find((b) => b === m[1]);
  if (base === undefined) return undefined;
  if (m[2] !== undefined) return { base, precision: Number(m[2]), scale: Number(m[3]) };
  return { base };
}

/** The natural type of a value when the column type is unknown (e.g. RETURNING columns). */
function naturalType(v: Exclude<ResultValue, null>): SqlType {
  if (typeof v === 'boolean') return { base: 'BOOL' };
  if (typeof v === 'bigint') return { base: 'INT64' };
  if (typeof v === 'number') return Number.isInteger(v) ? { base: 'INT64' } : { base: 'FLOAT64' };
  if (typeof v === 'string') return { base: 'TEXT' };
  if (v instanceof Uint8Array) return { base: 'BLOB' };
  return { base: 'TIMESTAMP' };
}

/** The engine Value behind a JS result value of column type `type`. */
export function toEngineValue(v: ResultValue, type: SqlType | undefined): Value {
  if (v === null) return null;
  if (v instanceof Date) return new Timestamp(v.getTime() * 1000);
  if (typeof v === 'string' && type !== undefined) {
    if (type.base === 'DECIMAL') return parseDecimal(v) ?? v;
    if (type.base === 'UUID') return parseUuid(v);
  }
  return v;
}

/** Inspect's JSON mapping of a result value (UUID stays its 8-4-4-4-12 string). */
export function resultToJson(v: ResultValue, type: SqlType | undefined): JsonValue {
  if (typeof v === 'string' && type?.base === 'UUID') return v;
  const value = toEngineValue(v, type);
  if (value instanceof Decimal && type?.base === 'DECIMAL' && type.scale !== undefined && value.scale < type.scale) {
    return valueToJson(new Decimal(value.unscaled * 10n ** BigInt(type.scale - value.scale), type.scale));
  }
  return valueToJson(value);
}

/** Display text (Postgres output forms); `nullText` for NULL. */
export function resultToText(v: ResultValue, type: SqlType | undefined, nullText = 'NULL'): string {
  if (v === null) return nullText;
  if (typeof v === 'string') return v;
  return valueToText(toEngineValue(v, type), type ?? naturalType(v));
}
