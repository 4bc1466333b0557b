/**
 * Secondary-index maintenance for bulkLoad: a batch's entries collected in typed arrays (key as
 * two u32 halves, entry bytes in one arena, no object per entry), ordered by a stable LSD radix
 * sort on the u64 key, checked for unique violations (among themselves and against the entries
 * already in the index), then merged into the index in one pass (btree mergeSorted: into an
 * empty index a bottom-up build; otherwise only the leaves receiving entries are rewritten).
 * Does not decide which rows to load or check CHECK/NOT NULL (bulk-load.ts). Keys: spec/native-format.md §1.9–1.10.
 */
import { DecentDBError, utf8Encoder, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree, compareKeys, mergeSorted } from '../btree/index.js';
import type { BTreeCursor, EntrySink, SortedEntrySource } from '../btree/index.js';
import { indexEntryHasValue, indexEntryRowid, indexKeyFromValue, compositeIndexKey, keyToRowid, type Value } from '../record/index.js';
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
  /** Row position of the index's only column when it is INT64 (a fast path in addIndexEntry), else -1. */
  intColumn = -1;
  /** New rows of a unique index holding a FLOAT64 zero in a key column (checked across ±0). */
  readonly zeroRowids: (number | bigint)[] = [];
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  private start = new Uint32Array(1025);
  private arena = new Uint8Array(8192);
  private used = 0;
  /** The last sortedOrder() result (indexes with equal entries share a buffer and ask twice). */
  private sorted: Uint32Array | null = null;

  /** Adds an entry of an index without stored values: rowid as u64 LE (encodeIndexEntry). */
  addRowid(key: U64, rowid: number | bigint): void {
    const i = this.count;
    if (i + 1 >= this.hi.length || this.used + 8 > this.arena.length) this.reserve(8);
    const o = this.used;
    if (typeof rowid === 'number' && rowid >= 0 && typeof key === 'number') {
      // The common case written inline (one call per row matters before the JIT warms up).
      const a = this.arena;
      const lo = rowid >>> 0;
      const hi = (rowid - lo) / TWO_32;
      a[o] = lo & 0xff;
      a[o + 1] = (lo >>> 8) & 0xff;
      a[o + 2] = (lo >>> 16) & 0xff;
      a[o + 3] = lo >>> 24;
      a[o + 4] = hi & 0xff;
      a[o + 5] = (hi >>> 8) & 0xff;
      a[o + 6] = (hi >>> 16) & 0xff;
      a[o + 7] = hi >>> 24;
      this.used = o + 8;
      const klo = key >>> 0;
      this.lo[i] = klo;
      this.hi[i] = (key - klo) / TWO_32;
      this.count = i + 1;
      this.start[i + 1] = o + 8;
      return;
    }
    writeRowid(this.arena, o, rowid);
    this.used = o + 8;
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
    // hi 0 returns lo itself: a small integer, not the float the product makes (keys of the
    // table merge are small integers, and the merge's compiled code stays specialized to them).
    if (hi === 0) return lo;
    return hi < 0x200000 ? hi * TWO_32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  }

  sameKey(i: number, j: number): boolean {
    return this.hi[i] === this.hi[j] && this.lo[i] === this.lo[j];
  }

  /** The arena holding every entry's bytes (entry i is [entryStart(i), entryStart(i + 1))); valid until the next add. */
  get arenaBytes(): Uint8Array {
    return this.arena;
  }

  entryStart(i: number): number {
    return this.start[i]!;
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

  /**
   * Entry indexes in key order; equal keys keep insertion order (stable LSD radix sort on each
   * u32 half: 16-bit digits, or 11-bit ones for small batches, where 65536 counters would cost
   * more than the entries; a digit every key shares needs no pass).
   */
  sortedOrder(): Uint32Array {
    const n = this.count;
    // Entries are only appended: an order computed at this count is still the order.
    if (this.sorted !== null && this.sorted.length === n) return this.sorted;
    this.sorted = this.sortOrder(n);
    return this.sorted;
  }

  private sortOrder(n: number): Uint32Array {
    let order = new Uint32Array(n);
    const hi = this.hi;
    const lo = this.lo;
    // Keys already in order (a load sorted by the indexed column, e.g. children grouped by
    // parent): the stable sort is the identity, no pass needed.
    // The same pass gathers the digits every key shares (and/or of each half), for the sort.
    let sorted = true;
    let andLo = 0xffffffff;
    let orLo = 0;
    let andHi = 0xffffffff;
    let orHi = 0;
    for (let i = 0; i < n; i++) {
      order[i] = i;
      const h = hi[i]!;
      const l = lo[i]!;
      if (sorted && i > 0 && (h < hi[i - 1]! || (h === hi[i - 1] && l < lo[i - 1]!))) sorted = false;
      andLo &= l;
      orLo |= l;
      andHi &= h;
      orHi |= h;
    }
    if (sorted) return order;
    let bits = n < 32768 ? 11 : 16;
    // Keys that differ only in their low bits (a few small distinct values, e.g. a genre id):
    // one pass over just those bits, with as few counters.
    if (((andHi ^ orHi) >>> 0) === 0) bits = Math.max(1, Math.min(bits, 32 - Math.clz32((andLo ^ orLo) >>> 0)));
    const mask = (1 << bits) - 1;
    let scratch = new Uint32Array(n);
    const counts = new Uint32Array(mask + 2);
    for (let half = 0; half < 2; half++) {
      const src = half === 0 ? lo : hi;
      const vary = half === 0 ? (andLo ^ orLo) >>> 0 : (andHi ^ orHi) >>> 0;
      for (let shift = 0; shift < 32; shift += bits) {
        if (((vary >>> shift) & mask) === 0) continue; // every key has this digit
        radixPass(src, shift, mask, order, scratch, counts);
        const t = order;
        order = scratch;
        scratch = t;
      }
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

/** One stable counting-sort pass of `order` into `out` by the digit (src[i] >>> shift) & mask. */
function radixPass(src: Uint32Array, shift: number, mask: number, order: Uint32Array, out: Uint32Array, counts: Uint32Array): void {
  const n = order.length;
  counts.fill(0);
  for (let i = 0; i < n; i++) counts[((src[i]! >>> shift) & mask) + 1]!++;
  for (let d = 1; d <= mask; d++) counts[d]! += counts[d - 1]!;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    out[counts[(src[i]! >>> shift) & mask]!++] = i;
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
  if (buf.intColumn >= 0) {
    // One INT64 column: the key of a non-negative number is the number itself (rowidToKey).
    const v = row[buf.intColumn];
    if (typeof v === 'number' && v >= 0) {
      buf.addRowid(v, rowid);
      return;
    }
  }
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

/**
 * Adds the batch's entries (`buf`) to the index: unique checks against each other and against
 * the entries already there, then one sorted merge (btree mergeSorted: only the leaves that
 * receive entries are rewritten). Keeps the index statistics current.
 */
export function mergeIndex(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer): void {
  const n = buf.count;
  if (n === 0) return;
  const order = buf.sortedOrder();
  const tree = new BTree(scope.txn, ix.def.rootPage);
  const oldEmpty = tree.lastKey() === undefined;
  if (ix.def.unique) {
    const cursor = oldEmpty ? undefined : tree.cursor();
    for (let k = 0; k < n; ) {
      let end = k + 1;
      while (end < n && buf.sameKey(order[end]!, order[k]!)) end++;
      checkUniqueKey(scope, table, ix, buf, order, k, end, cursor);
      k = end;
    }
    if (buf.zeroRowids.length > 0) checkSignedZeros(scope, table, ix, buf, order, cursor);
  }
  const old = scope.schema.indexStats.get(ix.name.toLowerCase());
  const r = mergeSorted(scope.txn, ix.def.rootPage, new SortedEntries(scope, buf, order));
  if (oldEmpty) scope.schema.setIndexStats(ix.name, n, r.distinctAdded);
  else if (old !== undefined && typeof old.entryCount === 'number' && typeof old.distinctKeyCount === 'number') {
    const entries = table.rowCount !== undefined ? table.rowCount + n : old.entryCount + n;
    scope.schema.setIndexStats(ix.name, entries, Math.min(entries, old.distinctKeyCount + r.distinctAdded));
  }
  if (r.root !== ix.def.rootPage) {
    ix.def = { ...ix.def, rootPage: r.root };
    scope.catalog.put({ kind: 'index', index: ix.def });
    scope.schemaChanged();
  }
}

/** The buffer's entries in key order, as a merge source (a spill safe point between entries). */
class SortedEntries implements SortedEntrySource {
  key: U64 = 0;
  bytes: Uint8Array;
  start = 0;
  end = 0;
  private k = 0;
  constructor(
    private readonly scope: WriteScope,
    private readonly buf: IndexEntryBuffer,
    private readonly order: Uint32Array,
  ) {
    this.bytes = buf.arenaBytes;
  }

  next(): boolean {
    const k = this.k++;
    if (k >= this.order.length) return false;
    if ((k & SPILL_CHECK_MASK) === 0) this.scope.txn.spillSafePoint();
    const i = this.order[k]!;
    this.key = this.buf.keyAt(i);
    this.start = this.buf.entryStart(i);
    this.end = this.buf.entryStart(i + 1);
    return true;
  }

  /** Merge source: this entry and every later one, read straight from the buffer's arrays. */
  drainTo(sink: EntrySink): void {
    sink.add(this.key, this.bytes, this.start, this.end);
    const order = this.order;
    const buf = this.buf;
    const bytes = this.bytes;
    const n = order.length;
    for (let k = this.k; k < n; k++) {
      if ((k & SPILL_CHECK_MASK) === 0) this.scope.txn.spillSafePoint();
      const i = order[k]!;
      sink.add(buf.keyAt(i), bytes, buf.entryStart(i), buf.entryStart(i + 1));
    }
    this.k = n; // next() now returns false
  }
}

/**
 * Entries order[from, to) of the batch share a key (a prefix or hash of the values); so may
 * entries already in the index (found with `cursor`). Two of their rows with equal non-NULL values
 * in every index column violate the unique index.
 */
function checkUniqueKey(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer, order: Uint32Array, from: number, to: number, cursor: BTreeCursor | undefined): void {
  const key = buf.keyAt(order[from]!);
  const olds: (number | bigint)[] = [];
  if (cursor !== undefined && cursor.seek(key)) {
    for (let ok = true; ok && compareKeys(cursor.key, key) === 0; ok = cursor.next()) olds.push(indexEntryRowid(cursor.value()));
  }
  if (to - from < 2 && olds.length === 0) return;
  const rows: Value[][] = [];
  const add = (rowid: number | bigint): void => {
    const r = scope.rows.read(table, rowid);
    if (r !== undefined && ix.columnPositions.every((p) => r[p] !== null)) rows.push(r);
  };
  for (let k = from; k < to; k++) add(buf.rowidAt(order[k]!));
  if (rows.length === 0) return; // every new row has a NULL in the index: nothing can collide
  for (const rowid of olds) add(rowid);
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
    throw duplicate(table, ix, ix.columnPositions.map((p) => rows[i]![p]!));
  }
}

function duplicate(table: TableInfo, ix: IndexInfo, values: readonly Value[]): DecentDBError {
  const shown = values.map((v) => String(v)).join(', ');
  return new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${ix.name}" on table "${table.name}": key (${ix.def.columns.join(', ')})=(${shown}) already exists`, { table: table.name, index: ix.name, value: shown });
}

/**
 * -0.0 and 0.0 are equal but keyed apart (raw IEEE bits), so equal-key runs miss them: each new
 * row holding a FLOAT64 zero is compared with the rows, new and old, under every sign variant of its key.
 */
function checkSignedZeros(scope: WriteScope, table: TableInfo, ix: IndexInfo, buf: IndexEntryBuffer, order: Uint32Array, cursor: BTreeCursor | undefined): void {
  const values: Value[] = [];
  for (const rowid of buf.zeroRowids) {
    const row = scope.rows.read(table, rowid);
    if (row === undefined || ix.columnPositions.some((p) => row[p] === null)) continue;
    values.length = 0;
    for (const p of ix.columnPositions) values.push(row[p]!);
    const clash = (other: number | bigint): boolean => {
      if (BigInt(other) === BigInt(rowid)) return false;
      const r = scope.rows.read(table, other);
      return r !== undefined && ix.columnPositions.every((p) => r[p] !== null && compareValues(r[p]!, row[p]!, table.types[p]!) === 0);
    };
    for (const key of signedZeroKeys(values, ix.types)) {
      for (let k = lowerBound(buf, order, key); k < order.length && !keyLess(key, buf.keyAt(order[k]!)); k++) {
        if (clash(buf.rowidAt(order[k]!))) throw duplicate(table, ix, values);
      }
      if (cursor === undefined || !cursor.seek(key)) continue;
      for (let ok = true; ok && compareKeys(cursor.key, key) === 0; ok = cursor.next()) {
        if (clash(indexEntryRowid(cursor.value()))) throw duplicate(table, ix, values);
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
