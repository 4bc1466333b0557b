// Overflow page chains (spec/native-format.md §1.5): values too long for a leaf cell, and
// record-level overflow (kinds 6/7/10/11) via the totalLen form. No type byte on these pages.
//   off size field
//    0   4   next       next page id, 0 = end of chain
//    4   4   chunkLen   bytes used on this page (<= pageSize - 8)
//    8   ..  chunk
// Loops are caught with Brent's cycle detection, so a corrupt chain never hangs.
import { corrupt, readU32, writeU32 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { pageLimit } from './page-view.js';

const NEXT = 0;
const CHUNK_LEN = 4;
const CHUNK = 8;

/** Counts pages of overflow chains walked (tests assert on it). @internal */
export const overflowStats = { pagesRead: 0, pagesWritten: 0 };

/**
 * Writes `bytes` into a new chain, each page filled with up to pageSize - 8 bytes.
 * @returns the head page id.
 * @example const head = writeOverflowChain(store, new Uint8Array(10_000));
 */
export function writeOverflowChain(store: PageStore, bytes: Uint8Array): number {
  const cap = store.pageSize - CHUNK;
  const pages = Math.max(1, Math.ceil(bytes.length / cap));
  const head = store.allocate();
  let pageNo = head;
  for (let i = 0; i < pages; i++) {
    const next = i + 1 < pages ? store.allocate() : 0;
    const img = store.write(pageNo);
    const from = i * cap;
    const len = Math.min(cap, bytes.length - from);
    writeU32(img, NEXT, next);
    writeU32(img, CHUNK_LEN, len);
    img.set(bytes.subarray(from, from + len), CHUNK);
    img.fill(0, CHUNK + len);
    overflowStats.pagesWritten++;
    pageNo = next;
  }
  return head;
}

/** Walks a chain calling `visit(pageNo, image, chunkLen)`; bounded and cycle-checked. */
function walkChain(
  store: PageStore,
  head: number,
  visit: (pageNo: number, img: Uint8Array, len: number) => boolean,
): void {
  const limit = pageLimit(store);
  const cap = store.pageSize - CHUNK;
  let pageNo = head;
  let saved = 0;
  let power = 1;
  let steps = 0;
  while (pageNo !== 0) {
    if (pageNo < 2 || pageNo > limit) throw corrupt(pageNo, 'overflow page id out of range');
    if (pageNo === saved) throw corrupt(pageNo, 'overflow chain loops');
    if (++steps === power) {
      saved = pageNo;
      power *= 2;
      steps = 0;
    }
    const img = store.read(pageNo);
    overflowStats.pagesRead++;
    const len = readU32(img, CHUNK_LEN);
    if (len > cap) throw corrupt(pageNo, `overflow chunk length ${len} exceeds ${cap}`);
    const next = readU32(img, NEXT);
    if (!visit(pageNo, img, len)) return;
    pageNo = next;
  }
}

/**
 * Reads a chain. Without `totalLen`, reads to the page whose next is 0 (B+Tree value overflow);
 * with it, stops after that many bytes and requires the chain to hold them (record overflow).
 */
export function readOverflowChain(store: PageStore, head: number, totalLen?: number): Uint8Array {
  if (head === 0) throw corrupt(0, 'overflow chain head is 0');
  if (totalLen !== undefined) {
    const cap = store.pageSize - CHUNK;
    const maxPages = pageLimit(store);
    if (!Number.isSafeInteger(totalLen) || totalLen < 0 || Math.ceil(totalLen / cap) > maxPages) {
      throw corrupt(head, `overflow length ${totalLen} out of range`);
    }
    const out = new Uint8Array(totalLen);
    let pos = 0;
    walkChain(store, head, (_n, img, len) => {
      const take = Math.min(len, totalLen - pos);
      out.set(img.subarray(CHUNK, CHUNK + take), pos);
      pos += take;
      return pos < totalLen;
    });
    if (pos < totalLen) throw corrupt(head, `overflow chain ends after ${pos} of ${totalLen} bytes`);
    return out;
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  walkChain(store, head, (_n, img, len) => {
    chunks.push(img.subarray(CHUNK, CHUNK + len));
    total += len;
    return true;
  });
  if (chunks.length === 1) return chunks[0]!.slice();
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** Returns every page of a chain to the freelist. */
export function freeOverflowChain(store: PageStore, head: number): void {
  const pages: number[] = [];
  walkChain(store, head, (n) => {
    pages.push(n);
    return true;
  });
  for (const n of pages) store.free(n);
}

/** Number of pages in a chain (stats, checks). */
export function overflowChainPages(store: PageStore, head: number): number {
  let n = 0;
  walkChain(store, head, () => {
    n++;
    return true;
  });
  return n;
}
