/**
 * Scalar function registry: name → {returnType(argTypes), impl(args)} with Postgres semantics
 * and overload resolution for our types (e.g. round(bigint) is round(float8) as in Postgres).
 * Strict functions return NULL on any NULL argument before impl runs (callScalar does it).
 * Aggregates live in aggregates.ts; CASE, casts and operators are evaluator business.
 */
import { DecentDBError, sqlError } from '../util/index.js';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { commonType, compareValues, pgTypeName, promoteValue } from './compare.js';
import { applyArithmetic, int64Result } from './arithmetic.js';
import { formatUuid, parseUuid, valueToText } from './cast.js';
import { decAbs, decCeilFloor, decRound, decTrunc } from './decimal.js';
import { foldCodePoint } from './like.js';
import { systemClock } from './datetime.js';
import type { Clock } from './datetime.js';

/** What a function may read besides its arguments (injected by the engine; tests pin it). */
export interface FunctionContext {
  readonly clock: Clock;
  /** Fills a buffer with random bytes; defaults to crypto.getRandomValues. */
  readonly randomBytes?: (out: Uint8Array) => void;
}

export const defaultFunctionContext: FunctionContext = { clock: systemClock };

export interface ScalarFunction {
  readonly name: string;
  /** Strict: any NULL argument makes the result NULL without calling impl. */
  readonly strict: boolean;
  /** Volatile/stable (NOW, gen_random_uuid): never constant-fold. */
  readonly volatile: boolean;
  /** The result type for these argument types; throws ERR_SQL "function f(types) does not exist". */
  returnType(argTypes: readonly SqlType[]): SqlType;
  impl(args: readonly Value[], argTypes: readonly SqlType[], ctx: FunctionContext): Value;
}

const T = (base: SqlType['base']): SqlType => ({ base });
const INT64 = T('INT64');
const FLOAT64 = T('FLOAT64');
const TEXT = T('TEXT');
const DECIMAL = T('DECIMAL');

function noFunction(name: string, types: readonly SqlType[]): DecentDBError {
  return sqlError(`function ${name}(${types.map(pgTypeName).join(', ')}) does not exist`);
}

const registry = new Map<string, ScalarFunction>();

function define(
  names: readonly string[],
  strict: boolean,
  returnType: (t: readonly SqlType[], name: string) => SqlType,
  impl: ScalarFunction['impl'],
  volatile = false,
): void {
  for (const name of names) {
    registry.set(name, { name, strict, volatile, returnType: (t) => returnType(t, name), impl });
  }
}

/** Function lookup by (case-insensitive) name. */
export function lookupFunction(name: string): ScalarFunction | undefined {
  return registry.get(name.toLowerCase());
}

/** Calls a function with strict NULL handling; throws ERR_SQL for an unknown name. */
export function callScalar(name: string, args: readonly Value[], argTypes: readonly SqlType[], ctx: FunctionContext = defaultFunctionContext): Value {
  const f = lookupFunction(name);
  if (f === undefined) throw noFunction(name, argTypes);
  if (f.strict) for (const a of args) if (a === null) return null;
  return f.impl(args, argTypes, ctx);
}

// ---- argument checks --------------------------------------------------------------------

const isNum = (t: SqlType | undefined): boolean => t !== undefined && (t.base === 'INT64' || t.base === 'FLOAT64' || t.base === 'DECIMAL');
const isText = (t: SqlType | undefined): boolean => t !== undefined && t.base === 'TEXT';

function expect(name: string, t: readonly SqlType[], ok: boolean): void {
  if (!ok) throw noFunction(name, t);
}

function foldCommon(t: readonly SqlType[], name: string): SqlType {
  expect(name, t, t.length > 0);
  let r = t[0]!;
  for (let i = 1; i < t.length; i++) r = commonType(r, t[i]!);
  return r;
}

// ---- text helpers -----------------------------------------------------------------------

/** Number of characters (code points). */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

const ASCII = /^[\x00-\x7f]*$/;

function mapCodePoints(s: string, f: (cp: number) => number): string {
  let out = '';
  for (const ch of s) out += String.fromCodePoint(f(ch.codePointAt(0)!));
  return out;
}

const upperCache = new Map<number, number>([[0xdf, 0x1e9e]]); // towupper('ß') = 'ẞ' under C.UTF-8
function upperCodePoint(cp: number): number {
  if (cp < 0x80) return cp >= 97 && cp <= 122 ? cp - 32 : cp;
  let u = upperCache.get(cp);
  if (u === undefined) {
    const up = String.fromCodePoint(cp).toUpperCase();
    const first = up.codePointAt(0)!;
    u = up.length === String.fromCodePoint(first).length ? first : cp;
    upperCache.set(cp, u);
  }
  return u;
}

/** lower(): per code point, 1:1 mappings only (towlower under C.UTF-8; 'İ' stays). */
export function sqlLower(s: string): string {
  return ASCII.test(s) ? s.toLowerCase() : mapCodePoints(s, foldCodePoint);
}

/** upper(): per code point, 1:1 mappings only ('ß' → 'ẞ' as towupper, not JS's 'SS'). */
export function sqlUpper(s: string): string {
  return ASCII.test(s) ? s.toUpperCase() : mapCodePoints(s, upperCodePoint);
}

