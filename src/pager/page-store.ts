/**
 * PageStore: all the B+Tree (and overflow chains, freelist users) see of the pager.
 * See docs/adr/0001-page-images-and-snapshots.md.
 *
 * Contract:
 * 1. `read(n)` returns page n as the current transaction sees it. Committed images are
 *    immutable and shared by every snapshot: callers never modify what `read` returns, and
 *    may keep it as long as they like (it stays a consistent image of that version).
 * 2. `write(n)` returns the write transaction's private, mutable image of page n (copied
 *    on first write in the transaction). After it, `read(n)` returns the same buffer. The
 *    buffer stays valid until `spillSafePoint()`, commit or rollback.
 * 3. `allocate()` returns a new page number, taken from the freelist or appended, whose
 *    image is zero-filled and already writable (as if `write` had been called).
 * 4. `free(n)` returns page n to the freelist (page 1 can never be freed).
 * 5. Pages are numbered from 1; page 1 holds the database header.
 * 6. `readPassing(n, ring)`, where a store offers it (snapshot readers), is `read(n)` for a
 *    scan passing through: the image may live in the scan's ring (scan-ring.ts) and is then
 *    valid only until the next `readPassing` with the same ring.
 */
import type { ScanRing } from './scan-ring.js';

export interface PageStore {
  readonly pageSize: number;
  read(pageNo: number): Uint8Array;
  readPassing?(pageNo: number, ring: ScanRing): Uint8Array;
  write(pageNo: number): Uint8Array;
  allocate(): number;
  free(pageNo: number): void;
}
