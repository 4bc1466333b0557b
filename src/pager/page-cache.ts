/**
 * PageCache: committed page images keyed by (page number, version LSN), bounded in bytes,
 * with a 2Q-style scan-resistant policy (ADR-0001). Images are immutable and shared, so there
 * is no pin/unpin: eviction only drops the cache's reference. Dirty pages never live here.
 *
 * Policy (Johnson & Shasha 2Q, with an LRU-K-style correlation window):
 *  - a miss enters the probation FIFO (A1in, ~25% of capacity);
 *  - a hit in probation, at least `correlationWindow` accesses after the load, promotes the
 *    entry to the protected LRU (Am); back-to-back re-reads (one scan touching a page twice)
 *    do not promote;
 *  - a page evicted from probation leaves a ghost (A1out, page number only, in a ring: the
 *    oldest ghost is forgotten in O(1)); a miss on a ghost loads straight into the protected LRU;
 *  - space is reclaimed from probation while it is over its share, else from the LRU tail.
 * A one-pass scan therefore only churns probation and never flushes the protected hot set.
 */

/** Retired and spare images kept at most (each list); more are left to the GC. */
export const RECYCLE_LIMIT = 64;

const reuseListeners: ((image: Uint8Array) => void)[] = [];

/** Registers `f` to be told about every image about to be reused for another page. */
export function onImageReuse(f: (image: Uint8Array) => void): void {
  reuseListeners.push(f);
}

class Entry {
  prev: Entry | null = null;
  next: Entry | null = null;
  /** Next version of the same page number (per-page chain). */
  sibling: Entry | null = null;
  protectedList = false;
  constructor(
    readonly pageNo: number,
    /** Version key; `rekey` moves a checkpointed image to the main-file key 0. */
    public lsn: number,
    readonly data: Uint8Array,
    /** Access tick of the load; -1 for a prefetched image not accessed yet. */
    public loadTick: number,
  ) {}
}

class List {
  head: Entry | null = null; // most recent
  tail: Entry | null = null; // least recent
  size = 0;
  pushFront(e: Entry): void {
    e.prev = null;
    e.next = this.head;
    if (this.head !== null) this.head.prev = e;
    else this.tail = e;
    this.head = e;
    this.size++;
  }
  remove(e: Entry): void {
    if (e.prev !== null) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
    this.size--;
  }
}

export interface PageCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Images handed out again by `newImage` (recycled instead of allocated). */
  reused: number;
}

export class PageCache {
  readonly capacityPages: number;
  readonly stats: PageCacheStats = { hits: 0, misses: 0, evictions: 0, reused: 0 };
  private readonly byPage = new Map<number, Entry>();
  private readonly probation = new List();
  private readonly protectedLru = new List();
  /** Ghost page number → its slot in `ghostRing` (a slot whose page maps elsewhere is stale). */
  private readonly ghosts = new Map<number, number>();
  /** Ghosts in eviction order; slot `ghostNext` holds the oldest once the ring is full. */
  private readonly ghostRing: Uint32Array;
  private ghostNext = 0;
  private readonly probationTarget: number;
  private tick = 0;
  private readonly retired: Uint8Array[] = [];
  private readonly spare: Uint8Array[] = [];

  constructor(
    capacityBytes: number,
    readonly pageSize: number,
    private readonly correlationWindow = 4,
  ) {
    this.capacityPages = Math.max(8, Math.floor(capacityBytes / pageSize));
    this.probationTarget = Math.max(1, Math.floor(this.capacityPages / 4));
    this.ghostRing = new Uint32Array(Math.max(1, Math.floor(this.capacityPages / 2)));
  }

  get size(): number {
    return this.probation.size + this.protectedLru.size;
  }

  /** Whether the last `get` hit was a prefetched image's first access (so, a page read ahead of a scan). */
  firstAccess = false;

  /** The cached image of `pageNo` at version `lsn`, or undefined (counted as a miss). */
  get(pageNo: number, lsn: number): Uint8Array | undefined {
    this.tick++;
    let e = this.byPage.get(pageNo) ?? null;
    while (e !== null && e.lsn !== lsn) e = e.sibling;
    this.firstAccess = false;
    if (e === null) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    if (e.protectedList) {
      this.protectedLru.remove(e);
      this.protectedLru.pushFront(e);
    } else if (e.loadTick < 0) {
      e.loadTick = this.tick; // a prefetched image's first access is its load
      this.firstAccess = true;
    } else if (this.tick - e.loadTick > this.correlationWindow) {
      this.probation.remove(e);
      e.protectedList = true;
      this.protectedLru.pushFront(e);
    }
    return e.data;
  }

