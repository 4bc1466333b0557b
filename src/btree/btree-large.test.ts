import { describe, expect, it } from 'vitest';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';

const N = 120_000;
const value = new Uint8Array(24).fill(0x5a);

/** Deterministic 64-bit mixer (splitmix64) over bigint, canonicalised to U64. */
function mix(i: number): bigint {
  let z = (BigInt(i) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
const canon = (b: bigint): U64 => (b <= 9007199254740991n ? Number(b) : b);

describe('BTree with 100k+ keys', () => {
  it('sequential inserts: checkTree, full scan, lookups', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    for (let i = 0; i < N; i++) t.insert(i, value);
    const check = checkTree(s, t.root);
    expect(check.entries).toBe(N);
    const c = t.cursor();
    let i = 0;
    let wrong = 0;
    for (let ok = c.first(); ok; ok = c.next(), i++) if (c.key !== i) wrong++;
    expect(i).toBe(N);
    expect(wrong).toBe(0);
    expect(t.get(N - 1)).toEqual(value);
    expect(t.lastKey()).toBe(N - 1);
  });

  it('random full-range u64 inserts, then half deleted: checkTree and full scan', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    const keys: bigint[] = [];
    for (let i = 0; i < N; i++) {
      const k = i % 4 === 0 ? mix(i) & 0xffffffffn : mix(i);
      keys.push(k);
      t.insert(canon(k), value);
    }
    checkTree(s, t.root);
    const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const c = t.cursor();
    let i = 0;
    let wrong = 0;
    for (let ok = c.first(); ok; ok = c.next(), i++) if (BigInt(c.key) !== sorted[i]) wrong++;
    expect(i).toBe(N);
    expect(wrong).toBe(0);
    let missing = 0;
    for (let j = 0; j < N; j += 2) if (!t.delete(canon(keys[j]!))) missing++;
    expect(missing).toBe(0);
    const after = checkTree(s, t.root);
    expect(after.entries).toBe(N / 2);
    for (let j = 1; j < 2000; j += 2) expect(t.get(canon(keys[j]!))).toEqual(value);
  });
});
