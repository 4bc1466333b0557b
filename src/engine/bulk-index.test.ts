import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { U64 } from '../util/index.js';
import { compareKeys } from '../btree/index.js';
import { encodeIndexEntry, indexEntryRowid } from '../record/index.js';
import { DecentDBError } from '../util/index.js';
import { MemoryVfs } from '../vfs/index.js';
import { Database } from './database.js';
import { IndexEntryBuffer } from './bulk-index.js';

const query = (db: Database, sql: string): unknown[][] => db.query(sql, [], { rowMode: 'array' }) as unknown[][];

const u64 = fc.oneof(
  fc.integer({ min: 0, max: 70_000 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
);
const rowid = fc.oneof(fc.integer({ min: -1000, max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ minLength: 130, maxLength: 200 }), fc.uint8Array({ maxLength: 20 }));

describe('IndexEntryBuffer', () => {
  it('orders entries by unsigned key, keeping insertion order among equal keys', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(u64, fc.constantFrom<U64>(0, 5, 2n ** 60n)), rowid), { maxLength: 300 }), (items) => {
        const buf = new IndexEntryBuffer();
        for (const [k, r] of items) buf.addRowid(k, r);
        const order = Array.from(buf.sortedOrder());
        const expected = items.map((_, i) => i).sort((a, b) => compareKeys(items[a]![0], items[b]![0]) || a - b);
        expect(order).toEqual(expected);
        for (let i = 0; i < items.length; i++) expect(buf.keyAt(i)).toBe(items[i]![0]);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps keys given in order as they are (and still sorts when one pair is swapped)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(u64, fc.constantFrom<U64>(0, 5, 2 ** 32, 2n ** 60n)), rowid), { minLength: 2, maxLength: 300 }), fc.nat(), (raw, at) => {
        const items = [...raw].sort((a, b) => compareKeys(a[0], b[0]));
        const buf = new IndexEntryBuffer();
        for (const [k, r] of items) buf.addRowid(k, r);
        expect(Array.from(buf.sortedOrder())).toEqual(items.map((_, i) => i));
        const i = at % (items.length - 1);
        const swapped = [...items];
        [swapped[i], swapped[i + 1]] = [swapped[i + 1]!, swapped[i]!];
        const buf2 = new IndexEntryBuffer();
        for (const [k, r] of swapped) buf2.addRowid(k, r);
        const expected = swapped.map((_, j) => j).sort((a, b) => compareKeys(swapped[a]![0], swapped[b]![0]) || a - b);
        expect(Array.from(buf2.sortedOrder())).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('orders large buffers too (16-bit digits), stably', () => {
    const buf = new IndexEntryBuffer();
    const keys: U64[] = [];
    let x = 12345;
    for (let i = 0; i < 40000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const k: U64 = i % 3 === 0 ? x % 50 : i % 3 === 1 ? x * 65536 + (i % 7) : (BigInt(x) << 32n) | 5n;
      keys.push(k);
      buf.addRowid(k, i);
    }
    const order = Array.from(buf.sortedOrder());
    const expected = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a]!, keys[b]!) || a - b);
    expect(order).toEqual(expected);
  });

  it('orders keys that differ only in their low bits in one narrow pass, stably', () => {
    for (const [n, base] of [[40000, 0], [40000, 2 ** 40], [5000, 96]] as const) {
      const buf = new IndexEntryBuffer();
      const keys: U64[] = [];
      let x = 777;
      for (let i = 0; i < n; i++) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        const k = base + 1 + (x % 25); // a few distinct small values (genre ids), one high part
        keys.push(k);
        buf.addRowid(k, i);
      }
      const expected = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a]!, keys[b]!) || a - b);
      expect(Array.from(buf.sortedOrder())).toEqual(expected);
    }
  });

  it('writes the same entry bytes as encodeIndexEntry', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(rowid, fc.option(value, { nil: undefined })), { maxLength: 50 }), (items) => {
        const buf = new IndexEntryBuffer();
        for (const [r, v] of items) {
          if (v === undefined) buf.addRowid(7, r);
          else buf.addValue(7, r, v);
        }
        items.forEach(([r, v], i) => {
          const want = encodeIndexEntry(r, v);
          expect(Array.from(buf.entryAt(i))).toEqual(Array.from(want));
          expect(buf.rowidAt(i)).toEqual(indexEntryRowid(want));
        });
      }),
      { numRuns: 100 },
    );
  });

  it('copies raw entries and grows past its initial capacity', () => {
    const buf = new IndexEntryBuffer();
    const n = 5000;
    for (let i = 0; i < n; i++) buf.addRaw(n - i, encodeIndexEntry(i, 'x'.repeat(i % 7)));
    expect(buf.count).toBe(n);
    const order = buf.sortedOrder();
    expect(order[0]).toBe(n - 1);
    expect(buf.keyAt(order[0]!)).toBe(1);
    expect(Array.from(buf.entryAt(3))).toEqual(Array.from(encodeIndexEntry(3, 'xxx')));
  });
});

