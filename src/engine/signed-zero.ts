/**
 * FLOAT64 index keys are raw IEEE bits (format §1.10), so -0.0 and 0.0 — equal values — are
 * keyed apart. Unique checks look up every sign variant of the zero columns of a key.
 * Does not change the key format: stored keys stay the raw bits.
 */
import type { U64 } from '../util/index.js';
import { indexKey, type SqlType, type Value } from '../record/index.js';

/** Index keys of `values` with each FLOAT64 zero taken as both +0 and -0 (the original first). */
export function signedZeroKeys(values: readonly Value[], types: readonly SqlType[]): U64[] {
  const zeros: number[] = [];
  for (let i = 0; i < values.length; i++) if (types[i]!.base === 'FLOAT64' && values[i] === 0) zeros.push(i);
  const first = indexKey(values, types);
  if (zeros.length === 0) return [first];
  const keys: U64[] = [first];
  const scratch = [...values];
  // At most 2^(index columns) variants; indexes have few columns.
  for (let mask = 1; mask < 1 << zeros.length; mask++) {
    for (let z = 0; z < zeros.length; z++) {
      const p = zeros[z]!;
      const flip = (mask & (1 << z)) !== 0;
      const neg = Object.is(values[p], -0);
      scratch[p] = flip !== neg ? -0 : 0;
    }
    keys.push(indexKey(scratch, types));
  }
  return keys;
}

/** True when the row holds a FLOAT64 zero in one of the index's columns. */
export function hasFloatZero(row: readonly Value[], positions: readonly number[], types: readonly SqlType[]): boolean {
  for (let i = 0; i < positions.length; i++) if (types[i]!.base === 'FLOAT64' && row[positions[i]!] === 0) return true;
  return false;
}
