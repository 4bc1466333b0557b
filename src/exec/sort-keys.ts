/**
 * ORDER BY comparators built once per plan node: per key a comparison kind (native `<`, C-order
 * text, generic compareValues) with direction and NULLS FIRST/LAST folded in, over whole rows
 * (RowCompare, for merges) or over key columns extracted once per row (IndexCompare, for sorting
 * an index array; a leading TEXT key also gets an order-preserving numeric prefix). TEXT uses
 * the native `<` (UTF-16 order) when no sorted string holds a surrogate, where it agrees with
 * src/types compareText (UTF-8 byte order, Postgres COLLATE "C"). Semantics stay compareValues'.
 */
import type { SqlType, Value } from '../record/index.js';
import type { SortKey } from '../planner/index.js';
import { compareText, compareValues } from '../types/index.js';
import type { Compiled } from './compile-expr.js';

export type RowCompare = (a: readonly Value[], b: readonly Value[]) => number;
/** Compares rows i and j of a batch through its extracted key columns. */
export type IndexCompare = (i: number, j: number) => number;

/** One ORDER BY key, resolved for execution: a slot of the row (>= 0) or a compiled expression. */
export interface KeySpec {
  readonly slot: number;
  readonly f: Compiled;
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** A RowCompare that also carries its keys, so Sort/TopN can extract key columns. */
export interface RowComparator extends RowCompare {
  readonly keys?: readonly KeySpec[];
}

const SURROGATE = /[\ud800-\udfff]/;

/** How a key's non-null values compare: native `<` first, compareText, or compareValues. */
const NATIVE = 0;
const TEXT_C = 1;
const GENERIC = 2;

function kindOf(type: SqlType, nativeText: boolean): number {
  // Primitives whose JS `<` agrees with Postgres (INT64 across number/bigint too); ties and NaN
  // go on to compareValues.
  if (type.base === 'INT64' || type.base === 'FLOAT64' || type.base === 'BOOL') return NATIVE;
  if (type.base === 'TEXT') return nativeText ? NATIVE : TEXT_C;
  return GENERIC;
}

/**
 * Compares x and y under key k. One function with a switch rather than a closure per type, so
 * the comparator's call sites stay monomorphic. `===` first: equal primitives (and one NULL
 * pair) are equal keys under every type; NaN, number vs bigint and distinct objects fall through.
 */
function compareKey(x: Value, y: Value, kind: number, type: SqlType, sign: number, nf: number): number {
  if (x === null) return nf;
  if (y === null) return -nf;
  switch (kind) {
    case NATIVE:
      if ((x as number) < (y as number)) return -sign;
      if ((x as number) > (y as number)) return sign;
      return sign * compareValues(x, y, type);
    case TEXT_C:
      return sign * compareText(x as string, y as string);
    default:
      return sign * compareValues(x, y, type);
  }
}

export function keySpecs(keys: readonly SortKey[], fs: readonly Compiled[]): KeySpec[] {
  return keys.map((k, i) => ({ slot: k.expr.kind === 'col' && k.expr.slot >= 0 ? k.expr.slot : -1, f: fs[i]!, type: k.expr.type, desc: k.desc, nullsFirst: k.nullsFirst }));
}

/** A comparator over whole rows; `nativeText` only when no TEXT key value has a surrogate. */
export function rowComparator(specs: readonly KeySpec[], nativeText = false): RowComparator {
  const n = specs.length;
  const slots = specs.map((s) => s.slot);
  const fs = specs.map((s) => s.f);
  const types = specs.map((s) => s.type);
  const kinds = specs.map((s) => kindOf(s.type, nativeText));
  const signs = specs.map((s) => (s.desc ? -1 : 1));
  const nfs = specs.map((s) => (s.nullsFirst ? -1 : 1));
  const cmp: RowCompare = (a, b) => {
    for (let k = 0; k < n; k++) {
      const slot = slots[k]!;
      let x: Value;
      let y: Value;
      if (slot >= 0) {
        x = a[slot] ?? null;
        y = b[slot] ?? null;
      } else {
        x = fs[k]!(a);
        y = fs[k]!(b);
      }
      if (x === y) continue;
      const c = compareKey(x, y, kinds[k]!, types[k]!, signs[k]!, nfs[k]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  return Object.assign(cmp, { keys: specs });
}

/**
 * Key columns of a batch of rows: `cols[k][i]` is key k of row i, evaluated once per row.
 * `push`/`pop` keep them parallel to the caller's row array.
 */
export class KeyColumns {
  readonly cols: Value[][];
  /** textPrefix of the leading key per row when it is TEXT (0 for NULL), else empty. */
  private prefix: number[] = [];
  private readonly leadingText: boolean;
  /** False once a TEXT key value with a surrogate was pushed (native `<` no longer agrees). */
  nativeText = true;
  private readonly textKeys: boolean[];
  constructor(readonly specs: readonly KeySpec[]) {
    this.cols = specs.map(() => []);
    this.textKeys = specs.map((s) => s.type.base === 'TEXT');
    this.leadingText = this.textKeys[0] === true;
  }
  get length(): number {
    return this.cols[0]?.length ?? 0;
  }
  push(row: readonly Value[]): void {
    const specs = this.specs;
    for (let k = 0; k < specs.length; k++) {
      const s = specs[k]!;
      const v = s.slot >= 0 ? (row[s.slot] ?? null) : s.f(row);
      if (this.nativeText && this.textKeys[k] === true && typeof v === 'string' && SURROGATE.test(v)) this.nativeText = false;
      this.cols[k]!.push(v);
      if (k === 0 && this.leadingText) this.prefix.push(typeof v === 'string' ? textPrefix(v) : 0);
    }
  }
  pop(): void {
    for (const c of this.cols) c.pop();
    if (this.leadingText) this.prefix.pop();
  }
  /** Keeps only the rows at `positions` (ascending), in that order. */
  compact(positions: ArrayLike<number>): void {
    for (let k = 0; k < this.cols.length; k++) this.cols[k] = pick(this.cols[k]!, positions);
    if (this.leadingText) this.prefix = pick(this.prefix, positions);
  }
  clear(): void {
    for (let k = 0; k < this.cols.length; k++) this.cols[k] = [];
    this.prefix = [];
  }
  /**
   * Compares rows by their key columns, ties broken by position, which is input order as long
   * as the caller keeps rows in input order: a total order, so any sort of it is stable.
   */
  comparator(): IndexCompare {
    const n = this.specs.length;
    const cols = this.cols;
    const types = this.specs.map((s) => s.type);
    const kinds = this.specs.map((s) => kindOf(s.type, this.nativeText));
    const signs = this.specs.map((s) => (s.desc ? -1 : 1));
    const nfs = this.specs.map((s) => (s.nullsFirst ? -1 : 1));
    /** Keys `from`… of rows i and j, then position: the tail every specialised comparator shares. */
    const rest = (i: number, j: number, from: number): number => {
      for (let k = from; k < n; k++) {
        const col = cols[k]!;
        const a = col[i] as Value;
        const b = col[j] as Value;
        if (a === b) continue;
        const c = compareKey(a, b, kinds[k]!, types[k]!, signs[k]!, nfs[k]!);
        if (c !== 0) return c;
      }
      return i - j;
    };
    if (this.leadingText) {
      // Prefixes decide most comparisons of the leading TEXT key without a string comparison.
      const c0 = cols[0]!;
      const p0 = this.prefix;
      const s0 = signs[0]!;
      const nf0 = nfs[0]!;
      const native = this.nativeText;
      return (i, j) => {
        const x = c0[i] as Value;
        const y = c0[j] as Value;
        if (x !== y) {
          if (x === null) return nf0;
          if (y === null) return -nf0;
          const px = p0[i]!;
          const py = p0[j]!;
          if (px !== py) return px < py ? -s0 : s0;
          if (native) return (x as string) < (y as string) ? -s0 : s0;
          return s0 * compareText(x as string, y as string);
        }
        return rest(i, j, 1);
      };
    }
    if (n >= 1 && kinds[0] === NATIVE) {
      // The leading key inline: most comparisons end there.
      const c0 = cols[0]!;
      const s0 = signs[0]!;
      const nf0 = nfs[0]!;
      const t0 = types[0]!;
      return (i, j) => {
        const x = c0[i] as Value;
        const y = c0[j] as Value;
        if (x !== y) {
          if (x === null) return nf0;
          if (y === null) return -nf0;
          if ((x as number) < (y as number)) return -s0;
          if ((x as number) > (y as number)) return s0;
          const c = compareValues(x, y, t0);
          if (c !== 0) return s0 * c;
        }
        return rest(i, j, 1);
      };
    }
    return (i, j) => rest(i, j, 0);
  }
}

/**
 * An order-preserving number for the first 7 UTF-16 units of `s`, 7 bits each (a missing unit
 * is 0): p(a) < p(b) implies a < b in both UTF-16 and code point order; equal prefixes decide
 * nothing. A unit >= 127 is stored as 127 and ends the prefix (the rest 0): units up to there
 * are exact, and two strings that both saturate at the same place tie, so order is never
 * claimed past a unit the prefix cannot represent. At most 49 bits: an exact integer double.
 */
export function textPrefix(s: string): number {
  let p = 0;
  const n = s.length < 7 ? s.length : 7;
  let k = 0;
  for (; k < n; k++) {
    const c = s.charCodeAt(k);
    if (c >= 127) {
      p = p * 128 + 127;
      k++;
      break;
    }
    p = p * 128 + c;
  }
  for (; k < 7; k++) p *= 128;
  return p;
}

export function pick<T>(a: readonly T[], positions: ArrayLike<number>): T[] {
  const out = new Array<T>(positions.length);
  for (let i = 0; i < positions.length; i++) out[i] = a[positions[i]!]!;
  return out;
}

/** [0, 1, …, n-1]. */
export function iota(n: number): number[] {
  const a = new Array<number>(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
