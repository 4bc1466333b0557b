import { describe, expect, it } from 'vitest';
import { writeU32 } from '../util/index.js';
import { type FreelistHost, allocateFromFreelist, freeToFreelist, trunkCapacity, walkFreelist } from './freelist.js';

const PAGE = 1024;

class Host implements FreelistHost {
  readonly pageSize = PAGE;
  pages = new Map<number, Uint8Array>();
  freelistHead = 0;
  freelistCount = 0;
  constructor(public pageCount: number) {}
  readPage(n: number): Uint8Array {
    return this.pages.get(n) ?? new Uint8Array(PAGE);
  }
  writePage(n: number): Uint8Array {
    let p = this.pages.get(n);
    if (p === undefined) this.pages.set(n, (p = new Uint8Array(PAGE)));
    return p;
  }
  walk() {
    return walkFreelist(this.freelistHead, this.pageCount, PAGE, (n) => this.readPage(n));
  }
}

describe('freelist', () => {
  it('allocates LIFO, then reuses emptied trunks, then reports empty', () => {
    const h = new Host(10);
    for (const n of [3, 4, 5]) freeToFreelist(h, n);
    // 3 became the trunk; 4 and 5 are entries
    expect(h.freelistHead).toBe(3);
    expect(h.freelistCount).toBe(2);
    expect(h.walk()).toEqual({ freeCount: 2, trunkCount: 1 });
    expect(allocateFromFreelist(h)).toBe(5);
    expect(allocateFromFreelist(h)).toBe(4);
    expect(allocateFromFreelist(h)).toBe(3);
    expect(h.freelistHead).toBe(0);
    expect(allocateFromFreelist(h)).toBe(0);
  });

  it('chains a new trunk when the head is full and walks the chain', () => {
    const cap = trunkCapacity(PAGE);
    const h = new Host(cap + 100);
    const freed: number[] = [];
    for (let n = 2; n < cap + 10; n++) {
      freeToFreelist(h, n);
      freed.push(n);
    }
    const w = h.walk();
    expect(w.trunkCount).toBe(2);
    expect(w.freeCount + w.trunkCount).toBe(freed.length);
    expect(w.freeCount).toBe(h.freelistCount);
    const got = new Set<number>();
    for (let n = allocateFromFreelist(h); n !== 0; n = allocateFromFreelist(h)) got.add(n);
    expect(got).toEqual(new Set(freed));
  });

  it('detects a cycle in the chain instead of looping', () => {
    const h = new Host(10);
    writeU32(h.writePage(3), 0, 4);
    writeU32(h.writePage(4), 0, 3);
    h.freelistHead = 3;
    expect(() => h.walk()).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', message: expect.stringMatching(/cycle/) }));
  });

  it('rejects out-of-range ids, counts and duplicates with the trunk page id', () => {
    const h = new Host(10);
    h.freelistHead = 3;
    writeU32(h.writePage(3), 4, 1);
    writeU32(h.writePage(3), 8, 99);
    expect(() => h.walk()).toThrow(/page 3: free page id 99 out of range/);
    writeU32(h.writePage(3), 8, 5);
    writeU32(h.writePage(3), 4, 100000);
    expect(() => h.walk()).toThrow(/page 3: freelist trunk count/);
    writeU32(h.writePage(3), 4, 2);
    writeU32(h.writePage(3), 12, 5);
    expect(() => h.walk()).toThrow(/listed twice/);
    h.freelistHead = 42;
    expect(() => h.walk()).toThrow(/page 1: freelist page id 42 out of range/);
    expect(() => allocateFromFreelist(h)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
  });
});
