/**
 * Result values as the CLI shows them. Statements hand the CLI exact engine Values
 * (`Statement.raw` / `iterateRaw`, no JS mapping, so TIMESTAMP keeps its microseconds and
 * DECIMAL its unscaled integer) with each column's SqlType; this file prints them as text
 * (Postgres output forms, valueToText) or as JSON (inspect's mapping, UUIDs as 8-4-4-4-12).
 */
import { Decimal, type SqlType, type Value } from '../record/index.js';
import { valueToText } from '../exec/index.js';
import { valueToJson, type JsonValue } from './inspect.js';

/** A result value: an engine Value of the column's static type. */
export type ResultValue = Value;

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

/** The natural type of a value when the column type is unknown. */
function naturalType(v: Exclude<Value, null>): SqlType {
  if (typeof v === 'boolean') return { base: 'BOOL' };
  if (typeof v === 'bigint') return { base: 'INT64' };
  if (typeof v === 'number') return Number.isInteger(v) ? { base: 'INT64' } : { base: 'FLOAT64' };
  if (typeof v === 'string') return { base: 'TEXT' };
  if (v instanceof Uint8Array) return { base: 'BLOB' };
  if (v instanceof Decimal) return { base: 'DECIMAL', scale: v.scale };
  return { base: 'TIMESTAMP' };
}

const isUuid = (v: Value, type: SqlType | undefined): v is Uint8Array => type?.base === 'UUID' && v instanceof Uint8Array && v.length === 16;

/**
 * Inspect's JSON mapping of a result value: TIMESTAMP → {timestamp: µs}, DECIMAL →
 * {decimal: unscaled, scale} at the column's scale when it has one, UUID → its 8-4-4-4-12 string.
 */
export function resultToJson(v: Value, type: SqlType | undefined): JsonValue {
  if (isUuid(v, type)) return valueToText(v, type!);
  if (v instanceof Decimal && type?.base === 'DECIMAL' && type.scale !== undefined && v.scale < type.scale) {
    return valueToJson(new Decimal(v.unscaled * 10n ** BigInt(type.scale - v.scale), type.scale));
  }
  return valueToJson(v);
}

/** Display text (Postgres output forms); `nullText` for NULL. */
export function resultToText(v: Value, type: SqlType | undefined, nullText = 'NULL'): string {
  if (v === null) return nullText;
  if (typeof v === 'string') return v;
  return valueToText(v, type ?? naturalType(v));
}
