import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BTree, MemoryPageStore, checkTree, committedView } from '../btree/index.js';
import { toHex } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { encodePostings, postingsKey } from './postings-codec.js';
import { PostingsCache } from './postings-cache.js';
import { TrigramIndex, TrigramTails } from './trigram-index.js';
import { TrigramIndexBuilder } from './trigram-build.js';
import { checkTrigramIndex, trigramEntries } from './trigram-check.js';
import { packTrigram, textTrigrams } from './trigram-text.js';

const t = (s: string): number => packTrigram(s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2));

/** Every (key, value-hex) of a tree, in order. */
function dump(store: MemoryPageStore, root: number): string[] {
  const c = new BTree(store, root).cursor();
  const out: string[] = [];
  for (let ok = c.first(); ok; ok = c.next()) out.push(`${String(c.key)}:${toHex(c.value())}`);
  return out;
}

/** The model: trigram → sorted rowids, from a rowid → text map. */
function model(rows: Map<number, string>): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (const [r, s] of [...rows].sort((a, b) => a[0] - b[0])) {
    for (const g of textTrigrams(s)) {
      let l = m.get(g);
      if (l === undefined) m.set(g, (l = []));
      l.push(r);
    }
  }
  return m;
}

describe('TrigramIndex maintenance', () => {
  it('adds, updates and removes rows', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    idx.add(1, 'Love Me Do');
    idx.add(2, 'All You Need Is Love');
    idx.add(3, null);
    expect(Array.from(idx.postings(t('LOV')))).toEqual([1, 2]);
    expect(idx.count(t('LOV'))).toBe(2);
    idx.update(1, 'Love Me Do', 'Help!');
    expect(Array.from(idx.postings(t('LOV')))).toEqual([2]);
    expect(Array.from(idx.postings(t('HEL')))).toEqual([1]);
    idx.remove(2, 'All You Need Is Love');
    expect(idx.postings(t('LOV')).length).toBe(0);
    expect(idx.count(t('LOV'))).toBe(0);
    idx.remove(1, 'Help!');
    expect(dump(store, idx.root)).toEqual([]);
  });

  it('touches only the trigrams that changed on update', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    idx.add(7, 'yesterday');
    const before = { ...idx.counters };
    idx.update(7, 'yesterday', 'yesterdays');
    // only 'AYS' is new; nothing removed
    expect(idx.counters.chunkWrites - before.chunkWrites).toBe(1);
    expect(idx.counters.chunkDeletes - before.chunkDeletes).toBe(0);
    expect(Array.from(idx.postings(t('AYS')))).toEqual([7]);
  });

  it('appends ascending rowids by rewriting only the tail chunk', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    for (let r = 1; r <= 3000; r++) idx.addPosting(t('THE'), r * 5);
    // one load when the trigram was first seen, then pure appends
    expect(idx.counters.rewrites).toBe(1);
    expect(idx.counters.appends).toBe(2999);
    expect(idx.counters.postingsDecoded).toBe(0);
    expect(idx.counters.chunkWrites).toBe(3000);
    const expected = Array.from({ length: 3000 }, (_, i) => (i + 1) * 5);
    expect(Array.from(idx.postings(t('THE')))).toEqual(expected);
    // byte-identical to a from-scratch encoding
    const chunks = encodePostings(expected);
    expect(dump(store, idx.root)).toEqual(chunks.map((c, i) => `${postingsKey(t('THE'), i)}:${toHex(c)}`));
  });

  it('rewrites only chunks at and after a middle change', () => {
    const store = new MemoryPageStore();
    const list = Array.from({ length: 2000 }, (_, i) => i * 2 + 2);
    const idx = TrigramIndex.bulkBuild(store, list.map((r) => [t('ABC'), r] as const));
    const chunks = encodePostings(list).length;
    idx.removePosting(t('ABC'), list[1990]!); // in the last chunk
    expect(idx.counters.chunkWrites).toBe(1);
    idx.addPosting(t('ABC'), 3); // first chunk: every later boundary shifts by one byte
    expect(idx.counters.chunkWrites).toBeLessThanOrEqual(1 + chunks);
    const expected = [...list.slice(0, 1990), ...list.slice(1991)];
    expected.splice(1, 0, 3);
    expect(Array.from(idx.postings(t('ABC')))).toEqual(expected);
    expect(dump(store, idx.root)).toEqual(encodePostings(expected).map((c, i) => `${postingsKey(t('ABC'), i)}:${toHex(c)}`));
  });

  it('ignores duplicate adds and absent removes', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    idx.add(5, 'abcd');
    idx.add(5, 'abcd');
    idx.add(3, 'abc');
    idx.add(3, 'abc');
    idx.remove(9, 'abcd');
    idx.remove(1, 'zzz');
    expect(Array.from(idx.postings(t('ABC')))).toEqual([3, 5]);
    expect(Array.from(idx.postings(t('BCD')))).toEqual([5]);
  });

  it('keeps rowids above 2^53 exact', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    const big: U64[] = [2n ** 53n + 1n, 2n ** 63n + 7n, 2n ** 64n - 1n];
    idx.add(4, 'xyz');
    for (const r of big) idx.add(r, 'xyz');
    idx.add(2n ** 53n + 3n, 'xyz');
    expect(Array.from(idx.postings(t('XYZ')))).toEqual([4, 2n ** 53n + 1n, 2n ** 53n + 3n, 2n ** 63n + 7n, 2n ** 64n - 1n]);
    idx.remove(2n ** 63n + 7n, 'xyz');
    const fresh = new TrigramIndex(store, idx.root);
    expect(Array.from(fresh.postings(t('XYZ')))).toEqual([4, 2n ** 53n + 1n, 2n ** 53n + 3n, 2n ** 64n - 1n]);
  });

  it('reads legacy bare-trigram keys and migrates them on the next write', () => {
    const store = new MemoryPageStore();
    const tree = BTree.create(store);
    const legacy = encodePostings([2, 9, 40]);
    tree.insert(t('DOG'), legacy[0]!);
    const idx = new TrigramIndex(store, tree.root);
    expect(Array.from(idx.postings(t('DOG')))).toEqual([2, 9, 40]);
    expect(idx.count(t('DOG'))).toBe(3);
    idx.addPosting(t('DOG'), 50);
    expect(dump(store, idx.root)).toEqual([`${postingsKey(t('DOG'), 0)}:${toHex(encodePostings([2, 9, 40, 50])[0]!)}`]);
  });

  it('checks chunk density and counts legacy keys', () => {
    const store = new MemoryPageStore();
    const tree = BTree.create(store);
    const c = encodePostings(Array.from({ length: 600 }, (_, i) => i + 1));
    tree.insert(postingsKey(t('ONE'), 0), c[0]!);
    tree.insert(postingsKey(t('ONE'), 1), c[1]!);
    tree.insert(t('OLD'), encodePostings([4])[0]!); // legacy bare key
    expect(checkTrigramIndex(store, tree.root)).toEqual({ trigrams: 1, postings: 600, chunks: 2, legacyKeys: 1 });
    tree.insert(postingsKey(t('TWO'), 1), c[1]!); // gap: no chunk 0
    expect(() => checkTrigramIndex(store, tree.root)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
  });

  it('reports corrupt postings as ERR_CORRUPTION, never a wrong list', () => {
    const store = new MemoryPageStore();
    const tree = BTree.create(store);
    tree.insert(postingsKey(t('BAD'), 0), Uint8Array.of(5, 0)); // zero delta: a duplicate rowid
    tree.insert(postingsKey(t('CUT'), 0), Uint8Array.of(5, 0x81)); // ends inside a varint
    const idx = new TrigramIndex(store, tree.root);
    for (const g of [t('BAD'), t('CUT')]) {
      expect(() => idx.postings(g)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
      expect(() => idx.addPosting(g, 1)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
    }
  });

  it('matches a model under random row operations, and the tree stays valid', () => {
    const op = fc.tuple(fc.constantFrom('add', 'remove', 'update'), fc.integer({ min: 1, max: 60 }), fc.stringMatching(/^[abcAB ]{0,12}$/));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const store = new MemoryPageStore(512);
        const idx = TrigramIndex.create(store);
        const rows = new Map<number, string>();
        for (const [kind, r, s] of ops) {
          const old = rows.get(r);
          if (kind === 'add' && old === undefined) {
            idx.add(r, s);
            rows.set(r, s);
          } else if (kind === 'remove' && old !== undefined) {
            idx.remove(r, old);
            rows.delete(r);
          } else if (kind === 'update' && old !== undefined) {
            idx.update(r, old, s);
            rows.set(r, s);
          }
        }
        const m = model(rows);
        const fresh = new TrigramIndex(store, idx.root);
        for (const [g, l] of m) expect(Array.from(fresh.postings(g))).toEqual(l);
        const expectedTree = [...m].sort((a, b) => a[0] - b[0]).flatMap(([g, l]) => encodePostings(l).map((c, i) => `${postingsKey(g, i)}:${toHex(c)}`));
        expect(dump(store, idx.root)).toEqual(expectedTree);
        expect(checkTree(store, idx.root).entries).toBe(expectedTree.length);
        expect([...trigramEntries(store, idx.root)].map(([g, l]) => [g, Array.from(l)])).toEqual([...m].sort((a, b) => a[0] - b[0]));
        expect(checkTrigramIndex(store, idx.root)).toEqual({ trigrams: m.size, postings: [...m.values()].reduce((n, l) => n + l.length, 0), chunks: expectedTree.length, legacyKeys: 0 });
      }),
      { numRuns: 60 },
    );
  });

  it('applies row batches like single rows, rewriting each tail once per batch', () => {
    const row = fc.tuple(fc.integer({ min: 1, max: 400 }), fc.stringMatching(/^[abAB ]{0,10}$/));
    fc.assert(
      fc.property(fc.array(fc.array(row, { maxLength: 30 }), { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 40 }), (batches, dels) => {
        const store = new MemoryPageStore(512);
        const idx = TrigramIndex.create(store);
        const rows = new Map<number, string>();
        for (const batch of batches) {
          const fresh = batch.filter(([r], i) => !rows.has(r) && batch.findIndex(([q]) => q === r) === i);
          idx.addRows(fresh);
          for (const [r, s] of fresh) rows.set(r, s);
        }
        const gone = [...new Set(dels)].filter((r) => rows.has(r)).map((r) => [r, rows.get(r)!] as const);
        idx.removeRows(gone);
        for (const [r] of gone) rows.delete(r);
        const m = model(rows);
        const expectedTree = [...m].sort((a, b) => a[0] - b[0]).flatMap(([g, l]) => encodePostings(l).map((c, i) => `${postingsKey(g, i)}:${toHex(c)}`));
        expect(dump(store, idx.root)).toEqual(expectedTree);
      }),
      { numRuns: 60 },
    );
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    idx.add(1, 'common');
    const writes = idx.counters.chunkWrites;
    idx.addRows(Array.from({ length: 300 }, (_, i) => [i + 2, 'common'] as const));
    // 4 trigrams, ~300 one-byte deltas each: tail rewrite + no new chunk
    expect(idx.counters.chunkWrites - writes).toBe(4);
  });

  it('builds the same tree from a builder, from sorted pairs and incrementally', () => {
    const rows: [number, string][] = [];
    for (let r = 1; r <= 400; r++) rows.push([r, `track ${r % 37} love ${r % 11} the ${'x'.repeat(r % 5)}`]);
    const a = new MemoryPageStore();
    const b = new TrigramIndexBuilder();
    for (const [r, s] of rows) b.add(r, s);
    b.add(2, 'late zzz'); // out of order for 'ZZZ' and friends
    const rootA = b.build(a);
    const all = new Map(rows);
    all.set(2, `${all.get(2)!}`);
    const m = model(new Map(rows));
    for (const g of textTrigrams('late zzz')) {
      const l = m.get(g) ?? [];
      if (!l.includes(2)) l.push(2);
      l.sort((x, y) => x - y);
      m.set(g, l);
    }
    const pairs = [...m].sort((x, y) => x[0] - y[0]).flatMap(([g, l]) => l.map((r) => [g, r] as const));
    const s2 = new MemoryPageStore();
    const built = TrigramIndex.bulkBuild(s2, pairs);
    const s3 = new MemoryPageStore();
    const inc = TrigramIndex.create(s3);
    for (const [g, r] of [...pairs].sort((x, y) => x[1] - y[1] || x[0] - y[0])) inc.addPosting(g, r);
    expect(dump(a, rootA)).toEqual(dump(s2, built.root));
    expect(dump(s3, inc.root)).toEqual(dump(s2, built.root));
    expect(checkTree(a, rootA).entries).toBe(dump(a, rootA).length);
    expect(b.pairs).toBeGreaterThan(pairs.length - 1);
  });

  it('rolls back with the page store: a fresh handle sees the committed postings', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    idx.add(1, 'alpha');
    store.commit();
    const root = idx.root;
    idx.add(2, 'alphabet');
    idx.remove(1, 'alpha');
    store.rollback();
    const again = new TrigramIndex(store, root);
    expect(Array.from(again.postings(t('ALP')))).toEqual([1]);
    expect(again.count(t('BET'))).toBe(0);
    const reader = new TrigramIndex(committedView(store), root);
    expect(Array.from(reader.postings(t('PHA')))).toEqual([1]);
  });

  it('shares tail states across write transactions until a rollback clears them', () => {
    const store = new MemoryPageStore();
    const tails = new TrigramTails();
    const first = TrigramIndex.create(store);
    first.add(1, 'the end');
    let root = first.root;
    store.commit();
    for (let r = 2; r <= 5; r++) {
      const h = new TrigramIndex(store, root, { tails });
      h.add(r, 'the end');
      root = h.root;
      store.commit();
      // only the first of these transactions scans the 5 trigrams' chunks for their tails
      expect(h.counters.chunkReads).toBe(r === 2 ? 5 : 0);
    }
    const h = new TrigramIndex(store, root, { tails });
    h.add(6, 'the end');
    store.rollback();
    tails.clear();
    const after = new TrigramIndex(store, root, { tails });
    after.add(7, 'the end');
    store.commit();
    expect(Array.from(new TrigramIndex(store, after.root).postings(t('THE')))).toEqual([1, 2, 3, 4, 5, 7]);
  });

  it('caches decoded postings under a tag and invalidates on writes', () => {
    const store = new MemoryPageStore();
    const cache = new PostingsCache({ maxBytes: 1 << 20 });
    const w = TrigramIndex.create(store, { cache, cacheId: 'i' });
    for (let r = 1; r <= 50; r++) w.add(r, 'common words');
    store.commit();
    const reader = new TrigramIndex(committedView(store), w.root, { cache, cacheId: 'i', cacheTag: 1 });
    reader.postings(t('COM'));
    const decoded = reader.counters.postingsDecoded;
    expect(reader.postings(t('COM')).length).toBe(50);
    expect(reader.counters.postingsDecoded).toBe(decoded);
    expect(cache.stats.hits).toBe(1);
    // another version never sees this entry
    const other = new TrigramIndex(committedView(store), w.root, { cache, cacheId: 'i', cacheTag: 2 });
    other.postings(t('COM'));
    expect(other.counters.postingsDecoded).toBe(50);
    w.add(51, 'comet');
    expect(cache.size).toBe(0);
  });

  it('bounds the cache by bytes, evicting least recently used', () => {
    const cache = new PostingsCache({ maxBytes: 4000 });
    const l = new Float64Array(100); // 864 bytes charged
    for (let g = 0; g < 10; g++) cache.set('x', g, 0, l);
    expect(cache.sizeBytes).toBeLessThanOrEqual(4000);
    expect(cache.get('x', 9, 0)).toBe(l);
    expect(cache.get('x', 0, 0)).toBeUndefined();
    expect(cache.stats.evictions).toBeGreaterThan(0);
  });
});
