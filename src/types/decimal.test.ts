import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../record/index.js';
import { decCeilFloor, decCompare, decDiv, decIntegerDigits, decNormalize, decRound, divScale, parseDecimal, roundDiv } from './decimal.js';

describe('decimal helpers', () => {
  it('rounds half away from zero', () => {
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    expect(roundDiv(7n, -2n)).toBe(-4n);
    expect(String(decRound(new Decimal(-1235n, 3), 2))).toBe('-1.24');
    expect(String(decCeilFloor(new Decimal(11n, 1), true))).toBe('2');
  });

  it('parses numeric input forms', () => {
    expect(String(parseDecimal(' -1_000.50 '))).toBe('-1000.50');
    expect(String(parseDecimal('.5e-2'))).toBe('0.005');
    expect(String(parseDecimal('1.50e1'))).toBe('15.0');
    expect(parseDecimal('1e')).toBe(null);
    expect(parseDecimal('')).toBe(null);
  });

  it('divides with at least 16 significant digits (select_div_scale)', () => {
    expect(divScale(new Decimal(1n, 0), new Decimal(3n, 0))).toBe(20);
    expect(String(decDiv(new Decimal(12345678n, 0), new Decimal(1n, 3)))).toBe('12345678000.00000000');
    expect(String(decDiv(new Decimal(1n, 5), new Decimal(3n, 0)))).toBe('0.000003333333333333333333');
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.nat(6), fc.nat(6), (a, b, s1, s2) => {
        const q = decDiv(new Decimal(a, s1), new Decimal(b, s2));
        // |q - a/b| ≤ half a unit in the last place
        const err = q.unscaled * b * 10n ** BigInt(s1) - a * 10n ** BigInt(s2 + q.scale);
        expect((err < 0n ? -err : err) * 2n <= b * 10n ** BigInt(s1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('compares by value and normalises trailing zeros', () => {
    expect(decCompare(new Decimal(100n, 2), new Decimal(1n, 0))).toBe(0);
    expect(String(decNormalize(new Decimal(1500n, 3)))).toBe('1.5');
    expect(decIntegerDigits(new Decimal(12345n, 2))).toBe(3);
    expect(decIntegerDigits(new Decimal(5n, 3))).toBe(0);
  });
});