  /** The cached image of `pageNo` at version `lsn`, or undefined; no effect on stats or the policy (checkpoint copies). */
  peek(pageNo: number, lsn: number): Uint8Array | undefined {
    let e = this.byPage.get(pageNo) ?? null;
    while (e !== null && e.lsn !== lsn) e = e.sibling;
    return e === null ? undefined : e.data;
  }

  /** Adds an image just read from a file (after a `get` miss, or ahead of one: `prefetched`). */
  put(pageNo: number, lsn: number, data: Uint8Array, prefetched = false): void {
    const e = new Entry(pageNo, lsn, data, prefetched ? -1 : this.tick);
    e.sibling = this.byPage.get(pageNo) ?? null;
    this.byPage.set(pageNo, e);
    if (this.ghosts.delete(pageNo)) {
      e.protectedList = true;
      this.protectedLru.pushFront(e);
    } else {
      this.probation.pushFront(e);
    }
    while (this.size > this.capacityPages) this.evictOne();
  }

  /** Drops one version (the main-file image of a page a checkpoint rewrote). */
  invalidate(pageNo: number, lsn: number): void {
    let e = this.byPage.get(pageNo) ?? null;
    while (e !== null && e.lsn !== lsn) e = e.sibling;
    if (e !== null) this.unlink(e);
  }

  /**
   * Files the cached image of (`pageNo`, `fromLsn`) under `toLsn` instead, keeping its place in
   * the replacement lists; any image already under `toLsn` is dropped (also when `fromLsn` has
   * no cached image: it is stale either way). A checkpoint uses it for
   * the version it copied into the main file: the image is then the page's main-file version
   * (key 0), so the pages a commit just wrote stay cached across the checkpoint.
   */
  rekey(pageNo: number, fromLsn: number, toLsn: number): void {
    if (fromLsn === toLsn) return;
    this.invalidate(pageNo, toLsn);
    let e = this.byPage.get(pageNo) ?? null;
    while (e !== null && e.lsn !== fromLsn) e = e.sibling;
    if (e !== null) e.lsn = toLsn;
  }

  /**
   * An image for the next read: a spare one (stale bytes: the caller overwrites all of them)
   * when the pool has one, else a fresh zeroed one.
   */
  newImage(): Uint8Array {
    const img = this.spare.pop();
    if (img === undefined) return new Uint8Array(this.pageSize);
    this.stats.reused++;
    return img;
  }

  /**
   * Makes the retired images spare. Only at a quiescent point: the caller guarantees that no
   * reader, cursor or decoded view can still read an evicted image.
   */
  recycle(): void {
    const retired = this.retired;
    if (retired.length === 0) return;
    const spare = this.spare;
    for (let i = 0; i < retired.length && spare.length < RECYCLE_LIMIT; i++) {
      const img = retired[i]!;
      for (let j = 0; j < reuseListeners.length; j++) reuseListeners[j]!(img);
      spare.push(img);
    }
    retired.length = 0;
  }

  clear(): void {
    this.retired.length = 0;
    this.spare.length = 0;
    this.byPage.clear();
    this.ghosts.clear();
    this.ghostNext = 0;
    this.probation.head = this.probation.tail = null;
    this.protectedLru.head = this.protectedLru.tail = null;
    this.probation.size = this.protectedLru.size = 0;
  }

  private evictOne(): void {
    const fromProbation = this.probation.size > this.probationTarget || this.protectedLru.size === 0;
    const victim = fromProbation ? this.probation.tail : this.protectedLru.tail;
    if (victim === null) return;
    this.unlink(victim);
    this.stats.evictions++;
    if (this.retired.length < RECYCLE_LIMIT && victim.data.length === this.pageSize) this.retired.push(victim.data);
    if (fromProbation) this.addGhost(victim.pageNo);
  }

  /**
   * Remembers `pageNo` as the newest ghost, forgetting the oldest when the ring is full. (A Map
   * kept in insertion order would give the oldest through keys().next(), but V8 skips every
   * deleted entry before it: ~0.5 µs per eviction in a scan.)
   */
  private addGhost(pageNo: number): void {
    const ring = this.ghostRing;
    const slot = this.ghostNext;
    const oldest = ring[slot]!;
    if (this.ghosts.get(oldest) === slot) this.ghosts.delete(oldest);
    ring[slot] = pageNo;
    this.ghosts.set(pageNo, slot);
    this.ghostNext = slot + 1 === ring.length ? 0 : slot + 1;
  }

  private unlink(e: Entry): void {
    (e.protectedList ? this.protectedLru : this.probation).remove(e);
    let p = this.byPage.get(e.pageNo) ?? null;
    if (p === e) {
      if (e.sibling === null) this.byPage.delete(e.pageNo);
      else this.byPage.set(e.pageNo, e.sibling);
    } else {
      while (p !== null && p.sibling !== e) p = p.sibling;
      if (p !== null) p.sibling = e.sibling;
    }
    e.sibling = null;
  }
}
