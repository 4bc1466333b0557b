import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, bytesEqual, putVarint, u64FromBigInt, writeU16, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore, committedView } from './memory-page-store.js';
import { PAGE_HEADER_SIZE, readPage } from './page-view.js';
import type { BTreeCursor } from './btree-cursor.js';

// The model: entries sorted by key; equal keys in insertion order (insert goes after them).
type Entry = { key: bigint; value: Uint8Array };

const keyArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => BigInt(n)) },
  { weight: 2, arbitrary: fc.constantFrom(0n, 127n, 128n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
);
const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 80, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 600, max: 1500 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);
const opArb = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('insert' as const), key: keyArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteEntry' as const), key: keyArb, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ op: 'commit' as const }) },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
/** A cursor probe: position by seek/seekLast/first/last, then walk with next (true) / prev (false). */
const probeArb = fc.record({
  start: fc.constantFrom('seek' as const, 'seekLast' as const, 'first' as const, 'last' as const),
  key: keyArb,
  steps: fc.array(fc.boolean(), { maxLength: 40 }),
});

type Probe = typeof probeArb extends fc.Arbitrary<infer T> ? T : never;

const canon = (k: bigint): U64 => u64FromBigInt(k);
const lowerIdx = (m: Entry[], k: bigint): number => {
  let lo = 0;
  let hi = m.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (m[mid]!.key < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};
const upperIdx = (m: Entry[], k: bigint): number => {
  let lo = lowerIdx(m, k);
  while (lo < m.length && m[lo]!.key === k) lo++;
  return lo;
};
const sameKey = (a: U64, b: bigint): boolean => BigInt(a) === b && typeof a === (b <= 9007199254740991n ? 'number' : 'bigint');

function apply(tree: BTree, store: MemoryPageStore, model: Entry[], ops: readonly Op[]): void {
  for (const o of ops) {
    switch (o.op) {
      case 'insert':
        tree.insert(canon(o.key), o.value);
        model.splice(upperIdx(model, o.key), 0, { key: o.key, value: o.value });
        break;
      case 'delete': {
        const i = lowerIdx(model, o.key);
        const exists = i < model.length && model[i]!.key === o.key;
        expect(tree.delete(canon(o.key))).toBe(exists);
        if (exists) model.splice(i, 1);
        break;
      }
      case 'deleteEntry': {
        const lo = lowerIdx(model, o.key);
        const hi = upperIdx(model, o.key);
        if (lo === hi) break;
        const target = model[lo + (o.pick % (hi - lo))]!.value;
        let first = lo;
        while (!bytesEqual(model[first]!.value, target)) first++;
        expect(tree.delete(canon(o.key), target)).toBe(true);
        model.splice(first, 1);
        break;
      }
      case 'commit':
        store.commit();
        break;
    }
  }
}

function expectAt(c: BTreeCursor, model: Entry[], i: number): void {
  expect(c.valid).toBe(true);
  expect(sameKey(c.key, model[i]!.key)).toBe(true);
  expect(bytesEqual(c.value(), model[i]!.value)).toBe(true);
}

/** Full backward scan plus probes, each step checked against the model. */
function checkCursor(tree: BTree, model: Entry[], probes: readonly Probe[]): void {
  const c = tree.cursor();
  let i = model.length - 1;
  for (let ok = c.last(); ok; ok = c.prev(), i--) expectAt(c, model, i);
  expect(i).toBe(-1);
  expect(c.valid).toBe(false);
  expect(c.prev()).toBe(false);
  for (const p of probes) {
    let ok: boolean;
    switch (p.start) {
      case 'seek':
        ok = c.seek(canon(p.key));
        i = lowerIdx(model, p.key);
        break;
      case 'seekLast':
        ok = c.seekLast(canon(p.key));
        i = upperIdx(model, p.key) - 1;
        break;
      case 'first':
        ok = c.first();
        i = 0;
        break;
      default:
        ok = c.last();
        i = model.length - 1;
    }
    for (const forward of [undefined, ...p.steps]) {
      if (forward !== undefined) {
        ok = forward ? c.next() : c.prev();
        i += forward ? 1 : -1;
      }
      const inside = i >= 0 && i < model.length;
      expect(ok).toBe(inside);
      if (!inside) break;
      expectAt(c, model, i);
    }
  }
}

/**
 * Re-encodes every tree page that still fits with absolute keys (flags 0), the other flag value
 * native writers may leave; pages that would not fit keep flags 1 (a mixed tree is valid too).
 */
function toAbsoluteKeys(store: MemoryPageStore, root: number): number {
  let rewritten = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pageNo = stack.pop()!;
    const v = readPage(store, pageNo, store.pageCount);
    if (!v.isLeaf) for (let i = 0; i <= v.count; i++) stack.push(v.child(i));
    const src = store.read(pageNo).slice();
    const out = new Uint8Array(store.pageSize);
    out.set(src.subarray(0, PAGE_HEADER_SIZE));
    out[1] = 0;
    let pos = PAGE_HEADER_SIZE;
    let fits = true;
    for (let i = 0; i < v.count && fits; i++) {
      const tail = src.subarray(v.payOff[i]!, v.cellOff[i + 1]!);
      if (pos + 10 + tail.length > out.length) fits = false;
      else {
        pos = putVarint(out, pos, v.keys[i]!);
        out.set(tail, pos);
        pos += tail.length;
      }
    }
    if (!fits) continue;
    writeU16(out, 2, v.count);
    store.write(pageNo).set(out);
    rewritten++;
  }
  return rewritten;
}

