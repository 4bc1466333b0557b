/**
 * WriteTransaction: the single writer. Copy-on-write private dirty set, header changes,
 * freelist allocation, savepoints, spill of large dirty sets to the WAL, commit/rollback
 * (ADR-0001, ADR-0003). Commit and rollback I/O errors leave the pager failed (sticky ERR_IO).
 *
 * Invariants:
 *  1. A page is in at most one of: `dirty` (private buffer) or only `spilled` (private WAL
 *     frame); `spilled` keeps its entry when the page is dirtied again (the dirty copy wins).
 *  2. A savepoint records, for every page whose state changes after it, the state it had when
 *     the savepoint was taken ({dirty image or null, spilled offset}) — recorded once, in every
 *     active savepoint that lacks it; rollbackTo restores those and the WAL append position.
 *  3. The committed freelist and header are untouched until commit publishes: rollback (or a
 *     failed commit) simply discards the dirty set, so pages it allocated were never taken
 *     from the committed freelist and appended pages were never counted.
 *  4. `spilledImages` holds read-only copies of spilled frames, each tagged with its frame
 *     offset and served only while `spilled` still maps the page to that offset; it is cleared
 *     whenever the WAL append position moves back (rollbackTo, rollback) or the txn ends, since
 *     a later frame could then reuse an offset, and a page's entry is dropped when its frame
 *     is rewritten in place (invariant 6).
 *  5. Savepoint undo copies come from `undoPool` and return to it when their savepoint is
 *     released or rolled back to (unless an older savepoint still holds the same record), so a
 *     statement savepoint per row allocates nothing once the pool is warm.
 *  6. A spill writes a page that already has a frame in this transaction over that frame,
 *     unless a live savepoint recorded the page as {dirty: null, spilled: that frame}: the only
 *     state from which rollbackTo reads the frame's image back (a record with a dirty image
 *     restores that image, and the frame then only keeps its offset). Such a page gets a new
 *     frame, which later spills rewrite. The uncommitted WAL thus holds one frame per page
 *     spilled, plus at most one per page and savepoint taken while the page was only spilled.
 */
import { DecentDBError, transactionError } from '../util/index.js';
import { type DbHeader, type DbHeaderFields, encodeHeader } from './db-header.js';
import { type FreelistHost, allocateFromFreelist, freeToFreelist } from './freelist.js';
import type { LogMark } from './page-log.js';
import type { PageStore } from './page-store.js';
import type { Durability } from './pager-options.js';
import type { Pager } from './pager.js';

interface PageState {
  readonly dirty: Uint8Array | null;
  readonly spilled: number | undefined;
  /** `dirty` is a private undo copy from `undoPool` (not a former page buffer others may hold). */
  readonly pooled: boolean;
}

interface SpilledImage {
  readonly offset: number;
  readonly image: Uint8Array;
}

/** Spilled images kept for re-reads (an insert descends through spilled interior pages). */
const SPILLED_IMAGES_MIN = 64;

/** Undo copies kept for reuse once their savepoint ends (a statement savepoint per row). */
const UNDO_POOL_MAX = 256;

/** Mutable only so that ended savepoints can be reused (`spareSavepoints`). */
interface Savepoint {
  id: number;
  mark: LogMark;
  readonly header: DbHeaderFields;
  pageCount: number;
  readonly records: Map<number, PageState>;
}

export class WriteTransaction implements PageStore, FreelistHost {
  readonly pageSize: number;
  private readonly dirty = new Map<number, Uint8Array>();
  private readonly spilled = new Map<number, number>();
  private readonly savepoints: Savepoint[] = [];
  /**
   * Invariant 5: page-size buffers free for savepoint undo copies. A buffer enters only when the
   * record holding it is dropped by release/rollbackTo and no remaining savepoint shares that
   * record; it is only ever used as an undo copy (rollbackTo restores a fresh slice), so no page
   * reader or cached decoded view can see it.
   */
  private readonly undoPool: Uint8Array[] = [];
  /** Ended savepoints (records empty), reused by savepoint(): one per statement otherwise. */
  private readonly spareSavepoints: Savepoint[] = [];
  /** Invariant 4: LRU (Map order) of clean images read back from spilled frames. */
  private spilledImages: Map<number, SpilledImage> | null = null;
  private readonly spilledImagesMax: number;
  /** Frame offsets passed to and returned by `log.spill` (reused). */
  private readonly spillOffsets: number[] = [];
  private readonly hdr: DbHeaderFields;
  private count: number;
  private nextSavepointId = 1;
  private done = false;

