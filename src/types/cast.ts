/**
 * CAST / `::` and assignment casts between our types with Postgres's rules and messages:
 * input functions for text (int8in, float8in, numeric_in, boolin, uuid_in, byteain,
 * timestamp_in), output text (float8out shortest form, bytea hex, timestamp ISO style), numeric
 * conversions (float→int rint half-even, numeric→int half away from zero, float→numeric via 15
 * significant digits) and DECIMAL(p,s) typmods. Differences from Postgres are marked "ours:".
 */
import { DecentDBError, sqlError, toHex } from '../util/index.js';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { pgTypeName } from './compare.js';
import { INT64_MAX, INT64_MIN, decFromInt, decRound, decToInt64, decToNumber, decimalFromNumberText, parseDecimal, pow10 } from './decimal.js';
import { formatTimestamp, parseTimestamp, systemClock, truncateToDay } from './datetime.js';
import type { Clock } from './datetime.js';
import { floatToText } from './float-text.js';

export { floatToText };

const SAFE_MAX = 9007199254740991n;

function normInt(r: bigint): number | bigint {
  return r >= -SAFE_MAX && r <= SAFE_MAX ? Number(r) : r;
}

/** uuid_out: lower-case 8-4-4-4-12. */
export function formatUuid(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** byteaout in hex mode: '\x0102'. */
export function formatBytea(b: Uint8Array): string {
  return '\\x' + toHex(b);
}

/** The text a value casts to (`::text`, `||`, CONCAT, CLI display). */
export function valueToText(v: Value, type: SqlType): string {
  if (v === null) throw new DecentDBError('ERR_INTERNAL', 'valueToText(NULL)');
  switch (type.base) {
    case 'INT64':
      return String(v);
    case 'FLOAT64':
      return floatToText(v as number);
    case 'BOOL':
      return v ? 'true' : 'false';
    case 'TEXT':
      return v as string;
    case 'BLOB':
      return formatBytea(v as Uint8Array);
    case 'UUID':
      return formatUuid(v as Uint8Array);
    case 'DECIMAL':
      return (v as Decimal).toString();
    case 'TIMESTAMP':
      return formatTimestamp(v as Timestamp);
  }
}

const invalid = (type: string, text: string): DecentDBError =>
  sqlError(`invalid input syntax for type ${type}: "${text}"`);

const INT_RE = /^([+-]?)(?:0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|\d(_?\d)*)$/;

/** An integer literal as int8in/numeric_in read it (trimmed), or null if `s` is not one. */
function parseIntegerText(text: string): bigint | null {
  const s = text.trim();
  if (!INT_RE.test(s)) return null;
  const body = (s[0] === '-' || s[0] === '+' ? s.slice(1) : s).replace(/_/g, '');
  const r = /^0[oO]/.test(body) ? BigInt('0o' + body.slice(2)) : BigInt(body);
  return s[0] === '-' ? -r : r;
}

/** int8in (Postgres 16+: whitespace trimmed, '_' separators, 0x/0o/0b prefixes). */
export function parseInt64(text: string): number | bigint {
  const r = parseIntegerText(text);
  if (r === null) throw invalid('bigint', text);
  if (r < INT64_MIN || r > INT64_MAX) throw sqlError(`value "${text}" is out of range for type bigint`);
  return normInt(r);
}

/** numeric_in: decimal/exponent forms and (Postgres 16+) 0x/0o/0b integers. Ours: no NaN/±Infinity. */
export function parseNumeric(text: string): Decimal {
  const d = parseDecimal(text);
  if (d !== null) return d;
  const r = parseIntegerText(text);
  if (r !== null) return new Decimal(r, 0);
  if (/^\s*[+-]?(nan|inf|infinity)\s*$/i.test(text)) throw sqlError(`DECIMAL cannot hold "${text.trim()}"`, { value: text });
  throw invalid('numeric', text);
}

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT_SPECIAL: Readonly<Record<string, number>> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
};

