// Cursors over a B+Tree: first / seek (leftmost: first key >= search key) / next along the leaf
// chain, and last / seekLast (rightmost: last key <= search key) / prev through the root-to-leaf
// path (tree-path.ts; leaves link only forward). Empty leaves are skipped both ways; values
// resolve through overflow chains; both page flag values (delta or absolute keys) read alike.
// Does not modify the tree. Loops in the leaf chain are caught (Brent's cycle detection plus
// a key-order check per hop); backward hops are checked for key order and counted against the
// page count, so a corrupt file never makes a cursor spin.
//
// Stability: over a read snapshot the cursor is stable (images are immutable). If the SAME
// store is modified through any BTree while the cursor is open (detected by a per-store epoch),
// the next `next()` / `prev()` re-seeks: it continues just after (before) the entry it was on,
// identified by (key, ordinal among equal keys counted from the end of the run the cursor
// entered it by: from the left after first/seek, from the right after last/seekLast; a step
// in the other direction keeps counting from that same end). Entries inserted behind that
// position (in the direction of travel) are not seen; entries inserted ahead of it are.
// Distinct keys resync exactly; inside a run of equal keys the ordinal shifts when that run
// changes on the counted side (a delete left of a forward cursor skips one entry; an insert,
// which lands at the run's right end, repeats one under a backward cursor). The engine never
// writes while its own query cursors are open (DML collects its rows first).
// `value()` and `key` of the current entry are only valid until the cursor moves or the tree
// is modified. Past either end the cursor is invalid; it must be positioned again.
import { compareKeys, keyPredecessor, keySuccessor } from './key.js';
import { corrupt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { ScanRing, type PageStore } from '../pager/index.js';
import { PageView, lastPageBuffer, pageLimit, readPage, readPassingPage } from './page-view.js';
import { readOverflowChain } from './overflow.js';
import { MAX_DEPTH, TreePath } from './tree-path.js';

export { MAX_DEPTH };

/** What a cursor needs of its tree (the root may change between seeks). */
export interface TreeRef {
  readonly store: PageStore;
  readonly root: number;
}

/** Modification counter per store, bumped by every B+Tree write. @internal */
export interface StoreEpoch {
  n: number;
}
const epochs = new WeakMap<PageStore, StoreEpoch>();
/** One-entry memo: the engine builds many BTrees over the same transaction's store in a row. */
let lastStore: PageStore | null = null;
let lastEpoch: StoreEpoch = { n: 0 };
export function storeEpoch(store: PageStore): StoreEpoch {
  if (store === lastStore) return lastEpoch;
  let e = epochs.get(store);
  if (e === undefined) {
    e = { n: 0 };
    epochs.set(store, e);
  }
  lastStore = store;
  lastEpoch = e;
  return e;
}

/** A bidirectional cursor; see the file header for what it sees under concurrent modification. */
export interface BTreeCursor {
  /** Positions on the first entry; false when the tree is empty. */
  first(): boolean;
  /** Positions on the first entry with key >= `key` (leftmost among duplicates). */
  seek(key: U64): boolean;
  /** Moves to the next entry; false (and invalid) past the end. */
  next(): boolean;
  /** Positions on the last entry; false when the tree is empty. */
  last(): boolean;
  /** Positions on the last entry with key <= `key` (rightmost among duplicates). */
  seekLast(key: U64): boolean;
  /** Moves to the previous entry; false (and invalid) before the start. */
  prev(): boolean;
  readonly valid: boolean;
  /** Key of the current entry. */
  readonly key: U64;
  /** Value of the current entry: a view valid until the cursor moves or the tree changes. */
  value(): Uint8Array;
  /**
   * The current value in place, without making a view: returns the page image holding it and
   * sets `valueStart`/`valueEnd` to its bounds; null when the value lives in an overflow chain
   * (then use value()). Valid until the cursor moves or the tree changes. For per-row readers
   * (scans) that would otherwise allocate a view per entry.
   */
  valueInPage(): Uint8Array | null;
  /** Bounds of the value in the image the last non-null valueInPage() returned. */
  readonly valueStart: number;
  readonly valueEnd: number;
  /**
   * Declares that the caller keeps nothing of a leaf once the cursor has left it (a full-table
   * Scan decoding rows into values): forward hops past the cache's size then read into the
   * cursor's own ring, not the cache (pager/scan-ring.ts), and `value()`/`valueInPage()` bytes
   * last only until the next `next()`, as this interface already promises.
   */
  useRing(): void;
}

/** A cursor's page before its first positioning (shared: a typed array per cursor is costly). */
const NO_PAGE = new Uint8Array(0);

/** Leaf cursor. @internal (construct through BTree.cursor()). */
export class LeafCursor implements BTreeCursor {
  valid = false;
  pageNo = 0;
  idx = 0;
  view: PageView | undefined = undefined;
  buf: Uint8Array = NO_PAGE;
  private readonly tree: TreeRef;
  private readonly epoch: StoreEpoch;
  private seenEpoch = 0;
  private curKey: U64 = 0;
  /**
   * 1-based ordinal of the current entry within its run of equal keys, counted from the run's
   * left end when `fromLeft`, else from its right end (0 before the first entry is reached).
   */
  private ord = 0;
  private fromLeft = true;
  private limit = 0;
  private brentSaved = 0;
  private brentPower = 1;
  private brentSteps = 0;
  /** Root-to-leaf path, made on the first backward use (forward-only cursors never pay for it). */
  private path: TreePath | null = null;
  /** Leaf hops of backward steps since the last positioning or forward hop (corruption bound). */
  private backHops = 0;
  /** This cursor's own view, re-decoded for each leaf it steps onto fresh (readPassingPage). @internal */
  scratch: PageView | null = null;
  /** The ring forward hops read through once `useRing()` was called (readPassingPage). @internal */
  ring: ScanRing | null = null;

  constructor(tree: TreeRef, epoch?: StoreEpoch) {
    this.tree = tree;
    this.epoch = epoch ?? storeEpoch(tree.store);
  }

  get key(): U64 {
    if (!this.valid) throw corrupt(this.pageNo, 'cursor is not positioned on an entry');
    return this.curKey;
  }

  first(): boolean {
    return this.descend(undefined);
  }

  useRing(): void {
    this.ring ??= new ScanRing();
  }

  seek(key: U64): boolean {
    return this.descend(key);
  }

  last(): boolean {
    return this.descendRight(undefined);
  }

  seekLast(key: U64): boolean {
    return this.descendRight(key);
  }

  next(): boolean {
    if (!this.valid) return false;
    if (this.seenEpoch !== this.epoch.n) return this.resyncForward();
    return this.stepNext();
  }

  prev(): boolean {
    if (!this.valid) return false;
    if (this.seenEpoch !== this.epoch.n) return this.resyncBackward();
    return this.stepPrev();
  }

  value(): Uint8Array {
    if (!this.valid) throw corrupt(this.pageNo, 'cursor is not positioned on an entry');
    const v = this.view!;
    const i = this.idx;
    if (v.isOverflow(i)) return readOverflowChain(this.tree.store, v.overflowHead(i));
    const off = v.valueOffset(i);
    return this.buf.subarray(off, off + v.valueLength(i));
  }

  valueStart = 0;
  valueEnd = 0;

  valueInPage(): Uint8Array | null {
    if (!this.valid) throw corrupt(this.pageNo, 'cursor is not positioned on an entry');
    const v = this.view!;
    const i = this.idx;
    if (v.isOverflow(i)) return null;
    const off = v.valueOffset(i);
    this.valueStart = off;
    this.valueEnd = off + v.valueLength(i);
    return this.buf;
  }

  /** Whether the current value lives in an overflow chain. */
  get overflow(): boolean {
    return this.view!.isOverflow(this.idx);
  }

  private stepNext(): boolean {
    const v = this.view!;
    const i = this.idx + 1;
    if (i < v.count) {
      this.idx = i;
      this.setKey(v.keys[i]!);
      return true;
    }
    return this.nextLeaf(v.link);
  }

  private stepPrev(): boolean {
    const i = this.idx - 1;
    if (i >= 0) {
      this.idx = i;
      this.setKeyBack(this.view!.keys[i]!);
      return true;
    }
    const path = this.path ?? (this.path = new TreePath());
    if (path.leaf !== this.pageNo) {
      path.locate(this.tree.store, this.limit, this.tree.root, this.pageNo, this.view!.keys[0]!);
    }
    return this.prevLeaf(path);
  }

  /** Starts a positioning: fresh page limit, epoch and loop detectors. */
  private begin(): void {
    this.limit = pageLimit(this.tree.store);
    this.seenEpoch = this.epoch.n;
    this.brentSaved = 0;
    this.brentPower = 1;
    this.brentSteps = 0;
    this.backHops = 0;
  }

  /** Descends leftmost to `key` (or to the first leaf when undefined) and settles on an entry. */
  private descend(key: U64 | undefined): boolean {
    this.begin();
    const store = this.tree.store;
    const limit = this.limit;
    const path = this.path;
    path?.reset();
    let pageNo = this.tree.root;
    let v = readPage(store, pageNo, limit);
    for (let depth = 0; !v.isLeaf; depth++) {
      if (depth >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
      const c = key === undefined ? 0 : v.lowerBound(key);
      path?.push(pageNo, c);
      pageNo = v.child(c);
      v = readPage(store, pageNo, limit);
    }
    if (path !== null) path.leaf = pageNo;
    this.pageNo = pageNo;
    this.view = v;
    this.buf = lastPageBuffer();
    const i = key === undefined ? 0 : v.lowerBound(key);
    this.ord = 0;
    this.fromLeft = true;
    this.curKey = key ?? 0;
    this.valid = true;
    if (i < v.count) {
      this.idx = i;
      this.curKey = v.keys[i]!;
      this.ord = 1;
      return true;
    }
    return this.nextLeaf(v.link);
  }

  /** Descends rightmost to `key` (or to the last leaf when undefined) and settles on an entry. */
  private descendRight(key: U64 | undefined): boolean {
    this.begin();
    const store = this.tree.store;
    const limit = this.limit;
    const path = this.path ?? (this.path = new TreePath());
    path.reset();
    let pageNo = this.tree.root;
    let v = readPage(store, pageNo, limit);
    while (!v.isLeaf) {
      const c = key === undefined ? v.count : v.upperBound(key);
      path.push(pageNo, c);
      pageNo = v.child(c);
      v = readPage(store, pageNo, limit);
    }
    path.leaf = pageNo;
    this.pageNo = pageNo;
    this.view = v;
    this.buf = lastPageBuffer();
    const i = (key === undefined ? v.count : v.upperBound(key)) - 1;
    this.ord = 0;
    this.fromLeft = false;
    this.curKey = key ?? 0;
    this.valid = true;
    if (i >= 0) {
      this.idx = i;
      this.curKey = v.keys[i]!;
      this.ord = 1;
      return true;
    }
    return this.prevLeaf(path);
  }

  private setKey(k: U64): void {
    if (compareKeys(k, this.curKey) === 0) {
      if (this.fromLeft) this.ord++;
      else if (this.ord > 1) this.ord--;
      else this.fromLeft = true; // cannot happen on a consistent tree; keep counting sane
    } else {
      this.curKey = k;
      this.ord = 1;
      this.fromLeft = true;
    }
  }

  private setKeyBack(k: U64): void {
    if (compareKeys(k, this.curKey) === 0) {
      if (!this.fromLeft) this.ord++;
      else if (this.ord > 1) this.ord--;
      else this.fromLeft = false;
    } else {
      this.curKey = k;
      this.ord = 1;
      this.fromLeft = false;
    }
  }

  /** Follows the leaf chain from `next` to the first non-empty leaf. */
  private nextLeaf(next: number): boolean {
    const store = this.tree.store;
    if (this.path !== null) this.path.leaf = 0; // the chain hop leaves the path behind
    this.backHops = 0;
    while (next !== 0) {
      if (next === this.brentSaved) throw corrupt(next, 'leaf chain loops');
      if (++this.brentSteps === this.brentPower) {
        this.brentSaved = next;
        this.brentPower *= 2;
        this.brentSteps = 0;
      }
      const v = readPassingPage(store, next, this.limit, this);
      const buf = lastPageBuffer();
      if (!v.isLeaf) throw corrupt(next, 'leaf chain reaches a non-leaf page');
      if (v.count > 0) {
        if (this.ord > 0 && compareKeys(v.keys[0]!, this.curKey) < 0) throw corrupt(next, 'leaf chain out of key order');
        this.pageNo = next;
        this.view = v;
        this.buf = buf;
        this.idx = 0;
        this.setKey(v.keys[0]!);
        return true;
      }
      next = v.link;
    }
    this.valid = false;
    return false;
  }

  /** Moves along `path` to the nearest non-empty leaf on the left. */
  private prevLeaf(path: TreePath): boolean {
    const store = this.tree.store;
    // Brent's detector assumes forward hops only since it was reset.
    this.brentSaved = 0;
    this.brentPower = 1;
    this.brentSteps = 0;
    for (;;) {
      if (++this.backHops > this.limit) throw corrupt(this.pageNo, 'backward walk visits more leaves than the file has pages');
      const v = path.prevLeaf(store, this.limit);
      if (v === null) break;
      const buf = lastPageBuffer();
      const n = v.count;
      if (n > 0) {
        if (this.ord > 0 && compareKeys(v.keys[n - 1]!, this.curKey) > 0) throw corrupt(v.pageNo, 'leaves out of key order');
        this.pageNo = v.pageNo;
        this.view = v;
        this.buf = buf;
        this.idx = n - 1;
        this.setKeyBack(v.keys[n - 1]!);
        return true;
      }
    }
    this.valid = false;
    return false;
  }

  /**
   * After a modification, before a forward step: re-seek and skip the entries of the current
   * key already passed, so the cursor lands just after the entry it was on.
   */
  private resyncForward(): boolean {
    const key = this.curKey;
    const seen = this.ord;
    if (this.fromLeft) {
      // The seen-th entry of the run from the left was current: land on the (seen + 1)-th.
      if (!this.descend(key)) return false;
      while (this.valid && this.ord <= seen && compareKeys(this.curKey, key) === 0) this.stepNext();
      return this.valid;
    }
    // The seen-th from the right was current: land on the (seen - 1)-th from the right.
    if (seen <= 1) return this.seekAfter(key);
    if (!this.descendRight(key)) return this.first();
    if (compareKeys(this.curKey, key) !== 0) return this.stepNext();
    while (this.ord < seen - 1 && this.stepPrev() && compareKeys(this.curKey, key) === 0);
    if (!this.valid) return this.first();
    return compareKeys(this.curKey, key) === 0 ? true : this.stepNext();
  }

  /** Mirror of resyncForward before a backward step. */
  private resyncBackward(): boolean {
    const key = this.curKey;
    const seen = this.ord;
    if (!this.fromLeft) {
      if (!this.descendRight(key)) return false;
      while (this.valid && this.ord <= seen && compareKeys(this.curKey, key) === 0) this.stepPrev();
      return this.valid;
    }
    if (seen <= 1) return this.seekBefore(key);
    if (!this.descend(key)) return this.last();
    if (compareKeys(this.curKey, key) !== 0) return this.stepPrev();
    while (this.ord < seen - 1 && this.stepNext() && compareKeys(this.curKey, key) === 0);
    if (!this.valid) return this.last();
    return compareKeys(this.curKey, key) === 0 ? true : this.stepPrev();
  }

  /** First entry with a key > `key`. */
  private seekAfter(key: U64): boolean {
    const k = keySuccessor(key);
    if (k !== undefined) return this.descend(k);
    this.valid = false;
    return false;
  }

  /** Last entry with a key < `key`. */
  private seekBefore(key: U64): boolean {
    const k = keyPredecessor(key);
    if (k !== undefined) return this.descendRight(k);
    this.valid = false;
    return false;
  }
}
