import { describe, expect, it } from 'vitest';
import { DecentDBError, writeU16, writeU32 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';
import { readOverflowChain, writeOverflowChain } from './overflow.js';

function expectCorrupt(fn: () => unknown, pageNo?: number): DecentDBError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DecentDBError);
  const d = err as DecentDBError;
  expect(d.code).toBe('ERR_CORRUPTION');
  if (pageNo !== undefined) expect(d.details?.['pageNo']).toBe(pageNo);
  return d;
}

/** A committed tree of a few leaves under one internal root, on 256-byte pages. */
function smallTree(): { s: MemoryPageStore; t: BTree } {
  const s = new MemoryPageStore(256);
  const t = BTree.create(s);
  for (let i = 0; i < 60; i++) t.insert(i, new Uint8Array(20).fill(i));
  s.commit();
  return { s, t };
}

const allReads = (t: BTree): void => {
  const c = t.cursor();
  for (let ok = c.first(); ok; ok = c.next()) c.value();
};

describe('corrupt pages give ERR_CORRUPTION with the page id', () => {
  it('bad page type', () => {
    const { s, t } = smallTree();
    s.write(t.root)[0] = 7;
    expectCorrupt(() => t.get(1), t.root);
  });

  it('cell count larger than the page can hold', () => {
    const { s, t } = smallTree();
    writeU16(s.write(t.root), 2, 4000);
    expectCorrupt(() => t.get(1), t.root);
  });

  it('cell count running past the cells (truncated varint at page end)', () => {
    const s = new MemoryPageStore(256);
    const root = s.allocate();
    const img = s.write(root);
    img[0] = 2;
    img[1] = 1;
    writeU16(img, 2, 1);
    img.fill(0xff, 8);
    expectCorrupt(() => new BTree(s, root).get(1), root);
  });

  it('value length running past the page', () => {
    const s = new MemoryPageStore(256);
    const root = s.allocate();
    const img = s.write(root);
    img[0] = 2;
    img[1] = 1;
    writeU16(img, 2, 1);
    img[8] = 1;
    img[9] = 0xfe;
    img[10] = 0x07;
    expectCorrupt(() => new BTree(s, root).get(1), root);
  });

  it('child page id out of range', () => {
    const { s, t } = smallTree();
    const img = s.write(t.root);
    expect(img[0]).toBe(1);
    writeU32(img, 4, 9999);
    expectCorrupt(() => t.get(1000), t.root);
    expectCorrupt(() => checkTree(s, t.root), t.root);
  });

  it('leaf chain loop (empty leaves and full ones)', () => {
    const { s, t } = smallTree();
    const c = t.cursor();
    c.first();
    const first = (c as unknown as { pageNo: number }).pageNo;
    // last leaf points back to the first
    let last = first;
    for (let ok = true; ok; ok = c.next()) last = (c as unknown as { pageNo: number }).pageNo;
    writeU32(s.write(last), 4, first);
    expectCorrupt(() => allReads(t));
    expectCorrupt(() => checkTree(s, t.root), last);
    // two empty leaves pointing at each other
    const a = s.allocate();
    const b = s.allocate();
    for (const [p, n] of [[a, b], [b, a]] as const) {
      const img = s.write(p);
      img[0] = 2;
      img[1] = 1;
      writeU32(img, 4, n);
    }
    const e = new BTree(s, a);
    expectCorrupt(() => e.cursor().first());
    expectCorrupt(() => e.lastKey() ?? e.get(5));
  });

  it('internal page cycle', () => {
    const { s, t } = smallTree();
    const img = s.write(t.root);
    writeU32(img, 4, t.root);
    expectCorrupt(() => t.get(1_000_000));
    expectCorrupt(() => t.stats());
    expectCorrupt(() => checkTree(s, t.root));
  });

  it('overflow loop, bad chunk length, early end', () => {
    const s = new MemoryPageStore(256);
    const head = writeOverflowChain(s, new Uint8Array(1000));
    let p = head;
    const pages: number[] = [];
    for (let i = 0; i < 4; i++) {
      pages.push(p);
      p = s.read(p)[0]! | (s.read(p)[1]! << 8);
    }
    expect(readOverflowChain(s, head).length).toBe(1000);
    expect(readOverflowChain(s, head, 300).length).toBe(300);
    expectCorrupt(() => readOverflowChain(s, head, 5000), head);
    writeU32(s.write(pages[3]!), 0, pages[1]!);
    expectCorrupt(() => readOverflowChain(s, head));
    writeU32(s.write(pages[0]!), 4, 9999);
    expectCorrupt(() => readOverflowChain(s, head), pages[0]);
  });

  it('overflow head out of range in a leaf cell', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    t.insert(1, new Uint8Array(3000));
    // Committed first, so the damaged page is a fresh image (as read from a file): a writable
    // buffer the B+Tree itself just wrote keeps the view it built (page-view.ts).
    s.commit();
    const img = s.write(t.root);
    expect(img[9]! & 1).toBe(1);
    img[9] = 0x7f;
    expectCorrupt(() => t.get(1), t.root);
  });

  it('separator violation and depth mismatch are found by checkTree', () => {
    const { s, t } = smallTree();
    const leaf = t.cursor();
    leaf.first();
    const first = (leaf as unknown as { pageNo: number }).pageNo;
    const img = s.write(first);
    img[8] = 0x7f; // first key absolute: 127 > its separator
    expectCorrupt(() => checkTree(s, t.root), first);
  });

  it('fuzzed pages never throw anything but DecentDBError', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let round = 0; round < 300; round++) {
      const { s, t } = smallTree();
      const pageNo = 2 + (rnd() % (s.pageCount - 1));
      const img = s.write(pageNo);
      for (let j = 0; j < 1 + (rnd() % 6); j++) img[rnd() % 256] = rnd() & 0xff;
      try {
        allReads(t);
        checkTree(s, t.root);
        t.insert(rnd() % 100, new Uint8Array(5));
        t.delete(rnd() % 100);
      } catch (e) {
        expect(e).toBeInstanceOf(DecentDBError);
      }
    }
  });
});
