// B+Tree keys: unsigned 64-bit integers in the U64 convention (number when <= 2^53 - 1, else
// bigint; never a bigint for a safe value), compared unsigned (spec/native-format.md §1.3).
// Does not derive keys from SQL values (that is the record layer's job).
import { DecentDBError, u64FromBigInt } from '../util/index.js';
import type { U64 } from '../util/index.js';

const MAX_U64 = 0xffffffffffffffffn;

/**
 * Orders two canonical keys: negative, zero or positive. Because a bigint key is always above
 * every number key (canonical form), mixed pairs need no conversion.
 * @example compareKeys(1, 2n ** 60n) // -1
 */
export function compareKeys(a: U64, b: U64): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Checks a caller's key and returns its canonical form; throws ERR_INTERNAL if not a u64. */
export function normalizeKey(k: U64): U64 {
  if (typeof k === 'number') {
    if (Number.isSafeInteger(k) && k >= 0) return k;
    throw new DecentDBError('ERR_INTERNAL', `B+Tree key is not an unsigned safe integer: ${k}`);
  }
  if (k < 0n || k > MAX_U64) throw new DecentDBError('ERR_INTERNAL', `B+Tree key out of u64 range: ${k}`);
  return u64FromBigInt(k);
}

/** `b - a` for canonical keys with a <= b (the delta stored in a flagged page). */
export function keyDelta(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') return b - a;
  return u64FromBigInt(BigInt(b) - BigInt(a));
}

/** `a + d`, or undefined when the sum passes 2^64 - 1 (a corrupt delta). */
export function keyAdd(a: U64, d: U64): U64 | undefined {
  if (typeof a === 'number' && typeof d === 'number') {
    const s = a + d;
    // Exact: both operands are below 2^53, so a rounded sum can only land above MAX_SAFE.
    if (s <= Number.MAX_SAFE_INTEGER) return s;
  }
  const s = BigInt(a) + BigInt(d);
  return s > MAX_U64 ? undefined : u64FromBigInt(s);
}

/** `k + 1` (undefined at 2^64 - 1). */
export const keySuccessor = (k: U64): U64 | undefined => keyAdd(k, 1);

/** `k - 1` (undefined at 0). */
export function keyPredecessor(k: U64): U64 | undefined {
  if (typeof k === 'number') return k === 0 ? undefined : k - 1;
  return u64FromBigInt(k - 1n);
}
