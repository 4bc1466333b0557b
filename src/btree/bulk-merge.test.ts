import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, u64FromBigInt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { mergeSorted } from './bulk-merge.js';
import type { EntrySink, SortedEntrySource } from './bulk-merge.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';

type Entry = { key: bigint; value: Uint8Array };

/** A source over sorted entries that lets the store spill between entries (as the engine does). */
class ArraySource implements SortedEntrySource {
  key: U64 = 0;
  bytes: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  private i = 0;
  constructor(private readonly entries: readonly Entry[], private readonly store?: MemoryPageStore) {}
  next(): boolean {
    this.store?.spillSafePoint();
    const e = this.entries[this.i++];
    if (e === undefined) return false;
    this.key = u64FromBigInt(e.key);
    // Offsets inside a larger buffer, as the engine's sources give them.
    const padded = new Uint8Array(e.value.length + 3);
    padded.set(e.value, 2);
    this.bytes = padded;
    this.start = 2;
    this.end = 2 + e.value.length;
    return true;
  }
}

/** The same entries pushed by the source's own loop (drainTo), as the engine's sources do. */
class DrainSource extends ArraySource {
  drainTo(sink: EntrySink): void {
    do sink.add(this.key, this.bytes, this.start, this.end);
    while (this.next());
  }
}

const source = (drain: boolean, entries: readonly Entry[], store?: MemoryPageStore): ArraySource =>
  drain ? new DrainSource(entries, store) : new ArraySource(entries, store);

function scan(store: MemoryPageStore, root: number): Entry[] {
  const out: Entry[] = [];
  const c = new BTree(store, root).cursor();
  for (let ok = c.first(); ok; ok = c.next()) out.push({ key: BigInt(c.key), value: c.value().slice() });
  return out;
}

