/**
 * Spilled frames rewritten in place (write-transaction.ts invariant 6, wal.ts invariant 4)
 * against a model: random large transactions under a 1–3 page spill budget, nested savepoints,
 * release, rollbackTo, whole-transaction rollback, commits, checkpoints and a snapshot reader,
 * on checksummed and native (unchecksummed) WALs, ending in a crash. After every step the
 * writer and the reader see their model state; the transaction's WAL never holds more frames
 * than pages it wrote (times one plus the savepoints taken); the reopened database holds
 * exactly the last commit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pager, ReadTransaction, WriteTransaction } from '../../src/pager/index.js';
import { FaultyVfs, MemoryVfs } from '../../src/vfs/index.js';
import { WAL_HEADER_SIZE, encodeWalHeader, openPager, pageFrameSize } from '../../src/wal/index.js';
import { stamp, tagOf } from '../crash/page-stamp.js';

const PAGE = 1024;
const FRAME = pageFrameSize(PAGE);
const PAGES = 24;

type Op =
  | { readonly kind: 'write'; readonly page: number; readonly count: number }
  | { readonly kind: 'spill' }
  | { readonly kind: 'savepoint' }
  | { readonly kind: 'release' | 'rollbackTo'; readonly depth: number }
  | { readonly kind: 'commit' | 'rollback' | 'checkpoint' | 'reader' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('write' as const), page: fc.nat(PAGES - 1), count: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 5, arbitrary: fc.constant({ kind: 'spill' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'savepoint' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), depth: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), depth: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reader' as const }) },
);

/** Replaces the database's (empty) WAL by an empty native one: no checksum flag. */
function makeNative(vfs: FaultyVfs): void {
  const header = new Uint8Array(WAL_HEADER_SIZE);
  encodeWalHeader({ pageSize: PAGE, endOffset: 0, flags: 0, salt: 0 }, header);
  const f = vfs.open('a.ddb-wal', { mode: 'create' });
  f.write(header, 0);
  f.sync();
  f.close();
}

interface Txn {
  w: WriteTransaction;
  written: Set<number>;
  savepointsTaken: number;
  walAtBegin: number;
}

describe('spill rewrites against a model', () => {
  it('keep every state, every savepoint image and the last commit; bound the WAL per transaction', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 10, maxLength: 120, size: 'max' }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.nat(1000),
        (ops, budgetPages, native, seed) => {
          const vfs = new FaultyVfs(new MemoryVfs(), { seed: seed + 1 });
          const options = { pageSize: PAGE, spillBudgetBytes: budgetPages * PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 };
          let pager: Pager = openPager(vfs, 'a.ddb', options);
          let w = pager.beginWrite();
          for (let i = 0; i < PAGES; i++) stamp(w, w.allocate(), 1);
          w.commit();
          if (native) {
            pager.checkpoint();
            pager.close();
            makeNative(vfs);
            pager = openPager(vfs, 'a.ddb', options);
          }
          let committed = new Map<number, number>();
          for (let p = 2; p <= PAGES + 1; p++) committed.set(p, 1);
          let model = new Map(committed);
          let stack: { id: number; state: Map<number, number> }[] = [];
          let reader: { r: ReadTransaction; state: Map<number, number> } | null = null;
          let tag = 1;
          const begin = (): Txn => ({ w: pager.beginWrite(), written: new Set(), savepointsTaken: 0, walAtBegin: pager.stats.walBytes });
          let txn = begin();
          const walBound = (): void => {
            const frames = (pager.stats.walBytes - txn.walAtBegin) / FRAME;
            expect(frames).toBeLessThanOrEqual(txn.written.size * (1 + txn.savepointsTaken));
          };
          for (const op of ops) {
            w = txn.w;
            switch (op.kind) {
              case 'write':
                tag++;
                for (let k = 0; k < op.count; k++) {
                  const p = 2 + ((op.page + k * 5) % PAGES);
                  stamp(w, p, tag);
                  model.set(p, tag);
                  txn.written.add(p);
                }
                break;
              case 'spill':
                w.spillSafePoint();
                walBound();
                break;
              case 'savepoint':
                stack.push({ id: w.savepoint(), state: new Map(model) });
                txn.savepointsTaken++;
                break;
              case 'release':
              case 'rollbackTo': {
                if (stack.length === 0) break;
                const i = Math.max(0, stack.length - 1 - op.depth);
                if (op.kind === 'release') {
                  w.release(stack[i]!.id);
                  stack.length = i;
                } else {
                  w.rollbackTo(stack[i]!.id);
                  stack.length = i + 1;
                  model = new Map(stack[i]!.state);
                }
                break;
              }
              case 'commit':
              case 'rollback':
                if (op.kind === 'commit') {
                  w.commit();
                  committed = new Map(model);
                } else {
                  w.rollback();
                  model = new Map(committed);
                }
                stack = [];
                txn = begin();
                break;
              case 'checkpoint':
                // A checkpoint needs no writer: commit what there is first.
                w.commit();
                committed = new Map(model);
                stack = [];
                pager.checkpoint();
                txn = begin();
                break;
              case 'reader':
                reader?.r.end();
                reader = { r: pager.beginRead(), state: new Map(committed) };
                break;
            }
            for (const [p, t] of model) expect(tagOf(txn.w, p)).toBe(t);
            if (reader !== null) for (const [p, t] of reader.state) expect(tagOf(reader.r, p)).toBe(t);
          }
          // Every savepoint still open restores its state exactly, innermost first.
          for (let i = stack.length - 1; i >= 0; i--) {
            txn.w.rollbackTo(stack[i]!.id);
            for (const [p, t] of stack[i]!.state) expect(tagOf(txn.w, p)).toBe(t);
          }
          if (stack.length > 0) model = new Map(stack[0]!.state);
          txn.w.spillSafePoint();
          txn.w.commit();
          committed = model;
          // Durability 'full': a crash keeping any subset of unsynced writes loses nothing.
          vfs.crash({ keep: 'random' });
          const again = openPager(vfs, 'a.ddb', options);
          const r = again.beginRead();
          for (const [p, t] of committed) expect(tagOf(r, p)).toBe(t);
          r.end();
          again.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