describe('backward cursor against a sorted-array model', () => {
  it('last/seekLast/prev and mixed next/prev agree after random inserts and deletes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(256, 512),
        fc.array(opArb, { maxLength: 700, size: 'max' }),
        fc.array(probeArb, { maxLength: 12 }),
        fc.boolean(),
        (pageSize, ops, probes, absolute) => {
          const store = new MemoryPageStore(pageSize, { poison: true });
          const tree = BTree.create(store);
          const model: Entry[] = [];
          apply(tree, store, model, ops);
          checkTree(store, tree.root);
          if (absolute) {
            store.commit();
            toAbsoluteKeys(store, tree.root);
            checkTree(store, tree.root);
          }
          checkCursor(tree, model, probes);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('walks an empty tree, a single leaf and trees emptied by deletes', () => {
    const store = new MemoryPageStore(256);
    const tree = BTree.create(store);
    const c = tree.cursor();
    expect([c.last(), c.valid, c.seekLast(5), c.prev(), c.next()]).toEqual([false, false, false, false, false]);
    tree.insert(3, new Uint8Array([1]));
    tree.insert(3, new Uint8Array([2]));
    tree.insert(7, new Uint8Array([3]));
    const seen: number[] = [];
    for (let ok = c.last(); ok; ok = c.prev()) seen.push(c.value()[0]!);
    expect(seen).toEqual([3, 2, 1]);
    expect(c.seekLast(2)).toBe(false);
    expect(c.seekLast(3) && c.value()[0]).toBe(2);
    expect(c.seekLast(2n ** 64n - 1n) && c.key).toBe(7);
    // Many entries, then delete all but the first: the backward walk crosses empty leaves.
    for (let k = 10; k < 400; k++) tree.insert(k, new Uint8Array(30));
    expect(tree.stats().depth).toBeGreaterThan(1);
    for (let k = 10; k < 400; k++) tree.delete(k);
    expect(c.last() && c.key).toBe(7);
    expect(c.seekLast(399) && c.key).toBe(7);
    expect(c.prev() && c.key).toBe(3);
    for (const k of [3, 3, 7]) tree.delete(k);
    expect(c.last()).toBe(false);
    expect(c.seekLast(100)).toBe(false);
  });

  it('crosses a run of duplicates spanning many leaves both ways (prev after next)', () => {
    const store = new MemoryPageStore(256);
    const tree = BTree.create(store);
    tree.insert(1, new Uint8Array([0]));
    for (let i = 0; i < 300; i++) tree.insert(5, new Uint8Array([i & 0xff, i >> 8]));
    tree.insert(9, new Uint8Array([0]));
    const ord = (c: BTreeCursor): number => c.value()[0]! + 256 * c.value()[1]!;
    const c = tree.cursor();
    expect(c.seek(5) && ord(c)).toBe(0);
    for (let i = 1; i < 250; i++) c.next();
    expect(ord(c)).toBe(249);
    // prev after a run of chain hops: the path is rebuilt from the leaf's first key
    for (let i = 248; i >= 0; i--) expect(c.prev() && ord(c)).toBe(i);
    expect(c.prev() && c.key).toBe(1);
    expect(c.next() && ord(c)).toBe(0);
    expect(c.seekLast(5) && ord(c)).toBe(299);
    expect(c.next() && c.key).toBe(9);
    expect(c.prev() && ord(c)).toBe(299);
  });

  it('reads overflow values backwards', () => {
    const store = new MemoryPageStore(512);
    const tree = BTree.create(store);
    const big = (i: number): Uint8Array => new Uint8Array(700 + i).fill(i);
    for (let i = 0; i < 40; i++) tree.insert(i, big(i));
    const c = tree.cursor();
    let i = 39;
    for (let ok = c.last(); ok; ok = c.prev(), i--) expect(bytesEqual(c.value(), big(i))).toBe(true);
    expect(i).toBe(-1);
  });
});

describe('backward cursor stability', () => {
  it('a reader snapshot does not see later writes', () => {
    const store = new MemoryPageStore(256);
    const tree = BTree.create(store);
    for (let k = 0; k < 200; k++) tree.insert(k * 2, new Uint8Array(20));
    store.commit();
    const snap = new BTree(committedView(store), tree.root).cursor();
    expect(snap.seekLast(301) && snap.key).toBe(300);
    for (let k = 0; k < 200; k++) tree.insert(k * 2 + 1, new Uint8Array(20));
    for (let k = 0; k < 100; k++) tree.delete(k * 4);
    const keys: U64[] = [];
    for (let ok = snap.prev(); ok; ok = snap.prev()) keys.push(snap.key);
    expect(keys).toEqual(Array.from({ length: 150 }, (_, i) => 298 - 2 * i));
  });

  it('continues just before the entry it was on when the same store is modified (unique keys)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.record({ del: fc.boolean(), key: fc.integer({ min: 0, max: 400 }) }), { maxLength: 200 }),
        (initial, edits) => {
          const store = new MemoryPageStore(256);
          const tree = BTree.create(store);
          const model = new Set<number>();
          for (const k of initial) if (!model.has(k)) (model.add(k), tree.insert(k, new Uint8Array(24).fill(k & 0xff)));
          const c = tree.cursor();
          let ok = c.last();
          let e = 0;
          while (ok) {
            const cur = c.key as number;
            const edit = edits[e++];
            if (edit !== undefined) {
              if (edit.del && model.has(edit.key)) (model.delete(edit.key), tree.delete(edit.key));
              else if (!edit.del && !model.has(edit.key)) (model.add(edit.key), tree.insert(edit.key, new Uint8Array(24)));
            }
            const below = [...model].filter((k) => k < cur);
            ok = c.prev();
            expect(ok).toBe(below.length > 0);
            if (ok) expect(c.key).toBe(Math.max(...below));
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('resyncs inside a run of duplicates in both counting directions', () => {
    const store = new MemoryPageStore(256);
    const tree = BTree.create(store);
    for (let i = 0; i < 60; i++) tree.insert(5, new Uint8Array([i]));
    tree.insert(2, new Uint8Array([100]));
    tree.insert(8, new Uint8Array([200]));
    const c = tree.cursor();
    // Entered from the right: ordinal counted from the right end.
    c.seekLast(5);
    for (let i = 0; i < 10; i++) c.prev();
    expect(c.value()[0]).toBe(49);
    tree.insert(3, new Uint8Array([101])); // elsewhere
    expect(c.prev() && c.value()[0]).toBe(48);
    tree.delete(8);
    expect(c.next() && c.value()[0]).toBe(49); // counted from the right, forward step
    // Entered from the left, then stepping back: counted from the left end.
    c.seek(5);
    for (let i = 0; i < 5; i++) c.next();
    expect(c.value()[0]).toBe(5);
    tree.insert(9, new Uint8Array([0]));
    expect(c.prev() && c.value()[0]).toBe(4);
    tree.insert(1, new Uint8Array([0]));
    for (let i = 3; i >= 0; i--) expect(c.prev() && c.value()[0]).toBe(i);
    tree.insert(0, new Uint8Array([0]));
    expect(c.prev() && c.key).toBe(3);
    tree.delete(3);
    expect(c.prev() && c.key).toBe(2);
    tree.delete(2);
    expect(c.next() && c.key).toBe(5);
    checkTree(store, tree.root);
  });
});

describe('backward cursor on native page variants and corrupt trees', () => {
  it('reads trees whose pages carry absolute keys (flags 0)', () => {
    const store = new MemoryPageStore(512);
    const tree = BTree.create(store);
    for (let i = 0; i < 300; i++) tree.insert(BigInt(i % 50) * 2n ** 50n + 7n, new Uint8Array(i % 7 === 0 ? 600 : 12).fill(i & 0xff));
    store.commit();
    expect(toAbsoluteKeys(store, tree.root)).toBeGreaterThan(3);
    expect(readPage(store, tree.root, store.pageCount).flags).toBe(0);
    const fwd: string[] = [];
    const c = tree.cursor();
    for (let ok = c.first(); ok; ok = c.next()) fwd.push(`${c.key}:${c.value().length}:${c.value()[0]}`);
    const back: string[] = [];
    for (let ok = c.last(); ok; ok = c.prev()) back.push(`${c.key}:${c.value().length}:${c.value()[0]}`);
    expect(back.reverse()).toEqual(fwd);
    expect(fwd.length).toBe(300);
  });

  const corruptCode = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (e) {
      return e instanceof DecentDBError ? e.code : 'other';
    }
    return undefined;
  };
  const walkBack = (t: BTree): void => {
    const c = t.cursor();
    for (let ok = c.last(); ok; ok = c.prev()) c.value();
  };

  it('leaves out of key order and internal cycles give ERR_CORRUPTION, never a hang', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 60; i++) t.insert(i, new Uint8Array(20).fill(i));
    s.commit();
    const root = readPage(s, t.root, s.pageCount);
    expect(root.isLeaf).toBe(false);
    // Right child replaced by the first child: the walk meets higher keys on its left.
    writeU32(s.write(t.root), 4, root.child(0));
    expect(corruptCode(() => walkBack(t))).toBe('ERR_CORRUPTION');
    s.rollback();
    // Right child pointing at the root itself: an endless descent.
    writeU32(s.write(t.root), 4, t.root);
    expect(corruptCode(() => walkBack(t))).toBe('ERR_CORRUPTION');
    expect(corruptCode(() => t.cursor().seekLast(2n ** 64n - 1n))).toBe('ERR_CORRUPTION');
    s.rollback();
    walkBack(t);
  });
});
