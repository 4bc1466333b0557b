/**
 * Exact DECIMAL arithmetic on Decimal{unscaled: bigint, scale}, following Postgres `numeric`
 * (src/backend/utils/adt/numeric.c): add/sub keep the larger scale, mul adds scales, div picks
 * the scale of select_div_scale (at least 16 significant digits), rounding is half away from zero.
 * Intermediate results may exceed DECIMAL(18); only casts to a declared DECIMAL(p,s) check
 * precision (cast.ts). No NaN or ±Infinity: Postgres numeric has them, we do not.
 */
import { sqlError } from '../util/index.js';
import { Decimal } from '../record/index.js';

const POW10: bigint[] = [1n];

/** 10^n as a bigint (n ≥ 0), cached. */
export function pow10(n: number): bigint {
  while (POW10.length <= n) POW10.push(POW10[POW10.length - 1]! * 10n);
  return POW10[n]!;
}

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;

/** Divides and rounds half away from zero (den ≠ 0). */
export function roundDiv(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

/** Brings `d` to `scale`: exact when growing, rounds half away from zero when shrinking. */
export function decRescale(d: Decimal, scale: number): Decimal {
  if (scale === d.scale) return d;
  if (scale > d.scale) return new Decimal(d.unscaled * pow10(scale - d.scale), scale);
  return new Decimal(roundDiv(d.unscaled, pow10(d.scale - scale)), scale);
}

/** Rounds to `digits` after the point (negative: left of it); result scale max(digits, 0). */
export function decRound(d: Decimal, digits: number): Decimal {
  if (digits >= d.scale) return decRescale(d, digits);
  const drop = pow10(d.scale - digits);
  const q = roundDiv(d.unscaled, drop);
  if (digits >= 0) return new Decimal(q, digits);
  return new Decimal(q * pow10(-digits), 0);
}

/** Truncates toward zero to `digits` after the point; result scale max(digits, 0). */
export function decTrunc(d: Decimal, digits: number): Decimal {
  if (digits >= d.scale) return decRescale(d, digits);
  const drop = pow10(d.scale - digits);
  const q = d.unscaled / drop;
  if (digits >= 0) return new Decimal(q, digits);
  return new Decimal(q * pow10(-digits), 0);
}

/** Ceiling (up = true) or floor to an integer, scale 0. */
export function decCeilFloor(d: Decimal, up: boolean): Decimal {
  if (d.scale === 0) return d;
  const p = pow10(d.scale);
  let q = d.unscaled / p;
  const r = d.unscaled % p;
  if (r !== 0n) {
    if (up && r > 0n) q += 1n;
    if (!up && r < 0n) q -= 1n;
  }
  return new Decimal(q, 0);
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.unscaled, b.unscaled, a.scale];
  if (a.scale > b.scale) return [a.unscaled, b.unscaled * pow10(a.scale - b.scale), a.scale];
  return [a.unscaled * pow10(b.scale - a.scale), b.unscaled, b.scale];
}

export function decCompare(a: Decimal, b: Decimal): number {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function decAdd(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return new Decimal(x + y, s);
}

export function decSub(a: Decimal, b: Decimal): Decimal {
  const [x, y, s] = align(a, b);
  return new Decimal(x - y, s);
}

export function decMul(a: Decimal, b: Decimal): Decimal {
  return new Decimal(a.unscaled * b.unscaled, a.scale + b.scale);
}

export function decNeg(a: Decimal): Decimal {
  return new Decimal(-a.unscaled, a.scale);
}

export function decAbs(a: Decimal): Decimal {
  return a.unscaled < 0n ? new Decimal(-a.unscaled, a.scale) : a;
}

/** Weight (in base-10000 digits) and first base-10000 digit of |d|, as numeric.c sees them. */
function nbaseHead(d: Decimal): [number, bigint] {
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  if (u === 0n) return [0, 0n];
  const e = u.toString().length - 1 - d.scale; // decimal exponent of the leading digit
  const weight = Math.floor(e / 4);
  const shift = d.scale + 4 * weight; // |d| / 10000^weight = u / 10^shift
  const head = shift >= 0 ? u / pow10(shift) : u * pow10(-shift);
  return [weight, head % 10000n];
}

/** Postgres select_div_scale: the result scale of numeric division. */
export function divScale(a: Decimal, b: Decimal): number {
  const [w1, f1] = nbaseHead(a);
  const [w2, f2] = nbaseHead(b);
  let qweight = w1 - w2;
  if (f1 <= f2) qweight--;
  let rscale = 16 - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, 1000);
}

export function decDiv(a: Decimal, b: Decimal): Decimal {
  if (b.unscaled === 0n) throw sqlError('division by zero');
  const rscale = divScale(a, b);
  const num = a.unscaled * pow10(b.scale + rscale);
  const den = b.unscaled * pow10(a.scale);
  return new Decimal(roundDiv(num, den), rscale);
}

