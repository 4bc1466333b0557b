import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryVfs } from '../vfs/index.js';
import type { Vfs, VfsFile, OpenFlags } from '../vfs/index.js';
import { DecentDBError } from '../util/index.js';
import { ExternalSorter } from './external-sort.js';
import type { RowCodec } from './external-sort.js';
import { rowCodec } from './row-codec.js';
import type { Value } from '../record/index.js';

interface Row {
  key: number;
  seq: number;
  pad: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const codec: RowCodec<Row> = {
  encode: (r) => enc.encode(JSON.stringify(r)),
  decode: (b) => JSON.parse(dec.decode(b)) as Row,
};
const byKey = (a: Row, b: Row): number => a.key - b.key;

function sorter(vfs: Vfs, budget: number, fanIn: number, bufferBytes = 256): ExternalSorter<Row> {
  let n = 0;
  return new ExternalSorter<Row>({ compare: byKey, codec, vfs, tempPath: () => `/tmp/sort-${n++}.run`, memoryBudgetBytes: budget, fanIn, bufferBytes, rowOverheadBytes: 0 });
}

function rows(keys: readonly number[], pad = ''): Row[] {
  return keys.map((key, seq) => ({ key, seq, pad }));
}

function expectedPasses(runs: number, fanIn: number): number {
  let passes = 1;
  while (runs > fanIn) {
    runs = Math.ceil(runs / fanIn);
    passes++;
  }
  return passes;
}

describe('ExternalSorter', () => {
  it('sorts in memory without touching the Vfs when the budget is not exceeded', () => {
    const vfs = new MemoryVfs();
    const s = sorter(vfs, 1 << 20, 4);
    for (const r of rows([3, 1, 2])) s.add(r);
    expect([...s.finish()].map((r) => r.key)).toEqual([1, 2, 3]);
    expect(s.stats).toMatchObject({ initialRuns: 0, runsWritten: 0, mergePasses: 0, bytesSpilled: 0 });
  });

  it('spills runs, merges in several passes with a small fan-in and deletes every temp file', () => {
    const vfs = new MemoryVfs();
    const input = rows(Array.from({ length: 500 }, (_, i) => (i * 7919) % 503));
    const rowBytes = codec.encode(input[0]!).length;
    const s = sorter(vfs, rowBytes * 20, 3);
    const created: string[] = [];
    for (const r of input) {
      s.add(r);
      for (const p of s.tempFiles) if (!created.includes(p)) created.push(p);
    }
    const out = [...s.finish()];
    expect(out).toEqual([...input].sort(byKey));
    expect(s.stats.initialRuns).toBeGreaterThan(9);
    expect(s.stats.mergePasses).toBe(expectedPasses(s.stats.initialRuns, 3));
    expect(s.stats.mergePasses).toBeGreaterThanOrEqual(3);
    expect(s.stats.bytesSpilled).toBeGreaterThan(500 * rowBytes);
    expect(s.tempFiles).toEqual([]);
    for (const p of created) expect(vfs.exists(p)).toBe(false);
    for (let i = 0; i < 200; i++) expect(vfs.exists(`/tmp/sort-${i}.run`)).toBe(false);
  });

  it('matches a stable Array.sort for random input, budgets and fan-ins', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 8, max: 128 }),
        (keys, budget, fanIn, bufferBytes) => {
          const vfs = new MemoryVfs();
          const s = sorter(vfs, budget, fanIn, bufferBytes);
          const input = rows(keys, 'x'.repeat(keys.length % 7));
          for (const r of input) s.add(r);
          const out = [...s.finish()];
          expect(out).toEqual([...input].sort(byKey));
          expect(s.stats.mergePasses).toBe(s.stats.initialRuns === 0 ? 0 : expectedPasses(s.stats.initialRuns, fanIn));
          for (let i = 0; i < s.stats.runsWritten; i++) expect(vfs.exists(`/tmp/sort-${i}.run`)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('handles rows larger than the read buffer', () => {
    const vfs = new MemoryVfs();
    const s = sorter(vfs, 2000, 2, 16);
    const input = rows([5, 3, 9, 1, 7, 2], 'y'.repeat(900));
    for (const r of input) s.add(r);
    expect([...s.finish()].map((r) => r.key)).toEqual([1, 2, 3, 5, 7, 9]);
    expect(s.stats.initialRuns).toBeGreaterThan(1);
  });

  it('deletes temp files when iteration stops early or close() is called', () => {
    const vfs = new MemoryVfs();
    const s = sorter(vfs, 200, 2);
    for (const r of rows(Array.from({ length: 100 }, (_, i) => 100 - i))) s.add(r);
    const it = s.finish();
    expect(it.next().value?.key).toBe(1);
    expect(s.tempFiles.length).toBeGreaterThan(0);
    it.return?.();
    expect(s.tempFiles).toEqual([]);

    const t = sorter(vfs, 200, 2);
    for (const r of rows(Array.from({ length: 50 }, (_, i) => i))) t.add(r);
    const files = [...t.tempFiles];
    expect(files.length).toBeGreaterThan(0);
    t.close();
    for (const p of files) expect(vfs.exists(p)).toBe(false);
    expect(() => t.add({ key: 1, seq: 0, pad: '' })).toThrow(DecentDBError);
  });

  it('cleans up and reports the failure when the Vfs fails mid-merge', () => {
    const inner = new MemoryVfs();
    let writes = 0;
    const failing: Vfs = {
      open(path: string, flags: OpenFlags): VfsFile {
        const f = inner.open(path, flags);
        return {
          read: (b, o) => f.read(b, o),
          write: (b, o) => {
            if (++writes === 40) throw new DecentDBError('ERR_IO', 'disk full');
            f.write(b, o);
          },
          size: () => f.size(),
          truncate: (n) => f.truncate(n),
          sync: () => f.sync(),
          close: () => f.close(),
        };
      },
      delete: (p) => inner.delete(p),
      exists: (p) => inner.exists(p),
    };
    const s = sorter(failing, 100, 2, 64);
    expect(() => {
      for (const r of rows(Array.from({ length: 400 }, (_, i) => (i * 31) % 97))) s.add(r);
      [...s.finish()];
    }).toThrow('disk full');
    for (let i = 0; i < 200; i++) expect(inner.exists(`/tmp/sort-${i}.run`)).toBe(false);
  });

  it('merges pre-sorted runs (addSortedRun) like a stable sort, in several passes, with the row codec', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.option(fc.string({ maxLength: 6 }), { nil: null }), fc.integer({ min: -3, max: 3 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 8, max: 64 }),
        (raw, chunk, fanIn, bufferBytes) => {
          const vfs = new MemoryVfs();
          let n = 0;
          const cmp = (a: Value[], b: Value[]): number => (a[1] as number) - (b[1] as number);
          const s = new ExternalSorter<Value[]>({ compare: cmp, codec: rowCodec(), vfs, tempPath: () => `/tmp/r-${n++}`, fanIn, bufferBytes });
          const input: Value[][] = raw.map(([t, k], i) => [t, k, i]);
          for (let i = 0; i < input.length; i += chunk) s.addSortedRun(input.slice(i, i + chunk).sort(cmp));
          const out = [...s.finish()];
          expect(out).toEqual([...input].sort(cmp));
          expect(s.stats.initialRuns).toBe(Math.ceil(input.length / chunk));
          if (s.stats.initialRuns > 0) expect(s.stats.mergePasses).toBe(expectedPasses(s.stats.initialRuns, fanIn));
          for (let i = 0; i < n; i++) expect(vfs.exists(`/tmp/r-${i}`)).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a corrupt run record as ERR_IO and removes its files', () => {
    const vfs = new MemoryVfs();
    let n = 0;
    const s = new ExternalSorter<Value[]>({ compare: (a, b) => (a[0] as number) - (b[0] as number), codec: rowCodec(), vfs, tempPath: () => `/tmp/c-${n++}` });
    s.addSortedRun([[1], [2]]);
    s.addSortedRun([[0], [3]]);
    const f = vfs.open('/tmp/c-0', { mode: 'open' });
    f.write(new Uint8Array([0xff, 0xff, 0, 0]), 0);
    f.close();
    expect(() => [...s.finish()]).toThrow(/overruns/);
    expect(vfs.exists('/tmp/c-0') || vfs.exists('/tmp/c-1')).toBe(false);
  });
});