/** float8in: decimal or exponent form, NaN/Infinity/inf in any case; out-of-range is an error. */
export function parseFloat64(text: string): number {
  const s = text.trim();
  const special = FLOAT_SPECIAL[s.toLowerCase()];
  if (special !== undefined) return special;
  if (!FLOAT_RE.test(s)) throw invalid('double precision', text);
  const x = Number(s);
  const mantissa = s.replace(/[eE].*$/, '');
  if (!Number.isFinite(x) || (x === 0 && /[1-9]/.test(mantissa))) {
    throw sqlError(`"${s}" is out of range for type double precision`);
  }
  return x;
}

const BOOL_WORDS: readonly [string, boolean, number][] = [
  ['true', true, 1],
  ['false', false, 1],
  ['yes', true, 1],
  ['no', false, 1],
  ['on', true, 2],
  ['off', false, 2],
];

/** boolin: any unambiguous prefix of true/false/yes/no, on/off (2+ chars), 1/0; case-insensitive. */
export function parseBool(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (s === '1') return true;
  if (s === '0') return false;
  if (s.length > 0) {
    for (const [word, value, minLen] of BOOL_WORDS) {
      if (s.length >= minLen && word.startsWith(s)) return value;
    }
  }
  throw invalid('boolean', text);
}

/** uuid_in: 32 hex digits, optional braces, a '-' allowed after any group of 4 digits. */
export function parseUuid(text: string): Uint8Array {
  let s = text;
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (!/^[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){6}$/.test(s) && !/^[0-9a-fA-F]{4}(-?[0-9a-fA-F]{4}){7}$/.test(s)) {
    throw invalid('uuid', text);
  }
  const hex = s.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

const textEncoder = new TextEncoder();

/** byteain: '\x' hex (whitespace between bytes allowed) or escape format ('\\', '\ooo'). */
export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2).replace(/\s+/g, '');
    const badDigit = /[^0-9a-fA-F]/.exec(hex);
    if (badDigit !== null) throw sqlError(`invalid hexadecimal digit: "${badDigit[0]}"`);
    if (hex.length % 2 !== 0) throw sqlError('invalid hexadecimal data: odd number of digits');
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }
  if (!text.includes('\\')) return textEncoder.encode(text);
  const bytes: number[] = [];
  const raw = textEncoder.encode(text);
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== 0x5c) {
      bytes.push(c);
    } else if (raw[i + 1] === 0x5c) {
      bytes.push(0x5c);
      i++;
    } else {
      const o = String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0, raw[i + 3] ?? 0);
      if (!/^[0-3][0-7][0-7]$/.test(o)) throw invalid('bytea', text);
      bytes.push(parseInt(o, 8));
      i += 3;
    }
  }
  return Uint8Array.from(bytes);
}

/** float8 → bigint: rint (half to even), "bigint out of range" for NaN/±Inf/outside. */
export function floatToInt64(x: number): number | bigint {
  if (Number.isNaN(x) || !(x >= -9223372036854775808 && x < 9223372036854775808)) {
    throw sqlError('bigint out of range');
  }
  let r = Math.round(x);
  if (Math.abs(x % 1) === 0.5) r = 2 * Math.round(x / 2);
  return Number.isSafeInteger(r) ? r + 0 : BigInt(r);
}

/**
 * float8 → numeric: 15 significant digits (printf %.15g), as float8_numeric. Result in
 * canonical form (smallest scale ≥ 0).
 *
 * Fast path: for a normal double whose shortest round-trip text (String(x)) has at most 15
 * significant digits, that text *is* x rounded to 15 digits: |x − S| ≤ ulp(x)/2 ≤ 2^-53·|x|,
 * under an eighth of the 15-digit grid step at x's magnitude, and S lies on that grid. Other
 * values (16–17 digits, subnormals) round through toPrecision(15) as before.
 */
