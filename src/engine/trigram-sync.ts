/**
 * Trigram indexes inside the engine (ADR-0007): the per-Database state (tail states shared by
 * the single writer's successive transactions, the postings cache of read snapshots), row-level
 * maintenance in the row's own write transaction, and full builds (CREATE INDEX, bulkLoad).
 * Rowids in postings are the table's u64 keys (rowidToKey). Planning and reading live in
 * planner/exec; this file only writes and opens.
 *
 * Invariant (ADR-0007 §3): tails describe the committed-or-current tree exactly. They are
 * cleared on every rollback (transaction, savepoint, failed statement, failed commit) and on
 * every DDL (a rebuilt, created or dropped index: schemaChanged), the only writes that bypass
 * them.
 */
import type { PageStore } from '../pager/index.js';
import { BTree } from '../btree/index.js';
import { decodeFields, rowidToKey, type OverflowReader, type Value } from '../record/index.js';
import { PostingsCache, TrigramIndex, TrigramIndexBuilder, TrigramTails, buildFromSortedPairs, compareTrigramPairs, textTrigrams, trigramPairCodec } from '../trigram/index.js';
import type { TrigramPair } from '../trigram/index.js';
import { ExternalSorter } from '../exec/index.js';
import type { Vfs } from '../vfs/index.js';
import type { IndexInfo, TableInfo } from './schema.js';

/** Bytes of decoded postings one Database keeps for its read snapshots. */
export const TRIGRAM_CACHE_BYTES = 16 * 1024 * 1024;

/** Where a full build spills (trigram, rowid) pairs when the in-memory builder outgrows its budget. */
export interface TrigramSpill {
  readonly vfs: Vfs;
  readonly tempPath: () => string;
  readonly memoryBudgetBytes: number;
}

/**
 * The in-memory builder may hold this many times the sort budget before a build spills: it is
 * about the finished index's size (which the page cache then holds anyway), and the external
 * path costs ~10× more CPU (1M titles: 3 s in memory, 32 s spilled with a 16 MiB budget).
 */
export const BUILDER_BUDGET_FACTOR = 4;

/** A spill configuration writing `<prefix>-trigram-<n>` files. */
export function trigramSpill(vfs: Vfs, tempPrefix: string, memoryBudgetBytes: number): TrigramSpill {
  let n = 0;
  return { vfs, tempPath: () => `${tempPrefix}-trigram-${++n}`, memoryBudgetBytes };
}

/** Trigram state of one Database (owned by its Session, the single writer). */
export class TrigramState {
  readonly cache = new PostingsCache({ maxBytes: TRIGRAM_CACHE_BYTES });
  /** Set by the Database: full builds beyond the memory budget sort externally. */
  spill: TrigramSpill | undefined = undefined;
  private readonly tails = new Map<string, TrigramTails>();

  /** The shared tail states of index `name` (case-insensitive). */
  tailsFor(name: string): TrigramTails {
    const key = name.toLowerCase();
    let t = this.tails.get(key);
    if (t === undefined) this.tails.set(key, (t = new TrigramTails()));
    return t;
  }

  /** Forgets every tail state (rollbacks, DDL; see the invariant above). */
  clearTails(): void {
    for (const t of this.tails.values()) t.clear();
    this.tails.clear();
  }
}