  /** @internal */
  constructor(
    private readonly pager: Pager,
    /** The commit LSN this transaction started from. */
    readonly snapshotLsn: number,
    private readonly base: DbHeader,
    /** Durability of this transaction's commit (ADR-0003). */
    readonly durability: Durability,
  ) {
    this.pageSize = pager.pageSize;
    this.spilledImagesMax = Math.max(SPILLED_IMAGES_MIN, Math.floor(pager.options.spillBudgetBytes / 8 / pager.pageSize));
    const { pageCount, ...fields } = base;
    this.hdr = fields;
    this.count = pageCount;
  }

  // ---- header API ----
  get pageCount(): number { return this.count; }
  get rootCatalog(): number { return this.hdr.rootCatalog; }
  get schemaCookie(): number { return this.hdr.schemaCookie; }
  get freelistHead(): number { return this.hdr.freelistHead; }
  set freelistHead(n: number) { this.hdr.freelistHead = n; }
  get freelistCount(): number { return this.hdr.freelistCount; }
  set freelistCount(n: number) { this.hdr.freelistCount = n; }
  /** The header as this transaction would commit it. */
  get header(): DbHeader { return { ...this.hdr, pageCount: this.count }; }
  get dirtyPageCount(): number { return this.dirty.size; }

  setRootCatalog(pageNo: number): void {
    this.active();
    if (!(pageNo >= 0 && pageNo <= this.count)) throw new DecentDBError('ERR_INTERNAL', `root catalog page ${pageNo} out of range`);
    this.hdr.rootCatalog = pageNo;
  }

  /** Adds 1 to the schema cookie (every DDL); returns the new value. */
  bumpSchemaCookie(): number {
    this.active();
    this.hdr.schemaCookie = (this.hdr.schemaCookie + 1) >>> 0;
    return this.hdr.schemaCookie;
  }

  // ---- PageStore ----
  read(pageNo: number): Uint8Array {
    this.active();
    const d = this.dirty.get(pageNo);
    if (d !== undefined) return d;
    return this.readClean(pageNo);
  }

  write(pageNo: number): Uint8Array {
    this.active();
    if (pageNo === 1) throw new DecentDBError('ERR_INTERNAL', 'page 1 holds the database header; use the header API');
    return this.writePage(pageNo);
  }

  allocate(): number {
    this.active();
    const fromList = allocateFromFreelist(this);
    if (fromList !== 0) {
      const page = this.writePage(fromList);
      page.fill(0);
      return fromList;
    }
    const n = this.count + 1;
    this.count = n;
    this.recordChange(n);
    this.dirty.set(n, new Uint8Array(this.pageSize));
    return n;
  }

  free(pageNo: number): void {
    this.active();
    if (!(pageNo >= 2 && pageNo <= this.count)) throw new DecentDBError('ERR_INTERNAL', `cannot free page ${pageNo} (database has ${this.count} pages)`);
    freeToFreelist(this, pageNo);
  }

  /** @internal FreelistHost */
  readPage(pageNo: number): Uint8Array {
    return this.read(pageNo);
  }

  /** @internal FreelistHost: copy-on-write without the page-1 guard. */
  writePage(pageNo: number): Uint8Array {
    if (!(pageNo >= 1 && pageNo <= this.count)) throw new DecentDBError('ERR_INTERNAL', `write of page ${pageNo} out of range (database has ${this.count} pages)`);
    const d = this.dirty.get(pageNo);
    if (d !== undefined) {
      if (this.savepoints.length > 0) this.recordChange(pageNo);
      return d;
    }
    const copy = this.readClean(pageNo).slice();
    this.recordChange(pageNo);
    this.dirty.set(pageNo, copy);
    return copy;
  }

  // ---- savepoints ----
  /** Marks the current state; returns its id. Buffers from earlier write() calls must be re-fetched. */
  savepoint(): number {
    this.active();
    const id = this.nextSavepointId++;
    const mark = this.pager.log.mark();
    const spare = this.spareSavepoints.pop();
    if (spare === undefined) {
      this.savepoints.push({ id, mark, header: { ...this.hdr }, pageCount: this.count, records: new Map() });
    } else {
      spare.id = id;
      spare.mark = mark;
      copyHeader(spare.header, this.hdr);
      spare.pageCount = this.count;
      this.savepoints.push(spare);
    }
    return id;
  }