export function floatToDecimal(x: number): Decimal {
  if (Number.isNaN(x)) throw sqlError('cannot convert NaN to numeric'); // ours: no numeric NaN
  if (!Number.isFinite(x)) throw sqlError('cannot convert infinity to numeric'); // ours: no numeric ±Inf
  const a = x < 0 ? -x : x;
  if (a >= 1e-300 && a < 1e300) {
    const s = String(x);
    if (significantDigits(s) <= 15) return decimalFromNumberText(s)!;
  }
  return decimalFromNumberText(x.toPrecision(15))!;
}

/**
 * Digits of a number's text before any exponent, leading zeros excluded (trailing zeros of an
 * integer form counted: an upper bound on the significant digits).
 */
function significantDigits(s: string): number {
  let count = 0;
  let leading = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 101) break;
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    count++;
  }
  return count;
}

/**
 * numeric_in for the text String(x) of a finite JS number x (what binding x as text and
 * parsing it gives: parseNumeric(String(x))), without the text's regex.
 */
export function decimalFromNumberString(x: number): Decimal {
  if (!Number.isFinite(x)) return parseNumeric(String(x));
  return decimalFromNumberText(String(x))!;
}

/** Rounds to the declared scale (half away from zero) and checks the precision: numeric(p,s) typmod. */
export function applyDecimalTypmod(d: Decimal, type: SqlType): Decimal {
  if (type.precision === undefined) return d;
  const scale = type.scale ?? 0;
  const r = decRound(d, scale);
  // r.scale === scale, so "more than p − s integer digits" is |unscaled| ≥ 10^p.
  const u = r.unscaled < 0n ? -r.unscaled : r.unscaled;
  if (u >= pow10(type.precision)) {
    throw sqlError('numeric field overflow', {
      detail: `A field with precision ${type.precision}, scale ${scale} must round to an absolute value less than 10^${type.precision - scale}.`,
    });
  }
  return r;
}

function cannotCast(from: SqlType, to: SqlType): DecentDBError {
  return sqlError(`cannot cast type ${pgTypeName(from)} to ${pgTypeName(to)}`);
}

/**
 * Explicit CAST(v AS to) from a value of type `from`; NULL stays NULL. `clock` serves 'now'.
 * Ours: INT64 ↔ BOOL is allowed (Postgres only casts int4 ↔ bool); BLOB(16) ↔ UUID is allowed.
 */
export function castValue(v: Value, from: SqlType, to: SqlType, clock: Clock = systemClock): Value {
  if (v === null) return null;
  if (to.base === 'TEXT') return valueToText(v, from);
  if (from.base === 'TEXT') return applyTypmod(parseText(v as string, to, clock), to);
  switch (to.base) {
    case 'INT64':
      switch (from.base) {
        case 'INT64':
          return v;
        case 'FLOAT64':
          return floatToInt64(v as number);
        case 'DECIMAL': {
          const r = decToInt64(v as Decimal);
          if (r === null) throw sqlError('bigint out of range');
          return normInt(r);
        }
        case 'BOOL':
          return v ? 1 : 0;
      }
      break;
    case 'FLOAT64':
      switch (from.base) {
        case 'FLOAT64':
          return v;
        case 'INT64':
          return Number(v as number | bigint);
        case 'DECIMAL':
          return decToNumber(v as Decimal);
      }
      break;
    case 'DECIMAL':
      switch (from.base) {
        case 'DECIMAL':
          return applyDecimalTypmod(v as Decimal, to);
        case 'INT64':
          return applyDecimalTypmod(decFromInt(v as number | bigint), to);
        case 'FLOAT64':
          return applyDecimalTypmod(floatToDecimal(v as number), to);
      }
      break;
    case 'BOOL':
      if (from.base === 'BOOL') return v;
      if (from.base === 'INT64') return (v as number | bigint) != 0;
      break;
    case 'TIMESTAMP':
      if (from.base === 'TIMESTAMP') return v;
      break;
    case 'BLOB':
      if (from.base === 'BLOB' || from.base === 'UUID') return v;
      break;
    case 'UUID':
      if (from.base === 'UUID') return v;
      if (from.base === 'BLOB') {
        if ((v as Uint8Array).length !== 16) throw sqlError(`invalid input length for type uuid: ${(v as Uint8Array).length} bytes`);
        return v;
      }
      break;
  }
  throw cannotCast(from, to);
}