/** btrim/ltrim/rtrim: removes the longest run of characters in `chars` from the chosen ends. */
export function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a]!)) a++;
  if (right) while (b > a && set.has(cps[b - 1]!)) b--;
  return a === 0 && b === cps.length ? s : cps.slice(a, b).join('');
}

/** substr(s, start[, count]) in characters, 1-based; a start before 1 eats into count (Postgres). */
export function substrChars(s: string, start: number, count: number | null): string {
  if (count !== null && count < 0) throw sqlError('negative substring length not allowed');
  const from = Math.max(start, 1);
  const end = count === null ? Infinity : start + count; // exclusive
  if (end <= from) return '';
  if (ASCII.test(s)) return s.slice(from - 1, end === Infinity ? undefined : end - 1);
  const cps = Array.from(s);
  return cps.slice(from - 1, end === Infinity ? undefined : end - 1).join('');
}

/** strpos(s, sub): 1-based character position of the first occurrence, 0 if absent. */
export function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  return i < 0 ? 0 : charLength(s.slice(0, i)) + 1;
}

const toNum = (v: Value): number => Number(v as number | bigint);

function randomUuid(ctx: FunctionContext): Uint8Array {
  const b = new Uint8Array(16);
  if (ctx.randomBytes !== undefined) ctx.randomBytes(b);
  else globalThis.crypto.getRandomValues(b);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}

function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

// ---- definitions --------------------------------------------------------------------------

define(['coalesce'], false, foldCommon, (args, types) => {
  const t = foldCommon(types, 'coalesce');
  for (let i = 0; i < args.length; i++) if (args[i] !== null) return promoteValue(args[i]!, types[i]!, t);
  return null;
});

define(
  ['nullif'],
  false,
  (t, n) => {
    expect(n, t, t.length === 2);
    commonType(t[0]!, t[1]!);
    return t[0]!;
  },
  (args, types) => {
    const [a, b] = args as [Value, Value];
    if (a === null || b === null) return a;
    const ct = commonType(types[0]!, types[1]!);
    return compareValues(promoteValue(a, types[0]!, ct), promoteValue(b, types[1]!, ct), ct) === 0 ? null : a;
  },
);

for (const [name, pick] of [
  ['greatest', 1],
  ['least', -1],
] as const) {
  define([name], false, foldCommon, (args, types) => {
    const t = foldCommon(types, name);
    let best: Value = null;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === null) continue;
      const v = promoteValue(args[i]!, types[i]!, t);
      if (best === null || compareValues(v, best, t) * pick > 0) best = v;
    }
    return best;
  });
}

define(
  ['length', 'char_length', 'character_length'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && (isText(t[0]) || (n === 'length' && t[0]!.base === 'BLOB')));
    return INT64;
  },
  (args, types) => (types[0]!.base === 'BLOB' ? (args[0] as Uint8Array).length : charLength(args[0] as string)),
);

define(
  ['octet_length'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && (isText(t[0]) || t[0]!.base === 'BLOB'));
    return INT64;
  },
  (args, types) => (types[0]!.base === 'BLOB' ? (args[0] as Uint8Array).length : new TextEncoder().encode(args[0] as string).length),
);

const textToText = (t: readonly SqlType[], n: string): SqlType => {
  expect(n, t, t.length === 1 && isText(t[0]));
  return TEXT;
};
define(['lower'], true, textToText, (a) => sqlLower(a[0] as string));
define(['upper'], true, textToText, (a) => sqlUpper(a[0] as string));

for (const [name, left, right] of [
  ['btrim', true, true],
  ['trim', true, true],
  ['ltrim', true, false],
  ['rtrim', false, true],
] as const) {
  define(
    [name],
    true,
    (t, n) => {
      expect(n, t, (t.length === 1 || t.length === 2) && t.every(isText));
      return TEXT;
    },
    (a) => trimChars(a[0] as string, a.length > 1 ? (a[1] as string) : ' ', left, right),
  );
}

define(
  ['substr', 'substring'],
  true,
  (t, n) => {
    expect(n, t, (t.length === 2 || t.length === 3) && (isText(t[0]) || t[0]!.base === 'BLOB') && t[1]!.base === 'INT64' && (t.length === 2 || t[2]!.base === 'INT64'));
    return t[0]!;
  },
  (a, types) => {
    const start = toNum(a[1]!);
    const count = a.length > 2 ? toNum(a[2]!) : null;
    if (types[0]!.base === 'BLOB') {
      if (count !== null && count < 0) throw sqlError('negative substring length not allowed');
      const b = a[0] as Uint8Array;
      const from = Math.max(start, 1);
      const end = count === null ? b.length + 1 : start + count;
      return end <= from ? new Uint8Array(0) : b.slice(from - 1, Math.min(end - 1, b.length));
    }
    return substrChars(a[0] as string, start, count);
  },
);

define(
  ['replace'],
  true,
  (t, n) => {
    expect(n, t, t.length === 3 && t.every(isText));
    return TEXT;
  },
  (a) => ((a[1] as string) === '' ? (a[0] as string) : (a[0] as string).split(a[1] as string).join(a[2] as string)),
);