  /** Restores the state at savepoint `id`; it stays active, later savepoints are discarded. */
  rollbackTo(id: number): void {
    this.active();
    const i = this.findSavepoint(id);
    const sp = this.savepoints[i]!;
    while (this.savepoints.length > i + 1) this.endSavepoint(this.savepoints.pop()!);
    const older = i > 0 ? this.savepoints[i - 1]!.records : null;
    for (const [pageNo, st] of sp.records) {
      // A fresh buffer: the savepoint stays active (the record may be restored again later) and
      // the restored page must not alias anything a reader or decoded-view cache has seen.
      if (st.dirty === null) this.dirty.delete(pageNo);
      else this.dirty.set(pageNo, st.dirty.slice());
      if (st.spilled === undefined) this.spilled.delete(pageNo);
      else this.spilled.set(pageNo, st.spilled);
    }
    this.recycle(sp.records, older);
    this.spilledImages = null;
    this.pager.log.resetTo(sp.mark);
    copyHeader(this.hdr, sp.header);
    this.count = sp.pageCount;
  }

  /** Forgets savepoint `id` and every later one, keeping their changes. */
  release(id: number): void {
    this.active();
    const i = this.findSavepoint(id);
    // Newest first: a record shared by several released savepoints is pooled once, by the
    // oldest of them, and not at all when the savepoint below `i` keeps it.
    // (pop, not `length = i`: setting an array's length is a slow runtime call, once per row.)
    for (let j = this.savepoints.length - 1; j >= i; j--) {
      const sp = this.savepoints.pop()!;
      this.recycle(sp.records, j > 0 ? this.savepoints[j - 1]!.records : null);
      this.endSavepoint(sp);
    }
  }

  /** Keeps a savepoint leaving the stack for reuse (its records are dropped, never restored). */
  private endSavepoint(sp: Savepoint): void {
    if (sp.records.size > 0) sp.records.clear();
    if (this.spareSavepoints.length < 4) this.spareSavepoints.push(sp);
  }

  /**
   * Invariant 5: empties `records`, returning its pooled undo copies to the pool unless `older`
   * (the savepoint just below, which holds every record it shares with any older one) has them.
   */
  private recycle(records: Map<number, PageState>, older: Map<number, PageState> | null): void {
    this.recycleOlder = older;
    // forEach with a function made once: a for-of over the Map allocated an iterator per row.
    records.forEach(this.recycleOne);
    this.recycleOlder = null;
    records.clear();
  }

  private recycleOlder: Map<number, PageState> | null = null;
  private readonly recycleOne = (st: PageState, pageNo: number): void => {
    const pool = this.undoPool;
    if (!st.pooled || st.dirty === null || pool.length >= UNDO_POOL_MAX) return;
    if (this.recycleOlder !== null && this.recycleOlder.get(pageNo) === st) return;
    pool.push(st.dirty);
  };

  // ---- spill ----
  /**
   * A point where the caller holds no write() buffers (PageStore contract 2). If the dirty set
   * exceeds the spill budget, writes it to the WAL as uncommitted frames and drops it from memory.
   */
  spillSafePoint(): void {
    this.active();
    if (this.dirty.size * this.pageSize <= this.pager.options.spillBudgetBytes) return;
    const log = this.pager.log;
    const offsets = this.spillOffsets;
    offsets.length = 0;
    this.pager.guard(() => {
      for (const pageNo of this.dirty.keys()) this.recordChange(pageNo, false);
      // Invariant 6: rewrite the page's frame unless a live savepoint still needs its image.
      for (const pageNo of this.dirty.keys()) {
        const off = this.spilled.get(pageNo);
        offsets.push(off === undefined || this.frameNeeded(pageNo, off) ? -1 : off);
      }
      // New frames in one write (a frame per write cost a syscall each).
      log.spill(this.dirty, offsets);
      const images = this.spilledImages;
      let k = 0;
      for (const pageNo of this.dirty.keys()) {
        this.spilled.set(pageNo, offsets[k++]!);
        images?.delete(pageNo);
      }
    });
    this.pager.noteSpill(this.dirty.size);
    this.dirty.clear();
  }

