/**
 * Page-image recycling (page-cache.ts `recycle`, pager.ts `quiesce`) seen through SQL: with an
 * 8-page cache every statement evicts, so evicted images are reused for other pages all the
 * time. Whatever is still open — autocommit iterators part-way through, an iterator over a
 * write transaction, even one left open across its COMMIT — must go on reading the bytes it
 * started with, and decoded views of reused images must never be served again. Checked against
 * a model with snapshot semantics for each open iterator (range and full-table scans; the
 * rings of large scans are tested in scan-ring-sql.test.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../../src/index.js';
import { incompressibleText as text, memoryDb, rows } from '../sql/sql-helpers.js';

type Row = [number, number, string];

interface OpenIter {
  readonly it: Iterator<unknown[]>;
  readonly expected: Row[];
  pos: number;
}

const opArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('lookup' as const), id: fc.integer({ min: 1, max: 160 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('byGroup' as const), g: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), from: fc.integer({ min: 1, max: 160 }), take: fc.integer({ min: 1, max: 6 }), full: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const), which: fc.nat(3), take: fc.integer({ min: 1, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), which: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 1, max: 160 }), g: fc.integer({ min: 0, max: 7 }), len: fc.integer({ min: 10, max: 700 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 160 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('txn' as const), ids: fc.array(fc.integer({ min: 1, max: 160 }), { maxLength: 6 }), commit: fc.boolean(), keepOpen: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

describe('page-image recycling under SQL', () => {
  it('never lets an open reader, cursor or cached view see a reused image', () => {
    let reusedTotal = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 120 }), fc.integer({ min: 0, max: 1000 }), (ops, salt0) => {
        const db = memoryDb('CREATE TABLE t (id INTEGER PRIMARY KEY, g INT NOT NULL, v TEXT NOT NULL); CREATE INDEX t_g ON t (g)', { cacheSizeBytes: 8 * 4096 });
        const model = new Map<number, Row>();
        const upsert = db.prepare('INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET g = EXCLUDED.g, v = EXCLUDED.v');
        const del = db.prepare('DELETE FROM t WHERE id = $1');
        const lookup = db.prepare('SELECT id, g, v FROM t WHERE id = $1');
        const range = db.prepare('SELECT id, g, v FROM t WHERE id >= $1 ORDER BY id');
        const byGroup = db.prepare('SELECT id, g, v FROM t WHERE g = $1 ORDER BY id');
        // A full-table scan (LIKE prefilter over the stored bytes).
        const scan = db.prepare("SELECT id, g, v FROM t WHERE v LIKE '%:%' AND id + 0 >= $1");
        let salt = salt0;
        const write = (id: number, g: number, len: number): void => {
          const row: Row = [id, g, text(id, salt++, len)];
          upsert.run(row);
          model.set(id, row);
        };
        for (let id = 1; id <= 120; id++) write(id, id % 8, 200 + (id * 37) % 400);
        const sorted = (): Row[] => [...model.values()].sort((a, b) => a[0] - b[0]);
        const iters: OpenIter[] = [];
        const step = (o: OpenIter, take: number): void => {
          for (let k = 0; k < take; k++) {
            const r = o.it.next();
            if (r.done === true) {
              expect(o.pos).toBe(o.expected.length);
              iters.splice(iters.indexOf(o), 1);
              return;
            }
            expect(r.value).toEqual(o.expected[o.pos++]);
          }
        };
        for (const op of ops) {
          switch (op.kind) {
            case 'lookup': {
              const got = lookup.get([op.id], 'array');
              expect(got).toEqual(model.get(op.id));
              break;
            }
            case 'byGroup':
              expect(rows(db, 'SELECT id, g, v FROM t WHERE g = $1 ORDER BY id', [op.g])).toEqual(sorted().filter((r) => r[1] === op.g));
              expect(byGroup.all([op.g], 'array')).toEqual(sorted().filter((r) => r[1] === op.g));
              break;
            case 'open': {
              if (iters.length >= 3) break;
              const it = (op.full ? scan : range).iterate([op.from], 'array') as Iterator<unknown[]>;
              const o: OpenIter = { it, expected: sorted().filter((r) => r[0] >= op.from), pos: 0 };
              iters.push(o);
              step(o, op.take); // a statement's snapshot is taken at its first row, not at iterate()
              break;
            }
            case 'step': {
              const o = iters[op.which % Math.max(1, iters.length)];
              if (o !== undefined) step(o, op.take);
              break;
            }
            case 'close': {
              const o = iters[op.which % Math.max(1, iters.length)];
              if (o !== undefined) {
                o.it.return?.();
                iters.splice(iters.indexOf(o), 1);
              }
              break;
            }
            case 'upsert':
              write(op.id, op.g, op.len);
              break;
            case 'delete':
              del.run([op.id]);
              model.delete(op.id);
              break;
            case 'txn': {
              const before = new Map(model);
              db.exec('BEGIN');
              for (const id of op.ids) write(id, (id * 3) % 8, 100 + (id * 53) % 500);
              for (const id of op.ids) expect(lookup.get([id], 'array')).toEqual(model.get(id));
              // An iterator over the write transaction, part-read; maybe left open past COMMIT.
              const inTxn: OpenIter = { it: range.iterate([1], 'array') as Iterator<unknown[]>, expected: sorted(), pos: 0 };
              for (let k = 0; k < 3; k++) {
                const r = inTxn.it.next();
                if (r.done === true) break;
                expect(r.value).toEqual(inTxn.expected[inTxn.pos++]);
              }
              if (!op.keepOpen) inTxn.it.return?.();
              db.exec(op.commit ? 'COMMIT' : 'ROLLBACK');
              if (!op.commit) {
                model.clear();
                for (const [k, v] of before) model.set(k, v);
              }
              if (op.keepOpen) {
                // Other statements evict (and could reuse) pages meanwhile.
                for (let id = 1; id <= 40; id++) expect(lookup.get([id], 'array')).toEqual(model.get(id));
                // Its transaction is over: it either goes on with rows of that transaction's
                // state, exactly, or stops with ERR_TRANSACTION; never anything else.
                try {
                  for (let r = inTxn.it.next(); r.done !== true; r = inTxn.it.next()) expect(r.value).toEqual(inTxn.expected[inTxn.pos++]);
                  expect(inTxn.pos).toBe(inTxn.expected.length);
                } catch (e) {
                  expect(e).toBeInstanceOf(DecentDBError);
                  expect((e as DecentDBError).code).toBe('ERR_TRANSACTION');
                }
              }
              break;
            }
            case 'checkpoint':
              db.checkpoint();
              break;
          }
        }
        for (const o of [...iters]) step(o, 1000);
        expect(rows(db, 'SELECT id, g, v FROM t ORDER BY id')).toEqual(sorted());
        expect(scan.all([0], 'array')).toEqual(sorted());
        // Every iterator is closed now: no reader or hold may be left behind, so lookups that
        // evict must reuse images again.
        const before = db.stats();
        for (let round = 0; round < 2; round++) for (let id = 1; id <= 160; id++) expect(lookup.get([id], 'array')).toEqual(model.get(id));
        const after = db.stats();
        if (after.cacheEvictions - before.cacheEvictions >= 2) expect(after.imagesReused).toBeGreaterThan(before.imagesReused);
        reusedTotal += after.imagesReused;

        db.close();
      }),
      { numRuns: 60 },
    );
    // The property is only meaningful if images really were reused.
    expect(reusedTotal).toBeGreaterThan(1000);
  });
});
