// A PageStore test double: page images in memory, implementing the contract of
// src/pager/page-store.ts exactly (immutable committed images, copy-on-write writable images,
// allocate/free with a freelist, commit/rollback/spillSafePoint), plus counters.
// Not a pager: no file, no cache bound, no WAL. Used by btree tests and other layers' tests.
import { DecentDBError, corrupt } from '../util/index.js';
import type { PageStore } from '../pager/index.js';

export interface MemoryPageStoreOptions {
  /** Fill a writable image with 0xEE once it stops being valid (catches stale use). */
  readonly poison?: boolean;
}

/**
 * In-memory PageStore with transaction semantics.
 * @internal
 * @example
 *   const store = new MemoryPageStore(4096);
 *   const n = store.allocate(); store.write(n)[0] = 2; store.commit();
 */
export class MemoryPageStore implements PageStore {
  readonly pageSize: number;
  /** Pages that exist, including page 1 (the header page). */
  pageCount: number;
  readonly counters = { reads: 0, writes: 0, copies: 0, allocations: 0, frees: 0, commits: 0 };
  private readonly committed: (Uint8Array | undefined)[] = [];
  private readonly dirty = new Map<number, Uint8Array>();
  private readonly freeSet = new Set<number>();
  private freeList: number[] = [];
  private savedFreeList: number[] = [];
  private savedPageCount: number;
  private readonly poison: boolean;

  constructor(pageSize = 4096, options: MemoryPageStoreOptions = {}) {
    this.pageSize = pageSize;
    this.poison = options.poison ?? false;
    this.committed[1] = new Uint8Array(pageSize);
    this.pageCount = 1;
    this.savedPageCount = 1;
  }

  /** Loads a database image (page N at byte (N-1) * pageSize), committed. */
  static fromImage(bytes: Uint8Array, pageSize = 4096, options: MemoryPageStoreOptions = {}): MemoryPageStore {
    const s = new MemoryPageStore(pageSize, options);
    const pages = Math.ceil(bytes.length / pageSize);
    for (let n = 1; n <= pages; n++) {
      const img = new Uint8Array(pageSize);
      img.set(bytes.subarray((n - 1) * pageSize, Math.min(bytes.length, n * pageSize)));
      s.committed[n] = img;
    }
    s.pageCount = Math.max(1, pages);
    s.savedPageCount = s.pageCount;
    return s;
  }

  read(pageNo: number): Uint8Array {
    this.counters.reads++;
    const d = this.dirty.get(pageNo);
    if (d !== undefined) return d;
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > this.pageCount) {
      throw corrupt(pageNo, `page id out of range 1..${this.pageCount}`);
    }
    return this.committed[pageNo] ?? this.zeroCommitted(pageNo);
  }

  write(pageNo: number): Uint8Array {
    this.counters.writes++;
    const d = this.dirty.get(pageNo);
    if (d !== undefined) return d;
    const img = this.read(pageNo).slice();
    this.counters.copies++;
    this.dirty.set(pageNo, img);
    return img;
  }

  allocate(): number {
    this.counters.allocations++;
    let n = this.freeList.pop();
    if (n === undefined) n = ++this.pageCount;
    else this.freeSet.delete(n);
    const old = this.dirty.get(n);
    if (old !== undefined && this.poison) old.fill(0xee);
    this.dirty.set(n, new Uint8Array(this.pageSize));
    return n;
  }

  free(pageNo: number): void {
    this.counters.frees++;
    if (pageNo < 2 || pageNo > this.pageCount) throw corrupt(pageNo, 'freeing a page id out of range');
    if (this.freeSet.has(pageNo)) throw new DecentDBError('ERR_INTERNAL', `page ${pageNo} freed twice`);
    this.freeSet.add(pageNo);
    this.freeList.push(pageNo);
  }

  /** Writable images become the committed ones; a fresh write() copies again. */
  commit(): void {
    this.counters.commits++;
    for (const [n, img] of this.dirty) {
      this.committed[n] = img.slice();
      if (this.poison) img.fill(0xee);
    }
    this.dirty.clear();
    this.savedFreeList = this.freeList.slice();
    this.savedPageCount = this.pageCount;
  }

  /** Drops every writable image and restores the freelist and page count. */
  rollback(): void {
    if (this.poison) for (const img of this.dirty.values()) img.fill(0xee);
    this.dirty.clear();
    this.freeList = this.savedFreeList.slice();
    this.freeSet.clear();
    for (const n of this.freeList) this.freeSet.add(n);
    this.pageCount = this.savedPageCount;
  }

  /**
   * Models a pager spill: writable images stay the pages' content but the buffers handed out
   * become invalid, so the next write() copies into a new buffer.
   */
  spillSafePoint(): void {
    for (const [n, img] of this.dirty) {
      const copy = img.slice();
      if (this.poison) img.fill(0xee);
      this.dirty.set(n, copy);
    }
  }

  /** The committed image of a page (what a reader snapshot taken now would see). */
  readCommitted(pageNo: number): Uint8Array {
    if (pageNo < 1 || pageNo > this.savedPageCount) throw corrupt(pageNo, `page id out of range 1..${this.savedPageCount}`);
    return this.committed[pageNo] ?? this.zeroCommitted(pageNo);
  }

  /** Pages currently on the freelist. */
  get freeCount(): number {
    return this.freeList.length;
  }

  /** The whole database as one byte image (committed pages only). */
  toImage(): Uint8Array {
    const out = new Uint8Array(this.savedPageCount * this.pageSize);
    for (let n = 1; n <= this.savedPageCount; n++) {
      const img = this.committed[n];
      if (img !== undefined) out.set(img, (n - 1) * this.pageSize);
    }
    return out;
  }

  private zeroCommitted(pageNo: number): Uint8Array {
    const img = new Uint8Array(this.pageSize);
    this.committed[pageNo] = img;
    return img;
  }
}

/** A read-only PageStore over the committed state of a MemoryPageStore (a reader snapshot). @internal */
export function committedView(store: MemoryPageStore): PageStore & { readonly pageCount: number } {
  const count = store.pageCount;
  return {
    pageSize: store.pageSize,
    pageCount: count,
    read: (n: number) => store.readCommitted(n),
    write: (n: number) => {
      throw new DecentDBError('ERR_INTERNAL', `write of page ${n} through a read-only view`);
    },
    allocate: () => {
      throw new DecentDBError('ERR_INTERNAL', 'allocate through a read-only view');
    },
    free: (n: number) => {
      throw new DecentDBError('ERR_INTERNAL', `free of page ${n} through a read-only view`);
    },
  };
}