  // ---- end ----
  /** Makes the transaction durable per its durability mode and visible to new readers. */
  commit(): void {
    this.active();
    // The page count is not stored: recovery derives it from the largest page id (every
    // appended page has an image in this commit), so growth alone does not rewrite page 1.
    const headerChanged = !sameHeader(this.hdr, this.base);
    if (!headerChanged && this.dirty.size === 0 && this.spilled.size === 0 && this.count === this.base.pageCount) {
      this.done = true;
      this.pager.finishWrite(this, null, this.durability);
      return;
    }
    if (headerChanged) encodeHeader(this.hdr, this.writePage(1));
    this.done = true;
    let lsn = 0;
    try {
      lsn = this.pager.guard(() => this.pager.log.commit(this.dirty, this.spilled));
    } catch (e) {
      this.pager.abandonWrite(this);
      throw e;
    }
    // The dirty buffers are now committed, immutable images (PageStore contract 2 ends here):
    // cache them so the next reader does not fetch them back from the WAL.
    for (const [pageNo, image] of this.dirty) this.pager.cache.put(pageNo, lsn, image);
    const published: DbHeader = Object.freeze({ ...this.hdr, pageCount: this.count });
    this.dirty.clear();
    this.spilled.clear();
    this.spilledImages = null;
    this.pager.finishWrite(this, published, this.durability);
  }

  /** Discards every change; the committed state (and freelist) is as before beginWrite. */
  rollback(): void {
    if (this.done) return;
    this.done = true;
    this.dirty.clear();
    this.spilled.clear();
    this.spilledImages = null;
    this.savepoints.length = 0;
    try {
      this.pager.guard(() => this.pager.log.rollback());
    } finally {
      this.pager.abandonWrite(this);
    }
  }

  get isActive(): boolean {
    return !this.done;
  }

  private active(): void {
    if (this.done) throw transactionError('write transaction has ended');
    this.pager.check();
  }

  private readClean(pageNo: number): Uint8Array {
    if (!(pageNo >= 1 && pageNo <= this.count)) throw new DecentDBError('ERR_CORRUPTION', `page ${pageNo}: page number out of range (database has ${this.count} pages)`, { pageNo });
    const off = this.spilled.get(pageNo);
    if (off !== undefined) {
      const images = this.spilledImages ?? (this.spilledImages = new Map());
      const hit = images.get(pageNo);
      if (hit !== undefined && hit.offset === off) {
        images.delete(pageNo);
        images.set(pageNo, hit);
        return hit.image;
      }
      const buf = new Uint8Array(this.pageSize);
      this.pager.log.readPayload(pageNo, off, buf);
      images.delete(pageNo);
      images.set(pageNo, { offset: off, image: buf });
      if (images.size > this.spilledImagesMax) images.delete(images.keys().next().value!);
      return buf;
    }
    if (pageNo > this.base.pageCount) return new Uint8Array(this.pageSize);
    return this.pager.readVersion(pageNo, this.snapshotLsn);
  }

  /** Invariant 2: record `pageNo`'s current state in every savepoint that lacks it. */
  private recordChange(pageNo: number, copy = true): void {
    let st: PageState | undefined;
    for (let i = this.savepoints.length - 1; i >= 0; i--) {
      const sp = this.savepoints[i]!;
      if (sp.records.has(pageNo)) continue;
      if (st === undefined) {
        const d = this.dirty.get(pageNo);
        let undo: Uint8Array | null = null;
        if (d !== undefined) {
          if (copy) {
            undo = this.undoPool.pop() ?? new Uint8Array(this.pageSize);
            undo.set(d);
          } else undo = d;
        }
        st = { dirty: undo, spilled: this.spilled.get(pageNo), pooled: copy && undo !== null };
      }
      sp.records.set(pageNo, st);
    }
  }

  /** Invariant 6: true when a live savepoint would read `pageNo`'s image back from frame `offset`. */
  private frameNeeded(pageNo: number, offset: number): boolean {
    for (let i = 0; i < this.savepoints.length; i++) {
      const st = this.savepoints[i]!.records.get(pageNo);
      if (st !== undefined && st.dirty === null && st.spilled === offset) return true;
    }
    return false;
  }

  private findSavepoint(id: number): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i]!.id === id) return i;
    throw transactionError(`no such savepoint: ${id}`);
  }
}

/** Field-by-field copy (Object.assign is a generic, slower path; this runs per statement). */
function copyHeader(to: DbHeaderFields, from: DbHeaderFields): void {
  to.formatVersion = from.formatVersion;
  to.pageSize = from.pageSize;
  to.schemaCookie = from.schemaCookie;
  to.rootCatalog = from.rootCatalog;
  to.rootFreelist = from.rootFreelist;
  to.freelistHead = from.freelistHead;
  to.freelistCount = from.freelistCount;
  to.lastCheckpointLsn = from.lastCheckpointLsn;
}

function sameHeader(a: DbHeaderFields, b: DbHeaderFields): boolean {
  return a.schemaCookie === b.schemaCookie && a.rootCatalog === b.rootCatalog &&
    a.freelistHead === b.freelistHead && a.freelistCount === b.freelistCount;
}

