/**
 * The freelist: a chain of trunk pages holding free page ids (spec/native-format.md §1.6).
 * Allocation pops LIFO from the head trunk; an emptied trunk is itself reused as the next
 * allocation (the native engine leaks it; the layout is identical). Freeing pushes onto the
 * head trunk or, when full, turns the freed page into the new head trunk (native appends a
 * fresh page instead; same layout). Works on a FreelistHost; knows nothing of WAL or cache.
 */
import { corrupt, readU32, writeU32 } from '../util/index.js';

//   off size field
//    0   4   next trunk page id (0 = end)
//    4   4   entry count
//    8   4·n free page ids
const NEXT = 0, COUNT = 4, IDS = 8;

export const trunkCapacity = (pageSize: number): number => Math.floor((pageSize - IDS) / 4);

/** What the freelist needs from a write transaction. Header fields are read and written here. */
export interface FreelistHost {
  readonly pageSize: number;
  readonly pageCount: number;
  freelistHead: number;
  freelistCount: number;
  readPage(pageNo: number): Uint8Array;
  writePage(pageNo: number): Uint8Array;
}

function checkTrunk(page: Uint8Array, pageNo: number, pageSize: number, pageCount: number): number {
  const n = readU32(page, COUNT);
  if (n > trunkCapacity(pageSize)) throw corrupt(pageNo, `freelist trunk count ${n} exceeds capacity`);
  const next = readU32(page, NEXT);
  if (next === 1 || next > pageCount) throw corrupt(pageNo, `freelist next page ${next} out of range`);
  return n;
}

/** Takes a page from the freelist, or returns 0 when it is empty. The page is not zeroed here. */
export function allocateFromFreelist(host: FreelistHost): number {
  const head = host.freelistHead;
  if (head === 0) return 0;
  if (head < 2 || head > host.pageCount) throw corrupt(1, `freelist head ${head} out of range`);
  const n = checkTrunk(host.readPage(head), head, host.pageSize, host.pageCount);
  if (n === 0) {
    host.freelistHead = readU32(host.readPage(head), NEXT);
    return head;
  }
  const page = host.writePage(head);
  const id = readU32(page, IDS + 4 * (n - 1));
  if (id < 2 || id > host.pageCount) throw corrupt(head, `free page id ${id} out of range`);
  writeU32(page, IDS + 4 * (n - 1), 0);
  writeU32(page, COUNT, n - 1);
  host.freelistCount = Math.max(0, host.freelistCount - 1);
  return id;
}

/** Returns `pageNo` to the freelist. */
export function freeToFreelist(host: FreelistHost, pageNo: number): void {
  const head = host.freelistHead;
  if (head !== 0) {
    if (head < 2 || head > host.pageCount) throw corrupt(1, `freelist head ${head} out of range`);
    const n = checkTrunk(host.readPage(head), head, host.pageSize, host.pageCount);
    if (n < trunkCapacity(host.pageSize)) {
      const page = host.writePage(head);
      writeU32(page, IDS + 4 * n, pageNo);
      writeU32(page, COUNT, n + 1);
      host.freelistCount += 1;
      return;
    }
  }
  const trunk = host.writePage(pageNo);
  trunk.fill(0);
  writeU32(trunk, NEXT, head);
  host.freelistHead = pageNo;
}

export interface FreelistWalk {
  /** Free page ids held in trunks (the header's freelist_count). */
  readonly freeCount: number;
  readonly trunkCount: number;
}

/**
 * Walks the chain from `head`, bounding every id and detecting cycles (a page seen twice,
 * as trunk or entry), so a damaged chain yields ERR_CORRUPTION, never a loop.
 */
export function walkFreelist(
  head: number,
  pageCount: number,
  pageSize: number,
  readPage: (pageNo: number) => Uint8Array,
): FreelistWalk {
  const seen = new Set<number>();
  let freeCount = 0;
  let trunkCount = 0;
  let from = 1;
  for (let t = head; t !== 0; ) {
    if (t < 2 || t > pageCount) throw corrupt(from, `freelist page id ${t} out of range`);
    if (seen.has(t)) throw corrupt(t, 'freelist chain has a cycle');
    seen.add(t);
    trunkCount++;
    const page = readPage(t);
    const n = checkTrunk(page, t, pageSize, pageCount);
    for (let i = 0; i < n; i++) {
      const id = readU32(page, IDS + 4 * i);
      if (id < 2 || id > pageCount) throw corrupt(t, `free page id ${id} out of range`);
      if (seen.has(id)) throw corrupt(t, `free page ${id} listed twice`);
      seen.add(id);
    }
    freeCount += n;
    from = t;
    t = readU32(page, NEXT);
  }
  return { freeCount, trunkCount };
}
