// Forward cursors over a B+Tree's leaf chain: first, seek (leftmost: first key >= search key),
// next; empty leaves are skipped; values resolve through overflow chains.
// Does not modify the tree. Loops in the leaf chain are caught (Brent's cycle detection plus
// a key-order check per hop), so a corrupt file never makes a cursor spin.
//
// Stability: over a read snapshot the cursor is stable (images are immutable). If the SAME
// store is modified through any BTree while the cursor is open (detected by a per-store epoch),
// the next `next()` re-seeks: it continues just after the entry it was on, identified by
// (key, ordinal among equal keys seen since its run began). Entries inserted before that
// position are not seen; entries inserted after it are. `value()` and `key` of the current
// entry are only valid until the cursor moves or the tree is modified.
import { compareKeys } from './key.js';
import { corrupt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { PageView, lastPageBuffer, pageLimit, readPage } from './page-view.js';
import { readOverflowChain } from './overflow.js';

/** Deepest tree a reader accepts before calling the file corrupt (internal-page cycles). */
export const MAX_DEPTH = 40;

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

/** A forward cursor; see the file header for what it sees under concurrent modification. */
export interface BTreeCursor {
  /** Positions on the first entry; false when the tree is empty. */
  first(): boolean;
  /** Positions on the first entry with key >= `key` (leftmost among duplicates). */
  seek(key: U64): boolean;
  /** Moves to the next entry; false (and invalid) past the end. */
  next(): boolean;
  readonly valid: boolean;
  /** Key of the current entry. */
  readonly key: U64;
  /** Value of the current entry: a view valid until the cursor moves or the tree changes. */
  value(): Uint8Array;
}

/** A cursor's page before its first positioning (shared: a typed array per cursor is costly). */
const NO_PAGE = new Uint8Array(0);

/** Leaf-chain cursor. @internal (construct through BTree.cursor()). */
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
  /** 1-based ordinal of the current entry within its run of equal keys. */
  private dup = 0;
  private limit = 0;
  private brentSaved = 0;
  private brentPower = 1;
  private brentSteps = 0;

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

  seek(key: U64): boolean {
    return this.descend(key);
  }

  next(): boolean {
    if (!this.valid) return false;
    if (this.seenEpoch !== this.epoch.n) return this.resync();
    const v = this.view!;
    const i = this.idx + 1;
    if (i < v.count) {
      this.idx = i;
      this.setKey(v.keys[i]!);
      return true;
    }
    return this.nextLeaf(v.link);
  }

  value(): Uint8Array {
    if (!this.valid) throw corrupt(this.pageNo, 'cursor is not positioned on an entry');
    const v = this.view!;
    const i = this.idx;
    if (v.isOverflow(i)) return readOverflowChain(this.tree.store, v.overflowHead(i));
    const off = v.valueOffset(i);
    return this.buf.subarray(off, off + v.valueLength(i));
  }

  /** Whether the current value lives in an overflow chain. */
  get overflow(): boolean {
    return this.view!.isOverflow(this.idx);
  }

  /** Descends leftmost to `key` (or to the first leaf when undefined) and settles on an entry. */
  private descend(key: U64 | undefined): boolean {
    const store = this.tree.store;
    const limit = pageLimit(store);
    this.limit = limit;
    this.seenEpoch = this.epoch.n;
    this.brentSaved = 0;
    this.brentPower = 1;
    this.brentSteps = 0;
    let pageNo = this.tree.root;
    let v = readPage(store, pageNo, limit);
    for (let depth = 0; !v.isLeaf; depth++) {
      if (depth >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
      pageNo = v.child(key === undefined ? 0 : v.lowerBound(key));
      v = readPage(store, pageNo, limit);
    }
    this.pageNo = pageNo;
    this.view = v;
    this.buf = lastPageBuffer();
    const i = key === undefined ? 0 : v.lowerBound(key);
    this.dup = 0;
    this.curKey = key ?? 0;
    if (i < v.count) {
      this.idx = i;
      this.valid = true;
      this.curKey = v.keys[i]!;
      this.dup = 1;
      return true;
    }
    this.valid = true;
    return this.nextLeaf(v.link);
  }

  private setKey(k: U64): void {
    if (compareKeys(k, this.curKey) === 0) this.dup++;
    else {
      this.curKey = k;
      this.dup = 1;
    }
  }

  /** Follows the leaf chain from `next` to the first non-empty leaf. */
  private nextLeaf(next: number): boolean {
    const store = this.tree.store;
    while (next !== 0) {
      if (next === this.brentSaved) throw corrupt(next, 'leaf chain loops');
      if (++this.brentSteps === this.brentPower) {
        this.brentSaved = next;
        this.brentPower *= 2;
        this.brentSteps = 0;
      }
      const v = readPage(store, next, this.limit);
      const buf = lastPageBuffer();
      if (!v.isLeaf) throw corrupt(next, 'leaf chain reaches a non-leaf page');
      if (v.count > 0) {
        if (this.dup > 0 && compareKeys(v.keys[0]!, this.curKey) < 0) throw corrupt(next, 'leaf chain out of key order');
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

  /** After a modification: re-seek and skip the entries of the current key already returned. */
  private resync(): boolean {
    const key = this.curKey;
    const seen = this.dup;
    if (!this.descend(key)) return false;
    while (this.valid && this.dup <= seen && compareKeys(this.curKey, key) === 0) this.next();
    return this.valid;
  }
}
