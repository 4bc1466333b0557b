/**
 * CREATE INDEX on a table too big for memory: (trigram, rowid) pairs spill through the external
 * sort (src/exec/external-sort.ts over a MemoryVfs) and stream into buildFromSortedPairs; the tree
 * must equal the in-memory TrigramIndexBuilder's, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { BTree, MemoryPageStore } from '../../src/btree/index.js';
import { ExternalSorter } from '../../src/exec/external-sort.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import { TrigramExtractor, TrigramIndexBuilder, buildFromSortedPairs, compareTrigramPairs, trigramPairCodec } from '../../src/trigram/index.js';
import type { TrigramPair } from '../../src/trigram/index.js';
import { toHex } from '../../src/util/index.js';

function dump(store: MemoryPageStore, root: number): string[] {
  const c = new BTree(store, root).cursor();
  const out: string[] = [];
  for (let ok = c.first(); ok; ok = c.next()) out.push(`${String(c.key)}:${toHex(c.value())}`);
  return out;
}

describe('external trigram build', () => {
  it('spills pairs through the external sort and builds the same tree as the in-memory builder', () => {
    const words = ['love', 'night', 'blue', 'rock', 'the', 'dream', 'heaven', 'girl', 'Ω', 'çà', '中文', '😀'];
    const rows: [number | bigint, string][] = [];
    for (let r = 1; r <= 3000; r++) rows.push([r, `${words[r % 12]} ${words[(r * 7) % 12]} ${words[(r * 13) % 11]} ${r % 97}`]);
    rows.push([2n ** 60n, 'big rowid love']);

    const a = new MemoryPageStore();
    const b = new TrigramIndexBuilder();
    for (const [r, s] of rows) b.add(r, s);
    const rootA = b.build(a);

    const vfs = new MemoryVfs();
    let n = 0;
    const sorter = new ExternalSorter<TrigramPair>({
      compare: compareTrigramPairs,
      codec: trigramPairCodec,
      vfs,
      tempPath: () => `/tmp/trigram-${n++}.run`,
      memoryBudgetBytes: 16 * 1024,
      fanIn: 4,
    });
    const x = new TrigramExtractor();
    for (const [r, s] of [...rows].reverse()) for (const t of x.extract(s)) sorter.add([t, r]);
    const s2 = new MemoryPageStore();
    const rootB = buildFromSortedPairs(s2, sorter.finish());
    expect(sorter.stats.initialRuns).toBeGreaterThan(4);
    expect(sorter.stats.mergePasses).toBeGreaterThan(1);
    expect(sorter.tempFiles).toEqual([]);
    expect(dump(s2, rootB)).toEqual(dump(a, rootA));
  });

  it('round-trips pairs through the spill codec', () => {
    for (const p of [[0, 0], [0xffffff, 2n ** 64n - 1n], [0x4c4f56, 123456789]] as TrigramPair[]) {
      expect(trigramPairCodec.decode(trigramPairCodec.encode(p))).toEqual(p);
    }
  });
});
