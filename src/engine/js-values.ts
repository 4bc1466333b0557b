/**
 * The boundary between engine Values and what JavaScript callers pass and receive.
 *
 *   SQL type    result in JS                      accepted as a parameter
 *   INT64       number, or bigint beyond ±2^53    number (integral), bigint, numeric string
 *   FLOAT64     number                            number, bigint
 *   BOOL        boolean                           boolean
 *   TEXT        string                            string
 *   BLOB        Uint8Array                        Uint8Array / Buffer, ArrayBuffer
 *   UUID        string (8-4-4-4-12 hex)           string, 16-byte Uint8Array
 *   DECIMAL     string (exact, e.g. "100.50")     string, number, bigint, Decimal
 *   TIMESTAMP   Date (millisecond precision)      Date, ISO/Postgres string, Timestamp
 *   NULL        null                              null, undefined
 *
 * Tools that must not lose precision (µs of a TIMESTAMP) read engine Values through
 * `Statement.raw` / `iterateRaw` instead of this mapping.
 *
 * Parameters arrive as "natural" values here; the executor casts them to the type the binder
 * inferred for `$n` (assignment cast rules), so `'42'` binds to an INT64 column as 42.
 */
import { DecentDBError, toHex } from '../util/index.js';
import { Decimal, Timestamp, type SqlType, type Value } from '../record/index.js';

export type JsValue = null | boolean | number | bigint | string | Uint8Array | Date;

/** A parameter as the engine sees it before casting: its value and the type it suggests. */
export function fromJs(v: unknown, position: number): Value {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
    case 'bigint':
    case 'string':
    case 'boolean':
      return v;
    case 'object':
      if (v instanceof Uint8Array) return v;
      if (v instanceof ArrayBuffer) return new Uint8Array(v);
      if (v instanceof Date) {
        const ms = v.getTime();
        if (!Number.isFinite(ms)) throw new DecentDBError('ERR_SQL', `parameter $${position} is an invalid Date`, { position });
        return new Timestamp(ms * 1000);
      }
      if (v instanceof Decimal || v instanceof Timestamp) return v;
      break;
    default:
      break;
  }
  throw new DecentDBError('ERR_SQL', `parameter $${position} has an unsupported type (${Object.prototype.toString.call(v)})`, { position });
}

/** The SqlType a natural parameter value suggests when the context gives none. */
export function naturalType(v: Value): SqlType | undefined {
  if (v === null) return undefined;
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? { base: 'INT64' } : { base: 'FLOAT64' };
    case 'bigint':
      return { base: 'INT64' };
    case 'string':
      return { base: 'TEXT' };
    case 'boolean':
      return { base: 'BOOL' };
    default:
      if (v instanceof Uint8Array) return { base: 'BLOB' };
      if (v instanceof Decimal) return { base: 'DECIMAL', precision: 18, scale: v.scale };
      return { base: 'TIMESTAMP' };
  }
}

export function formatUuid(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** An engine Value of static type `type` as the JS value a caller receives. */
export function toJs(v: Value, type: SqlType | undefined): JsValue {
  if (v === null || typeof v !== 'object') return v; // number, bigint, string, boolean as they are
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Timestamp) return v.toDate();
  if (v instanceof Uint8Array) return type?.base === 'UUID' && v.length === 16 ? formatUuid(v) : v;
  return v;
}
