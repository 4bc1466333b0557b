/**
 * float8out: the text Postgres prints for a double (extra_float_digits = 1, its default).
 *
 * Postgres uses Ryu's shortest digits, which differ from JavaScript's `Number#toString` in one
 * corner: JavaScript accepts digits that lie exactly on the half-way point to a neighbouring
 * double when round-half-even parses them back to `x`; Postgres accepts only digits strictly
 * inside the rounding interval. A tie needs an exact half-ulp decimal, which only integers
 * from 2^53 up have within 17 digits, so smaller magnitudes take JavaScript's digits as they are.
 */

const TWO_53 = 2 ** 53;

/** Exponent form below 1e-4 and from 1e15 ('1e+15', '1.5e-07'), plain decimals between. */
export function floatToText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const neg = x < 0;
  const abs = neg ? -x : x;
  let [digits, exp] = splitExponential(abs.toExponential()); // shortest round-trip digits
  if (abs >= TWO_53 && digits.length < 17 && onHalfway(abs, digits, exp)) {
    for (let p = digits.length + 1; p <= 17; p++) {
      [digits, exp] = splitExponential(abs.toExponential(p - 1)); // closest p digits
      if (Number(`${digits}e${exp - digits.length + 1}`) === abs && (p === 17 || !onHalfway(abs, digits, exp))) break;
    }
  }
  return layout(neg ? '-' : '', digits, exp);
}

function splitExponential(s: string): [string, number] {
  const e = s.indexOf('e');
  return [s.slice(0, e).replace('.', ''), Number(s.slice(e + 1))];
}

/** Whether digits × 10^(exp − len + 1) is exactly half-way between integer `abs` and a neighbour. */
function onHalfway(abs: number, digits: string, exp: number): boolean {
  const scale = exp - digits.length + 1;
  if (scale < 0) return false; // a fraction cannot be half-way between integers ≥ 2^53 apart by ≥ 2
  const x = BigInt(abs);
  const diff = BigInt(digits) * 10n ** BigInt(scale) - x;
  if (diff === 0n) return false;
  const bits = x.toString(2).length;
  let ulp = 1n << BigInt(bits - 53);
  const powerOfTwo = (x & (x - 1n)) === 0n;
  if (diff < 0n && powerOfTwo) ulp >>= 1n; // below a power of two the doubles are twice as dense
  return (diff < 0n ? -diff : diff) * 2n === ulp;
}

function layout(sign: string, digits: string, exp: number): string {
  if (exp < -4 || exp >= 15) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const a = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${a < 10 ? '0' : ''}${a}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}
