/**
 * JS number → DECIMAL conversions against the string-and-regex implementation they replaced
 * (kept here as the model): float8_numeric (floatToDecimal, 15 significant digits), numeric_in
 * of String(x) (decimalFromNumberString) and the numeric(p,s) typmod. Equal means the same
 * unscaled value and the same scale, or the same error.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { applyDecimalTypmod, decimalFromNumberString, floatToDecimal, parseNumeric } from './cast.js';
import { decIntegerDigits, decRound, decimalFromNumberText, parseDecimal } from './decimal.js';
import { sqlError } from '../util/index.js';

function oldFloatToDecimal(x: number): Decimal {
  if (Number.isNaN(x)) throw sqlError('cannot convert NaN to numeric');
  if (!Number.isFinite(x)) throw sqlError('cannot convert infinity to numeric');
  let s = x.toPrecision(15);
  const e = s.indexOf('e');
  let mant = e < 0 ? s : s.slice(0, e);
  if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
  s = mant + (e < 0 ? '' : s.slice(e));
  return parseDecimal(s)!;
}

function oldTypmod(d: Decimal, type: SqlType): Decimal {
  if (type.precision === undefined) return d;
  const scale = type.scale ?? 0;
  const r = decRound(d, scale);
  if (decIntegerDigits(r) > type.precision - scale) throw sqlError('numeric field overflow');
  return r;
}

type Outcome = { unscaled: bigint; scale: number } | { error: string };

function outcome(f: () => Decimal): Outcome {
  try {
    const d = f();
    return { unscaled: d.unscaled, scale: d.scale };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Doubles of every kind: any bit pattern, short decimals, subnormals, huge, signed zeros. */
const anyDouble = fc.oneof(
  fc.double(),
  fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).chain((n) => fc.integer({ min: 0, max: 8 }).map((k) => n / 10 ** k)),
  fc.double({ min: -1e-300, max: 1e-300 }),
  fc.double({ min: 1e290, max: Number.MAX_VALUE }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1e300, 1e15, 1e21, 0.1 + 0.2, 1.005, 2.675, 123456789012345.6, Number.MAX_VALUE, NaN, Infinity, -Infinity),
);

const typmods = fc.integer({ min: 1, max: 18 }).chain((p) => fc.integer({ min: 0, max: p }).map((s): SqlType => ({ base: 'DECIMAL', precision: p, scale: s })));

describe('float → DECIMAL without the regex', () => {
  it('floatToDecimal matches %.15g parsing on every kind of double', () => {
    fc.assert(fc.property(anyDouble, (x) => {
      expect(outcome(() => floatToDecimal(x))).toEqual(outcome(() => oldFloatToDecimal(x)));
    }), { numRuns: 3000 });
  });

  it('decimalFromNumberString matches numeric_in of String(x)', () => {
    fc.assert(fc.property(anyDouble, (x) => {
      expect(outcome(() => decimalFromNumberString(x))).toEqual(outcome(() => parseNumeric(String(x))));
    }), { numRuns: 3000 });
  });

  it('decimalFromNumberText matches parseDecimal on toPrecision and toExponential forms', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 }), (x, p) => {
        for (const s of [x.toPrecision(p), x.toExponential(Math.min(p, 20) - 1), String(x)]) {
          const got = decimalFromNumberText(s)!;
          const want = parseDecimal(s)!;
          // Same value; canonical scale (trailing fractional zeros dropped).
          expect(got.unscaled * 10n ** BigInt(Math.max(0, want.scale - got.scale))).toBe(want.unscaled * 10n ** BigInt(Math.max(0, got.scale - want.scale)));
          expect(got.scale <= want.scale).toBe(true);
          expect(got.scale === 0 || got.unscaled % 10n !== 0n).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(decimalFromNumberText('abc')).toBe(null);
    expect(decimalFromNumberText('1e')).toBe(null);
    expect(decimalFromNumberText('.5')).toBe(null);
    expect(decimalFromNumberText('1.5e+2x')).toBe(null);
  });

  it('the typmod rounds and overflows exactly as before', () => {
    fc.assert(
      fc.property(anyDouble, typmods, (x, t) => {
        expect(outcome(() => applyDecimalTypmod(floatToDecimal(x), t))).toEqual(outcome(() => oldTypmod(oldFloatToDecimal(x), t)));
        expect(outcome(() => applyDecimalTypmod(decimalFromNumberString(x), t))).toEqual(outcome(() => oldTypmod(parseNumeric(String(x)), t)));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 25 }), typmods, (u, s, t) => {
        const d = new Decimal(u, s);
        expect(outcome(() => applyDecimalTypmod(d, t))).toEqual(outcome(() => oldTypmod(d, t)));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the known cases', () => {
    expect(String(floatToDecimal(0.1 + 0.2))).toBe('0.3');
    expect(String(floatToDecimal(-0))).toBe('0');
    expect(String(floatToDecimal(1e21))).toBe('1000000000000000000000');
    expect(String(floatToDecimal(1.5e-7))).toBe('0.00000015');
    expect(String(floatToDecimal(5e-324))).toBe(String(oldFloatToDecimal(5e-324)));
    expect(String(decimalFromNumberString(0.1 + 0.2))).toBe('0.30000000000000004');
    expect(() => floatToDecimal(NaN)).toThrow('cannot convert NaN to numeric');
    expect(() => floatToDecimal(-Infinity)).toThrow('cannot convert infinity to numeric');
    expect(() => decimalFromNumberString(NaN)).toThrow('DECIMAL cannot hold "NaN"');
  });
});