const textOf = (v: Value | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * Applies one row change to a trigram index: `oldRow` null = insert, `newRow` null = delete.
 * Only the trigrams that differ are touched. Returns the index's root afterwards.
 */
export function syncTrigramRow(store: PageStore, ix: IndexInfo, tails: TrigramTails | undefined, rowid: number | bigint, oldRow: readonly Value[] | null, newRow: readonly Value[] | null): number {
  const pos = ix.columnPositions[0]!;
  const before = oldRow === null ? null : textOf(oldRow[pos]);
  const after = newRow === null ? null : textOf(newRow[pos]);
  if (before === after) return ix.def.rootPage;
  const index = new TrigramIndex(store, ix.def.rootPage, tails === undefined ? {} : { tails });
  index.update(rowidToKey(rowid), before, after);
  return index.root;
}

/**
 * Builds a trigram index over every row of `table` bottom-up, destroys the old (empty) tree and
 * returns the new root and the number of indexed (non-NULL) rows. In memory first
 * (TrigramIndexBuilder: about the finished index's size); when that outgrows the spill budget,
 * the scan restarts feeding (trigram, rowid) pairs to the external sort (ADR-0007 §7).
 */
export function buildTrigramIndex(store: PageStore, table: TableInfo, ix: IndexInfo, overflow: OverflowReader | null, spill?: TrigramSpill): { root: number; entries: number } {
  const builder = new TrigramIndexBuilder();
  let entries = 0;
  let fits = true;
  forEachText(store, table, ix, overflow, (key, text) => {
    builder.add(key, text);
    entries++;
    fits = spill === undefined || builder.memoryBytes <= spill.memoryBudgetBytes * BUILDER_BUDGET_FACTOR;
    return fits;
  });
  const root = fits ? builder.build(store) : buildBySorting(store, table, ix, overflow, spill!);
  new BTree(store, ix.def.rootPage).destroy();
  return { root, entries: fits ? entries : countTexts(store, table, ix, overflow) };
}

function buildBySorting(store: PageStore, table: TableInfo, ix: IndexInfo, overflow: OverflowReader | null, spill: TrigramSpill): number {
  const sorter = new ExternalSorter<TrigramPair>({ compare: compareTrigramPairs, codec: trigramPairCodec, vfs: spill.vfs, tempPath: spill.tempPath, memoryBudgetBytes: spill.memoryBudgetBytes });
  try {
    forEachText(store, table, ix, overflow, (key, text) => {
      const grams = textTrigrams(text);
      for (let i = 0; i < grams.length; i++) sorter.add([grams[i]!, key]);
      return true;
    });
    return buildFromSortedPairs(store, sorter.finish());
  } finally {
    sorter.close();
  }
}

function countTexts(store: PageStore, table: TableInfo, ix: IndexInfo, overflow: OverflowReader | null): number {
  let n = 0;
  forEachText(store, table, ix, overflow, () => {
    n++;
    return true;
  });
  return n;
}

/** Calls `fn(key, text)` for each row whose indexed column is text, until it returns false. */
function forEachText(store: PageStore, table: TableInfo, ix: IndexInfo, overflow: OverflowReader | null, fn: (key: ReturnType<typeof rowidToKey>, text: string) => boolean): void {
  const cursor = new BTree(store, table.def.rootPage).cursor();
  const cols = [ix.columnPositions[0]!];
  const scratch: (Value | undefined)[] = [];
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const v = decodeFields(cursor.value(), cols, overflow, scratch)[0];
    if (typeof v === 'string' && !fn(cursor.key, v)) return;
  }
}

/**
 * Adds a batch of new rows (bulkLoad) to a trigram index in one pass: a bottom-up build when
 * the index is empty, else grouped appends (addRows: one tail rewrite per trigram). Writes
 * without shared tails: the caller must then clear them (scope.schemaChanged does). Returns
 * the index's root afterwards.
 */
export function addTrigramRows(store: PageStore, ix: IndexInfo, rows: readonly (readonly [number | bigint, Value | undefined])[]): number {
  if (rows.length === 0) return ix.def.rootPage;
  if (new BTree(store, ix.def.rootPage).lastKey() === undefined) {
    const builder = new TrigramIndexBuilder();
    for (const [rowid, v] of rows) if (typeof v === 'string') builder.add(rowidToKey(rowid), v);
    const root = builder.build(store);
    new BTree(store, ix.def.rootPage).destroy();
    return root;
  }
  const index = new TrigramIndex(store, ix.def.rootPage);
  const pairs: [ReturnType<typeof rowidToKey>, string][] = [];
  for (const [rowid, v] of rows) if (typeof v === 'string') pairs.push([rowidToKey(rowid), v]);
  index.addRows(pairs);
  return index.root;
}