/** Postgres numeric %: x - trunc(x/y)*y, sign of the dividend, scale max(s1, s2). */
export function decMod(a: Decimal, b: Decimal): Decimal {
  if (b.unscaled === 0n) throw sqlError('division by zero');
  const [x, y, s] = align(a, b);
  return new Decimal(x % y, s);
}

export function decFromInt(v: number | bigint): Decimal {
  return new Decimal(BigInt(v), 0);
}

/** Correctly rounded conversion to a double (via the decimal text, like numeric_float8). */
export function decToNumber(d: Decimal): number {
  return Number(d.toString());
}

/** Rounds half away from zero to an integer; null when outside int64. */
export function decToInt64(d: Decimal): bigint | null {
  const r = d.scale === 0 ? d.unscaled : roundDiv(d.unscaled, pow10(d.scale));
  return r < INT64_MIN || r > INT64_MAX ? null : r;
}

/** Number of digits left of the decimal point (0 for |d| < 1), as the precision check counts them. */
export function decIntegerDigits(d: Decimal): number {
  const u = d.unscaled < 0n ? -d.unscaled : d.unscaled;
  const len = u === 0n ? 0 : u.toString().length;
  return Math.max(0, len - d.scale);
}

/** Strips trailing fractional zeros (1.500 → 1.5): the canonical form for hashing. */
export function decNormalize(d: Decimal): Decimal {
  let u = d.unscaled;
  let s = d.scale;
  while (s > 0 && u % 10n === 0n) {
    u /= 10n;
    s--;
  }
  return s === d.scale ? d : new Decimal(u, s);
}

const NUMERIC_RE = /^([+-]?)(?:(\d(?:_?\d)*)(?:\.((?:\d(?:_?\d)*)?))?|\.(\d(?:_?\d)*))(?:[eE]([+-]?\d+))?$/;

/** Parses Postgres numeric input (trimmed; sign, digits, '.', exponent, '_' separators); null on bad syntax. */
export function parseDecimal(text: string): Decimal | null {
  const m = NUMERIC_RE.exec(text.trim());
  if (m === null) return null;
  const intPart = (m[2] ?? '').replace(/_/g, '');
  const frac = (m[3] ?? m[4] ?? '').replace(/_/g, '');
  let scale = frac.length;
  let unscaled = BigInt((intPart + frac) || '0');
  if (m[5] !== undefined) {
    const exp = Number(m[5]);
    if (!Number.isFinite(exp) || Math.abs(exp) > 1000) return null;
    scale -= exp;
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
  }
  if (m[1] === '-') unscaled = -unscaled;
  return new Decimal(unscaled, scale);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * The Decimal of a JS number's text, `[-]digits[.digits][e[+-]digits]` (the forms String(x)
 * and x.toPrecision(n) write), in canonical form: the smallest scale ≥ 0 that holds the value
 * exactly (trailing fractional zeros dropped). Equals parseDecimal on the same text after
 * stripping those zeros, without a regex or intermediate strings; null for any other text.
 */
export function decimalFromNumberText(s: string): Decimal | null {
  const n = s.length;
  let i = 0;
  const neg = n > 0 && s.charCodeAt(0) === 45;
  if (neg) i = 1;
  const intStart = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intEnd = i;
  if (intEnd === intStart) return null;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && s.charCodeAt(i) === 46) {
    fracStart = ++i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fracEnd = i;
  }
  let exp = 0;
  if (i < n) {
    if (s.charCodeAt(i) !== 101) return null;
    i++;
    const sign = i < n ? s.charCodeAt(i) : 0;
    if (sign === 43 || sign === 45) i++;
    const expStart = i;
    while (i < n && isDigit(s.charCodeAt(i)) && exp <= 1000) exp = exp * 10 + (s.charCodeAt(i++) - 48);
    if (i === expStart || i !== n || exp > 1000) return null;
    if (sign === 45) exp = -exp;
  }
  // value = digits(int ++ frac) × 10^-scale; drop trailing zeros while the scale stays ≥ 0.
  let scale = fracEnd - fracStart - exp;
  let fracLast = fracEnd;
  while (scale > 0 && fracLast > fracStart && s.charCodeAt(fracLast - 1) === 48) {
    fracLast--;
    scale--;
  }
  let intLast = intEnd;
  if (fracLast === fracStart) {
    while (scale > 0 && intLast > intStart + 1 && s.charCodeAt(intLast - 1) === 48) {
      intLast--;
      scale--;
    }
  }
  let unscaled: bigint;
  if (intLast - intStart + (fracLast - fracStart) <= 15) {
    // At most 15 digits: exact in a double (< 2^53).
    let m = 0;
    for (let k = intStart; k < intLast; k++) m = m * 10 + (s.charCodeAt(k) - 48);
    for (let k = fracStart; k < fracLast; k++) m = m * 10 + (s.charCodeAt(k) - 48);
    unscaled = BigInt(m);
  } else {
    unscaled = BigInt(s.slice(intStart, intLast) + s.slice(fracStart, fracLast));
  }
  if (scale < 0) {
    unscaled *= pow10(-scale);
    scale = 0;
  }
  return new Decimal(neg ? -unscaled : unscaled, scale);
}