function applyTypmod(v: Value, to: SqlType): Value {
  return to.base === 'DECIMAL' && v !== null ? applyDecimalTypmod(v as Decimal, to) : v;
}

/** A type's input function: text (a literal or a TEXT value) → value of `to`. */
export function parseText(text: string, to: SqlType, clock: Clock = systemClock): Value {
  switch (to.base) {
    case 'TEXT':
      return text;
    case 'INT64':
      return parseInt64(text);
    case 'FLOAT64':
      return parseFloat64(text);
    case 'BOOL':
      return parseBool(text);
    case 'DECIMAL':
      return parseNumeric(text);
    case 'TIMESTAMP':
      return parseTimestamp(text, clock);
    case 'UUID':
      return parseUuid(text);
    case 'BLOB':
      return parseBytea(text);
  }
}

export type CastKind = 'identity' | 'implicit' | 'assignment' | 'explicit';

const NUM_RANK: Readonly<Record<string, number>> = { INT64: 0, DECIMAL: 1, FLOAT64: 2 };

/**
 * How Postgres would allow `from` → `to`: implicit (any context), assignment (INSERT/UPDATE and
 * CAST), explicit (CAST only), or null (never). TEXT sources count as explicit: a string
 * *literal* (Postgres `unknown`) is assignable to anything, which the binder decides.
 */
export function castKind(from: SqlType, to: SqlType): CastKind | null {
  if (from.base === to.base) return from.base === 'DECIMAL' && to.precision !== undefined ? 'assignment' : 'identity';
  const rf = NUM_RANK[from.base];
  const rt = NUM_RANK[to.base];
  if (rf !== undefined && rt !== undefined) return rf < rt ? 'implicit' : 'assignment';
  if (to.base === 'TEXT') return 'assignment';
  if (from.base === 'TEXT') return 'explicit';
  if ((from.base === 'INT64' && to.base === 'BOOL') || (from.base === 'BOOL' && to.base === 'INT64')) return 'explicit';
  if ((from.base === 'BLOB' && to.base === 'UUID') || (from.base === 'UUID' && to.base === 'BLOB')) return 'explicit';
  return null;
}

/**
 * Converts a value for storage in a column of `to` (INSERT/UPDATE): numeric conversions round
 * (1.5 → 2 for INT64, rint for FLOAT64 sources), DECIMAL(p,s) rounds and checks overflow, text
 * is parsed (the binder allows only literals/parameters there, as Postgres types them unknown).
 */
export function assignCast(v: Value, from: SqlType, to: SqlType, column?: string, clock: Clock = systemClock): Value {
  if (v === null) return null;
  const kind = castKind(from, to);
  if (kind === null || (kind === 'explicit' && from.base !== 'TEXT')) {
    throw sqlError(
      `column ${column === undefined ? '' : `"${column}" `}is of type ${pgTypeName(to)} but expression is of type ${pgTypeName(from)}`,
      column === undefined ? undefined : { column },
    );
  }
  return castValue(v, from, to, clock);
}

/** CAST(x AS DATE): ours, DATE is a TIMESTAMP at midnight UTC. */
export function castToDate(v: Value, from: SqlType, clock: Clock = systemClock): Value {
  const ts = castValue(v, from, { base: 'TIMESTAMP' }, clock);
  return ts === null ? null : truncateToDay(ts as Timestamp);
}