const byKey = (a: Entry, b: Entry): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const keyArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => BigInt(n)) },
  { weight: 1, arbitrary: fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 127n, 128n) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
);
const valueArb = fc.oneof(
  { weight: 10, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 513, max: 1500 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);
const entryArb = fc.record({ key: keyArb, value: valueArb });

describe('mergeSorted', () => {
  it('matches a model: old entries first among equal keys, invariants hold, root id kept', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb, { maxLength: 400, size: 'max' }),
        fc.array(keyArb, { maxLength: 150, size: 'max' }),
        fc.array(entryArb, { maxLength: 400, size: 'max' }),
        fc.boolean(),
        (old, deletes, fresh, drain) => {
          // Poison: buffers handed out before a spill are overwritten, so holding one shows.
          const store = new MemoryPageStore(1024, { poison: true });
          const t = BTree.create(store);
          for (const e of old) t.insert(u64FromBigInt(e.key), e.value);
          // Deletes leave empty leaves and separators no key equals any more.
          const model = old.slice().sort(byKey);
          for (const k of deletes) {
            if (t.delete(u64FromBigInt(k))) model.splice(model.findIndex((e) => e.key === k), 1);
          }
          store.commit();
          const oldRoot = t.root;
          const rootWasInternal = new BTree(store, oldRoot).stats().depth > 1;
          const sorted = fresh.slice().sort(byKey);
          const r = mergeSorted(store, oldRoot, source(drain, sorted, store));
          expect(r.added).toBe(sorted.length);
          const expected = [...model, ...sorted].sort(byKey); // stable: old before new
          const got = scan(store, r.root);
          expect(got.map((e) => e.key)).toEqual(expected.map((e) => e.key));
          expect(got.map((e) => Buffer.from(e.value).toString('hex'))).toEqual(expected.map((e) => Buffer.from(e.value).toString('hex')));
          expect(checkTree(store, r.root).entries).toBe(expected.length);
          if (rootWasInternal) expect(r.root).toBe(oldRoot);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('appends at the right edge rewriting only the last leaf and keeps page ids stable', () => {
    const store = new MemoryPageStore(1024);
    const value = new Uint8Array(20).fill(7);
    let root = BTree.create(store).root;
    const batch = (from: number, to: number): Entry[] => Array.from({ length: to - from }, (_, i) => ({ key: BigInt(from + i), value }));
    root = mergeSorted(store, root, new ArraySource(batch(1, 2001))).root;
    store.commit();
    const before = new BTree(store, root).stats();
    const r = mergeSorted(store, root, new ArraySource(batch(2001, 2101)));
    expect(r.rewrittenLeaves).toBe(1);
    expect(r.keptLeaves).toBe(before.leaves - 1);
    expect(r.root).toBe(root);
    expect(checkTree(store, r.root).entries).toBe(2100);
    // Pages filled to the byte: a bottom-up build of the same entries needs no fewer leaves.
    const rebuilt = BTree.bulkBuild(new MemoryPageStore(1024), batch(1, 2101).map((e) => [Number(e.key), e.value] as const));
    expect(new BTree(store, r.root).stats().leaves).toBe(rebuilt.stats().leaves);
  });

  it('leaves the tree untouched when the source is empty, and builds from an empty tree', () => {
    const store = new MemoryPageStore(1024);
    const t = BTree.create(store);
    store.commit();
    const writes = store.counters.writes;
    expect(mergeSorted(store, t.root, new ArraySource([])).root).toBe(t.root);
    expect(store.counters.writes).toBe(writes);
    const entries = Array.from({ length: 500 }, (_, i) => ({ key: BigInt(i * 3), value: new Uint8Array([i & 0xff]) }));
    const r = mergeSorted(store, t.root, new ArraySource(entries));
    expect(r.distinctAdded).toBe(500);
    expect(checkTree(store, r.root).entries).toBe(500);
    // Equal keys spanning pages count once.
    const dup = Array.from({ length: 900 }, (_, i) => ({ key: BigInt(Math.floor(i / 100)), value: new Uint8Array(8) }));
    expect(mergeSorted(store, BTree.create(store).root, new ArraySource(dup)).distinctAdded).toBe(9);
    expect(mergeSorted(store, BTree.create(store).root, new DrainSource(dup)).distinctAdded).toBe(9);
    expect(mergeSorted(store, BTree.create(store).root, new DrainSource(entries)).distinctAdded).toBe(500);
    expect(scan(store, r.root).map((e) => e.key)).toEqual(entries.map((e) => e.key));
  });

  it('meets a damaged tree with a DecentDBError, never another error or a hang', () => {
    const base = new MemoryPageStore(1024);
    const t = BTree.create(base);
    for (let i = 0; i < 600; i++) t.insert(i * 31, new Uint8Array(i % 30).fill(i));
    base.commit();
    const image = base.toImage();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(image.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), (flips) => {
        const bytes = image.slice();
        for (const [at, b] of flips) if (at >= 1024) bytes[at] = b; // page 1 is the header page
        const store = MemoryPageStore.fromImage(bytes, 1024);
        const fresh = Array.from({ length: 50 }, (_, i) => ({ key: BigInt(i * 400 + 7), value: new Uint8Array([i]) }));
        try {
          mergeSorted(store, t.root, new ArraySource(fresh));
        } catch (e) {
          expect(e).toBeInstanceOf(DecentDBError);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects unsorted input with ERR_INTERNAL', () => {
    const store = new MemoryPageStore(1024);
    const t = BTree.create(store);
    const v = new Uint8Array(1);
    for (const drain of [false, true]) {
      expect(() => mergeSorted(store, t.root, source(drain, [{ key: 5n, value: v }, { key: 4n, value: v }]))).toThrow(/not sorted/);
      const big = [{ key: 2n ** 60n, value: v }, { key: 2n ** 60n - 1n, value: v }];
      expect(() => mergeSorted(store, BTree.create(store).root, source(drain, big))).toThrow(/not sorted/);
    }
  });
});
