/**
 * Secondary-index rebuild for bulkLoad: entries collected in typed arrays (key as two u32
 * halves, entry bytes in one arena, no object per entry), ordered by a stable LSD radix sort on
 * the u64 key, then written bottom-up (BTree.bulkBuild). The old index's entries are read into
 * the same buffer first, so one sort orders old + new (old first among equal keys). Does not
 * decide which rows to load or check CHECK/NOT NULL (bulk-load.ts). Keys: spec/native-format.md §1.9–1.10.
 */
import { DecentDBError, utf8Encoder, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { BTree } from '../btree/index.js';
import { indexEntryHasValue, indexKeyFromValue, compositeIndexKey, keyToRowid, type Value } from '../record/index.js';
import { compareValues } from '../exec/index.js';
import type { IndexInfo, TableInfo } from './schema.js';
import type { WriteScope } from './session.js';
import { hasFloatZero, signedZeroKeys } from './signed-zero.js';

const TWO_32 = 0x100000000;
/** Entries between spill checks. */
const SPILL_CHECK_MASK = 4095;

/** Index entries (key, entry bytes) in typed arrays; entry i is arena[start[i], start[i+1]). */
export class IndexEntryBuffer {
  count = 0;
  /** New rows of a unique index holding a FLOAT64 zero in a key column (checked across ±0). */
  readonly zeroRowids: (number | bigint)[] = [];
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private start = new Uint32Array(1025);
  private arena = new Uint8Array(8192);
  private used = 0;

  /** Adds an entry of an index without stored values: rowid as u64 LE (encodeIndexEntry). */
  addRowid(key: U64, rowid: number | bigint): void {
    this.reserve(8);
    writeRowid(this.arena, this.used, rowid);
    this.used += 8;
    this.finish(key);
  }

  /** Adds `varint(len) + bytes + rowid` (encodeIndexEntry with a value). */
  addValue(key: U64, rowid: number | bigint, value: string | Uint8Array): void {
    // A UTF-8 string takes at most 3 bytes per UTF-16 unit; the varint at most 5 bytes here.
    const max = typeof value === 'string' ? value.length * 3 : value.length;
    this.reserve(max + 13);
    const arena = this.arena;
    let len: number;
    if (typeof value === 'string') {
      // Encode after a provisional 1-byte length; move the bytes if the varint needs more.
      len = utf8Encoder.encodeInto(value, arena.subarray(this.used + 1, this.used + 1 + max)).written;
      const lenSize = varintLength(len);
      if (lenSize > 1) arena.copyWithin(this.used + lenSize, this.used + 1, this.used + 1 + len);
    } else {
      len = value.length;
      arena.set(value, this.used + varintLength(len));
    }
    let pos = this.used;
    let n = len;
    while (n >= 128) {
      arena[pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    arena[pos++] = n;
    pos += len;
    writeRowid(arena, pos, rowid);
    this.used = pos + 8;
    this.finish(key);
  }

  /** Adds an entry's bytes as they are (read from an existing index). */
  addRaw(key: U64, entry: Uint8Array): void {
    this.reserve(entry.length);
    this.arena.set(entry, this.used);
    this.used += entry.length;
    this.finish(key);
  }

  keyAt(i: number): U64 {
    const hi = this.hi[i]!;
    const lo = this.lo[i]!;
    return hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  }

  sameKey(i: number, j: number): boolean {
    return this.hi[i] === this.hi[j] && this.lo[i] === this.lo[j];
  }

  /** A view of entry i, valid until the next add. */
  entryAt(i: number): Uint8Array {
    return this.arena.subarray(this.start[i]!, this.start[i + 1]!);
  }

  rowidAt(i: number): number | bigint {
    const end = this.start[i + 1]!;
    const a = this.arena;
    const lo = (a[end - 8]! | (a[end - 7]! << 8) | (a[end - 6]! << 16) | (a[end - 5]! << 24)) >>> 0;
    const hi = (a[end - 4]! | (a[end - 3]! << 8) | (a[end - 2]! << 16) | (a[end - 1]! << 24)) >>> 0;
    return keyToRowid(hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** Entry indexes in key order; equal keys keep insertion order (stable LSD radix sort, 16-bit digits). */
  sortedOrder(): Uint32Array {
    const n = this.count;
    let order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (n < 2) return order;
    const counts = new Uint32Array(4 * 65536);
    const hi = this.hi;
    const lo = this.lo;
    for (let i = 0; i < n; i++) {
      const l = lo[i]!;
      const h = hi[i]!;
      counts[l & 0xffff]!++;
      counts[65536 + (l >>> 16)]!++;
      counts[131072 + (h & 0xffff)]!++;
      counts[196608 + (h >>> 16)]!++;
    }
    let scratch = new Uint32Array(n);
    for (let pass = 0; pass < 4; pass++) {
      const base = pass * 65536;
      let trivial = false;
      let sum = 0;
      for (let d = 0; d < 65536; d++) {
        const c = counts[base + d]!;
        if (c === n) trivial = true;
        counts[base + d] = sum;
        sum += c;
      }
      if (trivial) continue; // every key has the same digit: this pass would not move anything
      const src = pass < 2 ? lo : hi;
      const shift = (pass & 1) === 0 ? 0 : 16;
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        const d = base + ((src[i]! >>> shift) & 0xffff);
        scratch[counts[d]!++] = i;
      }
      const t = order;
      order = scratch;
      scratch = t;
    }
    return order;
  }

  private finish(key: U64): void {
    const i = this.count;
    if (typeof key === 'number') {
      this.hi[i] = Math.floor(key / TWO_32);
      this.lo[i] = key >>> 0;
    } else {
      this.hi[i] = Number(key >> 32n);
      this.lo[i] = Number(key & 0xffffffffn);
    }
    this.count = i + 1;
    this.start[i + 1] = this.used;
  }

  private reserve(bytes: number): void {
    if (this.count + 1 >= this.hi.length) {
      const cap = this.hi.length * 2;
      this.hi = grow(this.hi, cap);
      this.lo = grow(this.lo, cap);
      this.start = grow(this.start, cap + 1);
    }
    if (this.used + bytes > this.arena.length) {
      const cap = Math.max(this.arena.length * 2, this.used + bytes);
      if (cap > 0xffffffff) throw new DecentDBError('ERR_INTERNAL', 'bulkLoad index entries exceed 4 GiB in one batch; use batchSize');
      const next = new Uint8Array(cap);
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
  }
}

function grow(a: Uint32Array, cap: number): Uint32Array<ArrayBuffer> {
  const next = new Uint32Array(cap);
  next.set(a);
  return next;
}

const varintLength = (n: number): number => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5);

/** rowidToKey(rowid) as u64 LE (two's complement for negatives). */
function writeRowid(b: Uint8Array, o: number, rowid: number | bigint): void {
  if (typeof rowid === 'number' && rowid >= 0) {
    writeU32(b, o, rowid >>> 0);
    writeU32(b, o + 4, Math.floor(rowid / TWO_32) >>> 0);
    return;
  }
  const k = BigInt.asUintN(64, BigInt(rowid));
  writeU32(b, o, Number(k & 0xffffffffn));
  writeU32(b, o + 4, Number(k >> 32n));
}

/** Appends the index entry of one row (same bytes and key as indexKey + encodeIndexEntry). */
export function addIndexEntry(buf: IndexEntryBuffer, ix: IndexInfo, row: readonly Value[], rowid: number | bigint, scratch: Value[]): void {
  const positions = ix.columnPositions;
  if (ix.def.unique && hasFloatZero(row, positions, ix.types)) buf.zeroRowids.push(rowid);
  if (positions.length === 1) {
    const v = row[positions[0]!]!;
    const key = indexKeyFromValue(v, ix.types[0]!);
    if (indexEntryHasValue(ix.types) && (typeof v === 'string' || v instanceof Uint8Array)) buf.addValue(key, rowid, v);
    else buf.addRowid(key, rowid);
    return;
  }
  scratch.length = positions.length;
  for (let i = 0; i < positions.length; i++) scratch[i] = row[positions[i]!]!;
  buf.addRowid(compositeIndexKey(scratch, ix.types), rowid);
}

/** Reads every entry of the index as it is now into `buf` (before new entries are added). */
export function readIndexEntries(store: PageStore, ix: IndexInfo, buf: IndexEntryBuffer): void {
  const cursor = new BTree(store, ix.def.rootPage).cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) buf.addRaw(cursor.key, cursor.value());
}

/** Replaces the index with a bottom-up build of `buf`'s entries in key order. */
export function rebuildIndex(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer, fresh: number): void {
  if (fresh === 0) return;
  const order = buf.sortedOrder();
  const n = order.length;
  let distinct = 0;
  for (let k = 0; k < n; k++) {
    if (k > 0 && buf.sameKey(order[k]!, order[k - 1]!)) continue;
    distinct++;
    if (ix.def.unique) {
      let end = k + 1;
      while (end < n && buf.sameKey(order[end]!, order[k]!)) end++;
      if (end - k > 1) checkUniqueRun(scope, table, ix, buf, order, k, end);
    }
  }
  if (ix.def.unique && buf.zeroRowids.length > 0) checkSignedZeros(scope, table, ix, buf, order);
  scope.schema.setIndexStats(ix.name, n, distinct);
  new BTree(scope.txn, ix.def.rootPage).destroy();
  const built = BTree.bulkBuild(scope.txn, sortedEntries(scope, buf, order));
  ix.def = { ...ix.def, rootPage: built.root };
  scope.catalog.put({ kind: 'index', index: ix.def });
  scope.schemaChanged();
}

function* sortedEntries(scope: WriteScope, buf: IndexEntryBuffer, order: Uint32Array): Generator<readonly [U64, Uint8Array]> {
  // bulkBuild consumes each pair before asking for the next: one tuple serves every entry, and
  // no page buffer is held between entries (a spill safe point, as between rows in bulk-load.ts).
  const pair: [U64, Uint8Array] = [0, buf.entryAt(0)];
  for (let k = 0; k < order.length; k++) {
    if ((k & SPILL_CHECK_MASK) === 0) scope.txn.spillSafePoint();
    const i = order[k]!;
    pair[0] = buf.keyAt(i);
    pair[1] = buf.entryAt(i);
    yield pair;
  }
}

/**
 * Entries order[from, to) share a key (a prefix or hash of the values): two of their rows with
 * equal non-NULL values in every index column violate the unique index.
 */
function checkUniqueRun(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer, order: Uint32Array, from: number, to: number): void {
  const rows: Value[][] = [];
  for (let k = from; k < to; k++) {
    const r = scope.rows.read(table, buf.rowidAt(order[k]!));
    if (r !== undefined && ix.columnPositions.every((p) => r[p] !== null)) rows.push(r);
  }
  const cmp = (a: readonly Value[], b: readonly Value[]): number => {
    for (const p of ix.columnPositions) {
      const c = compareValues(a[p]!, b[p]!, table.types[p]!);
      if (c !== 0) return c;
    }
    return 0;
  };
  rows.sort(cmp);
  for (let i = 1; i < rows.length; i++) {
    if (cmp(rows[i - 1]!, rows[i]!) !== 0) continue;
    const shown = ix.columnPositions.map((p) => String(rows[i]![p])).join(', ');
    throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${ix.name}" on table "${table.name}": key (${ix.def.columns.join(', ')})=(${shown}) already exists`, { table: table.name, index: ix.name, value: shown });
  }
}

/**
 * -0.0 and 0.0 are equal but keyed apart (raw IEEE bits), so equal-key runs miss them: each new
 * row holding a FLOAT64 zero is compared with the rows under every sign variant of its key.
 */
function checkSignedZeros(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer, order: Uint32Array): void {
  const values: Value[] = [];
  for (const rowid of buf.zeroRowids) {
    const row = scope.rows.read(table, rowid);
    if (row === undefined || ix.columnPositions.some((p) => row[p] === null)) continue;
    values.length = 0;
    for (const p of ix.columnPositions) values.push(row[p]!);
    for (const key of signedZeroKeys(values, ix.types)) {
      for (let k = lowerBound(buf, order, key); k < order.length && !keyLess(key, buf.keyAt(order[k]!)); k++) {
        const other = buf.rowidAt(order[k]!);
        if (BigInt(other) === BigInt(rowid)) continue;
        const r = scope.rows.read(table, other);
        if (r === undefined || !ix.columnPositions.every((p) => r[p] !== null && compareValues(r[p]!, row[p]!, table.types[p]!) === 0)) continue;
        const shown = values.map((v) => String(v)).join(', ');
        throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${ix.name}" on table "${table.name}": key (${ix.def.columns.join(', ')})=(${shown}) already exists`, { table: table.name, index: ix.name, value: shown });
      }
    }
  }
}

const keyLess = (a: U64, b: U64): boolean => a < b;

/** First position in key order whose key is not below `key`. */
function lowerBound(buf: IndexEntryBuffer, order: Uint32Array, key: U64): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyLess(buf.keyAt(order[mid]!), key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