define(
  ['strpos', 'position'],
  true,
  (t, n) => {
    expect(n, t, t.length === 2 && t.every(isText));
    return INT64;
  },
  (a) => strpos(a[0] as string, a[1] as string),
);

define(
  ['concat'],
  false,
  () => TEXT,
  (args, types) => {
    let out = '';
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!;
      if (v === null) continue;
      // concat() uses each type's output function: boolout prints 't'/'f'.
      out += types[i]!.base === 'BOOL' ? (v ? 't' : 'f') : valueToText(v, types[i]!);
    }
    return out;
  },
);

define(
  ['abs'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && isNum(t[0]));
    return t[0]!;
  },
  (a, types) => {
    const v = a[0]!;
    switch (types[0]!.base) {
      case 'INT64':
        return typeof v === 'number' ? Math.abs(v) : int64Result((v as bigint) < 0n ? -(v as bigint) : (v as bigint));
      case 'FLOAT64':
        return Math.abs(v as number);
      default:
        return decAbs(v as Decimal);
    }
  },
);

/**
 * round and trunc share their typing (Postgres: numeric in → numeric out, float in → float out,
 * an INT64 with digits → numeric) and differ only in the rounding step.
 */
function defineRounding(name: string, onDecimal: (d: Decimal, digits: number) => Decimal, onFloat: (x: number) => number): void {
  define(
    [name],
    true,
    (t, n) => {
      expect(n, t, (t.length === 1 && isNum(t[0])) || (t.length === 2 && (t[0]!.base === 'DECIMAL' || t[0]!.base === 'INT64') && t[1]!.base === 'INT64'));
      if (t.length === 2) return DECIMAL;
      return t[0]!.base === 'DECIMAL' ? DECIMAL : FLOAT64;
    },
    (a, types) => {
      const v = a[0]!;
      const digits = a.length > 1 ? toNum(a[1]!) : 0;
      if (types[0]!.base === 'DECIMAL') return onDecimal(v as Decimal, digits);
      if (a.length > 1) return onDecimal(new Decimal(BigInt(v as number | bigint), 0), digits);
      return onFloat(toNum(v));
    },
  );
}

defineRounding('round', decRound, rint);
defineRounding('trunc', decTrunc, Math.trunc);

for (const [names, up] of [
  [['ceil', 'ceiling'], true],
  [['floor'], false],
] as const) {
  define(
    names,
    true,
    (t, n) => {
      expect(n, t, t.length === 1 && isNum(t[0]));
      return t[0]!.base === 'DECIMAL' ? DECIMAL : FLOAT64;
    },
    (a, types) => {
      if (types[0]!.base === 'DECIMAL') return decCeilFloor(a[0] as Decimal, up);
      const x = toNum(a[0]!);
      return up ? Math.ceil(x) : Math.floor(x);
    },
  );
}

define(
  ['sign'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && isNum(t[0]));
    return t[0]!.base === 'DECIMAL' ? DECIMAL : FLOAT64;
  },
  (a, types) => {
    if (types[0]!.base === 'DECIMAL') {
      const u = (a[0] as Decimal).unscaled;
      return new Decimal(u > 0n ? 1n : u < 0n ? -1n : 0n, 0);
    }
    const x = toNum(a[0]!);
    return Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0;
  },
);

define(
  ['mod'],
  true,
  (t, n) => {
    expect(n, t, t.length === 2 && isNum(t[0]) && isNum(t[1]));
    const r = commonType(t[0]!, t[1]!);
    expect(n, t, r.base !== 'FLOAT64');
    return r;
  },
  (a, types) => {
    const r = commonType(types[0]!, types[1]!);
    return applyArithmetic('%', promoteValue(a[0]!, types[0]!, r), promoteValue(a[1]!, types[1]!, r), r);
  },
);

define(
  ['now', 'current_timestamp', 'localtimestamp'],
  false,
  (t, n) => {
    expect(n, t, t.length === 0);
    return T('TIMESTAMP');
  },
  (_a, _t, ctx) => new Timestamp(ctx.clock.nowMicros()),
  true,
);

define(
  ['gen_random_uuid'],
  false,
  (t, n) => {
    expect(n, t, t.length === 0);
    return T('UUID');
  },
  (_a, _t, ctx) => randomUuid(ctx),
  true,
);

define(
  ['uuid_parse'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && isText(t[0]));
    return T('UUID');
  },
  (a) => parseUuid(a[0] as string),
);

define(
  ['uuid_to_string'],
  true,
  (t, n) => {
    expect(n, t, t.length === 1 && (t[0]!.base === 'UUID' || t[0]!.base === 'BLOB'));
    return TEXT;
  },
  (a) => {
    const b = a[0] as Uint8Array;
    if (b.length !== 16) throw sqlError(`invalid input length for type uuid: ${b.length} bytes`);
    return formatUuid(b);
  },
);

/** All registered names (for EXPLAIN/tests). */
export function functionNames(): string[] {
  return [...registry.keys()].sort();
}