describe('bulkLoad index rebuild', () => {
  it('finds a duplicate among three values sharing an 8-byte key prefix', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id INT PRIMARY KEY, name TEXT UNIQUE)');
    const load = (): unknown => db.bulkLoad('t', [[1, 'prefix__a'], [2, 'prefix__b'], [3, 'prefix__a']]);
    expect(load).toThrow(DecentDBError);
    expect(query(db, 'SELECT COUNT(*) FROM t')).toEqual([[0]]);
    db.bulkLoad('t', [[1, 'prefix__a'], [2, 'prefix__b'], [3, null], [4, null]]);
    expect(() => db.bulkLoad('t', [[5, 'prefix__b']])).toThrow(DecentDBError);
    expect(query(db, 'SELECT COUNT(*) FROM t')).toEqual([[4]]);
    db.close();
  });

  it('merges batches with the entries already in the index', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id INT PRIMARY KEY, k INT, s TEXT); CREATE INDEX t_k ON t (k); CREATE INDEX t_s ON t (s)');
    const n = 3000;
    const gen = function* (from: number, to: number): Generator<unknown[]> {
      for (let i = from; i < to; i++) yield [i, (i * 7919) % 101, `v${(i * 31) % 257}`];
    };
    db.bulkLoad('t', gen(0, n / 2), { batchSize: 400 });
    db.bulkLoad('t', gen(n / 2, n), { batchSize: 700 });
    db.exec('INSERT INTO t VALUES (-5, 3, NULL)');
    for (const k of [0, 3, 100]) {
      const want = Array.from({ length: n }, (_, i) => i).filter((i) => (i * 7919) % 101 === k);
      if (k === 3) want.unshift(-5);
      expect(query(db, `SELECT id FROM t WHERE k = ${k} ORDER BY id`).flat()).toEqual(want);
    }
    expect(query(db, "SELECT COUNT(*) FROM t WHERE s = 'v5'")).toEqual([[Array.from({ length: n }, (_, i) => i).filter((i) => (i * 31) % 257 === 5).length]]);
    expect(query(db, "EXPLAIN SELECT id FROM t WHERE s = 'v5'").flat().join('\n')).toContain('t_s');
    db.close();
  });
});

describe('bulkLoad beyond the spill budget', () => {
  // 200k rows of ~130 bytes: the dirty set passes the pager's 16 MiB spill budget mid-load.
  const N = 200_000;
  const gen = function* (): Generator<unknown[]> {
    for (let i = 1; i <= N; i++) yield [i, (i * 7919) % 1009, `${'x'.repeat(100)} ${i}`];
  };
  const schema = 'CREATE TABLE t (id INT PRIMARY KEY, k INT, s TEXT); CREATE INDEX t_k ON t (k)';

  it('spills to the WAL, commits and reopens intact', () => {
    const vfs = new MemoryVfs();
    let db = Database.open('spill.ddb', { vfs });
    db.exec(schema);
    const before = db.stats().spilledPages;
    db.bulkLoad('t', gen());
    expect(db.stats().spilledPages).toBeGreaterThan(before + 1000);
    db.close();
    db = Database.open('spill.ddb', { vfs });
    expect(query(db, 'SELECT COUNT(*), SUM(id) FROM t')).toEqual([[N, (N * (N + 1)) / 2]]);
    const want = Array.from({ length: N }, (_, i) => i + 1).filter((i) => (i * 7919) % 1009 === 17);
    expect(query(db, 'SELECT id FROM t WHERE k = 17 ORDER BY id').flat()).toEqual(want);
    expect(query(db, `SELECT s FROM t WHERE id = ${N}`)).toEqual([[`${'x'.repeat(100)} ${N}`]]);
    db.close();
  });

  it('rolls a spilled load back with its transaction', () => {
    const db = Database.open(':memory:');
    db.exec(schema);
    db.exec('BEGIN');
    db.bulkLoad('t', gen());
    expect(query(db, 'SELECT COUNT(*) FROM t WHERE k = 17')).toEqual([[Array.from({ length: N }, (_, i) => i + 1).filter((i) => (i * 7919) % 1009 === 17).length]]);
    db.exec('ROLLBACK');
    expect(query(db, 'SELECT COUNT(*) FROM t')).toEqual([[0]]);
    expect(query(db, 'SELECT COUNT(*) FROM t WHERE k = 17')).toEqual([[0]]);
    db.close();
  });
});
