import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, bytesEqual, u64FromBigInt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';

// The model: entries sorted by key; equal keys in insertion order (insert goes after them).
type Entry = { key: bigint; value: Uint8Array };

const keyArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => BigInt(n)) },
  { weight: 2, arbitrary: fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, 0n, 127n, 128n) },
  { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) },
);
const valueArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 100, maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 513, max: 2500 }).map((n) => new Uint8Array(n).fill(n & 0xff)) },
);
const opArb = fc.oneof(
  { weight: 10, arbitrary: fc.record({ op: fc.constant('insert' as const), key: keyArb, value: valueArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insertUnique' as const), key: keyArb, value: valueArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteEntry' as const), key: keyArb, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('update' as const), key: keyArb, value: valueArb }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), key: keyArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('scan' as const), key: keyArb, n: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 1, arbitrary: fc.constantFrom({ op: 'commit' as const }, { op: 'spill' as const }) },
);

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

describe('BTree against a sorted-array model', () => {
  it('agrees over long random operation sequences', () => {
    fc.assert(
      fc.property(fc.constantFrom(256, 512), fc.array(opArb, { minLength: 200, maxLength: 1500, size: 'max' }), (pageSize, ops) => {
        const store = new MemoryPageStore(pageSize, { poison: true });
        const tree = BTree.create(store);
        const model: Entry[] = [];
        for (const o of ops) {
          switch (o.op) {
            case 'insert': {
              tree.insert(canon(o.key), o.value);
              model.splice(upperIdx(model, o.key), 0, { key: o.key, value: o.value });
              break;
            }
            case 'insertUnique': {
              const exists = lowerIdx(model, o.key) < upperIdx(model, o.key);
              let code: string | undefined;
              try {
                tree.insert(canon(o.key), o.value, { unique: true });
              } catch (e) {
                code = (e as DecentDBError).code;
              }
              expect(code).toBe(exists ? 'ERR_CONSTRAINT' : undefined);
              if (!exists) model.splice(upperIdx(model, o.key), 0, { key: o.key, value: o.value });
              break;
            }
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
              if (lo === hi) {
                expect(tree.delete(canon(o.key), new Uint8Array([1, 2, 3]))).toBe(false);
                break;
              }
              const target = model[lo + (o.pick % (hi - lo))]!.value;
              let first = lo;
              while (!bytesEqual(model[first]!.value, target)) first++;
              expect(tree.delete(canon(o.key), target)).toBe(true);
              model.splice(first, 1);
              break;
            }
            case 'update': {
              const i = lowerIdx(model, o.key);
              const exists = i < model.length && model[i]!.key === o.key;
              expect(tree.update(canon(o.key), o.value)).toBe(exists);
              if (exists) model[i] = { key: o.key, value: o.value };
              break;
            }
            case 'get': {
              const i = lowerIdx(model, o.key);
              const got = tree.get(canon(o.key));
              if (i < model.length && model[i]!.key === o.key) expect(got).toEqual(model[i]!.value);
              else expect(got).toBeUndefined();
              break;
            }
            case 'scan': {
              const c = tree.cursor();
              let ok = c.seek(canon(o.key));
              let i = lowerIdx(model, o.key);
              for (let n = 0; n < o.n; n++) {
                expect(ok).toBe(i < model.length);
                if (!ok) break;
                expect(sameKey(c.key, model[i]!.key)).toBe(true);
                expect(bytesEqual(c.value(), model[i]!.value)).toBe(true);
                ok = c.next();
                i++;
              }
              break;
            }
            case 'commit':
              store.commit();
              break;
            case 'spill':
              store.spillSafePoint();
              break;
          }
        }
        checkTree(store, tree.root);
        const c = tree.cursor();
        let i = 0;
        for (let ok = c.first(); ok; ok = c.next(), i++) {
          expect(sameKey(c.key, model[i]!.key)).toBe(true);
          expect(bytesEqual(c.value(), model[i]!.value)).toBe(true);
        }
        expect(i).toBe(model.length);
        const last = tree.lastKey();
        if (model.length === 0) expect(last).toBeUndefined();
        else expect(sameKey(last!, model[model.length - 1]!.key)).toBe(true);
        // destroy returns every page but the header to the freelist
        store.commit();
        tree.destroy();
        expect(store.freeCount).toBe(store.pageCount - 1);
      }),
      { numRuns: 40 },
    );
  });
});
