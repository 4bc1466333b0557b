/**
 * Pager savepoints against a model (a page → tag map per savepoint): nested savepoints,
 * release and rollbackTo in any order, with undo copies recycled through the writer's pool
 * (write-transaction.ts invariant 5), and spills in between. A reused undo buffer that was
 * still referenced would show up as a wrong page after some rollbackTo.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';
import { stamp, tagOf } from '../crash/page-stamp.js';

type Op =
  | { readonly kind: 'write'; readonly page: number; readonly tag: number }
  | { readonly kind: 'savepoint' }
  | { readonly kind: 'release'; readonly depth: number }
  | { readonly kind: 'rollbackTo'; readonly depth: number }
  | { readonly kind: 'spill' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), page: fc.integer({ min: 0, max: 7 }), tag: fc.integer({ min: 1, max: 1e6 }) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'savepoint' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), depth: fc.nat(4) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollbackTo' as const), depth: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'spill' as const }) },
);

describe('pager savepoints with pooled undo copies', () => {
  it('match a model through nested savepoints, releases, rollbacks and spills', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const pager = openPager(new MemoryVfs(), 'a.ddb', { spillBudgetBytes: 3 * 4096 });
        const w = pager.beginWrite();
        const pages: number[] = [];
        for (let i = 0; i < 8; i++) pages.push(w.allocate());
        let model = new Map<number, number>();
        for (const p of pages) {
          stamp(w, p, p);
          model.set(p, p);
        }
        const stack: { id: number; state: Map<number, number> }[] = [];
        for (const op of ops) {
          if (op.kind === 'write') {
            stamp(w, pages[op.page]!, op.tag);
            model.set(pages[op.page]!, op.tag);
          } else if (op.kind === 'savepoint') {
            stack.push({ id: w.savepoint(), state: new Map(model) });
          } else if (op.kind === 'spill') {
            w.spillSafePoint();
          } else if (stack.length > 0) {
            const i = Math.max(0, stack.length - 1 - op.depth);
            if (op.kind === 'release') {
              w.release(stack[i]!.id);
              stack.length = i;
            } else {
              w.rollbackTo(stack[i]!.id);
              stack.length = i + 1;
              model = new Map(stack[i]!.state);
            }
          }
          for (const [p, tag] of model) expect(tagOf(w, p)).toBe(tag);
        }
        // Every savepoint still open can be rolled back to, innermost first, exactly.
        for (let i = stack.length - 1; i >= 0; i--) {
          w.rollbackTo(stack[i]!.id);
          for (const [p, tag] of stack[i]!.state) expect(tagOf(w, p)).toBe(tag);
        }
        w.commit();
        const r = pager.beginRead();
        const final = stack.length > 0 ? stack[0]!.state : model;
        for (const [p, tag] of final) expect(tagOf(r, p)).toBe(tag);
        r.end();
        pager.close();
      }),
      { numRuns: 300 },
    );
  });

  it('pools a record shared by several released savepoints once', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    const w = pager.beginWrite();
    const a = w.allocate();
    const b = w.allocate();
    stamp(w, a, 1);
    stamp(w, b, 2);
    const s1 = w.savepoint();
    w.savepoint();
    stamp(w, a, 3); // one record of a, shared by both savepoints
    w.release(s1);
    const s3 = w.savepoint();
    stamp(w, a, 4);
    stamp(w, b, 5); // a duplicated pool entry would give a's and b's undo copies one buffer
    w.rollbackTo(s3);
    expect([tagOf(w, a), tagOf(w, b)]).toEqual([3, 2]);
    w.rollback();
    pager.close();
  });

  it('reuses undo buffers across statement savepoints (no new copy per statement once warm)', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    const w = pager.beginWrite();
    const a = w.allocate();
    const b = w.allocate();
    stamp(w, a, 1);
    stamp(w, b, 1);
    const pool = (w as unknown as { undoPool: Uint8Array[] }).undoPool;
    for (let i = 2; i < 50; i++) {
      const sp = w.savepoint();
      stamp(w, a, i);
      stamp(w, b, i);
      if (i % 7 === 0) {
        w.rollbackTo(sp);
        expect([tagOf(w, a), tagOf(w, b)]).toEqual([i - 1, i - 1]);
        stamp(w, a, i);
        stamp(w, b, i);
      }
      w.release(sp);
      expect(pool.length).toBeLessThanOrEqual(2);
    }
    expect(pool.length).toBe(2);
    w.commit();
    pager.close();
  });
});
