/**
 * ScanRing: a scan's private read buffer (Postgres's ring-buffer strategy for large sequential
 * scans). A forward scan over more pages than the cache holds gains nothing from caching them:
 * each image it brings in evicts another one the scan will not come back to, and costs a fresh
 * 4 KiB allocation, a cache entry and later garbage. Once a scan has taken as many misses as the
 * cache has pages, its further main-file misses are read into the ring instead: READ_AHEAD_PAGES
 * pages at a time when the scan runs through the file in order, one page otherwise, the same
 * buffer again and again, and never cached.
 *
 * Contract (the price of not allocating): an image from the ring is valid only until the next
 * read through the same ring. Only a reader that looks at one leaf at a time and copies what it
 * keeps may use one (a full-table Scan's cursor; btree-cursor.ts `ring`).
 *
 * Only main-file versions come from the ring; WAL versions and cached pages go through the
 * cache as before. A page the snapshot reads from the main file does not change while its
 * reader is open (a checkpoint copies no version newer than the oldest live snapshot, ADR-0002),
 * but one it reads from the WAL may: a checkpoint copies that very version into the main file
 * and, once it truncates the WAL, the snapshot reads the page from there. Bytes the ring read
 * before it are then stale, so the ring holds nothing across a checkpoint (`epoch`).
 */
import { READ_AHEAD_PAGES } from './read-ahead.js';

export class ScanRing {
  /** Misses this scan took through the cache; from the cache's capacity on, the ring serves. */
  misses = 0;
  private buf: Uint8Array | null = null;
  /** Page number of the ring's first image, and how many whole images it holds. */
  private first = 0;
  private count = 0;
  /** The pager's checkpoint epoch when the ring was filled. */
  private epoch = 0;

  /** The ring's image of main-file page `pageNo`, or null when it does not hold it (or held it before checkpoint `epoch`). */
  image(pageNo: number, pageSize: number, epoch: number): Uint8Array | null {
    const k = pageNo - this.first;
    if (k < 0 || k >= this.count || epoch !== this.epoch) return null;
    return this.buf!.subarray(k * pageSize, (k + 1) * pageSize);
  }

  /**
   * Reads main-file page `pageNo` into the ring, with the pages after it when the scan runs in
   * file order (it asks for the page right after the ring's last one), and returns its image.
   * `readAt(buf, offset)` reads at a byte offset of the main file and returns the bytes read
   * (short at the end of the file); `pages` is told how many pages were read.
   */
  fill(pageNo: number, pageSize: number, epoch: number, readAt: (buf: Uint8Array, offset: number) => number): { image: Uint8Array; pages: number } {
    const buf = (this.buf ??= new Uint8Array(READ_AHEAD_PAGES * pageSize));
    const sequential = this.count > 0 && pageNo === this.first + this.count;
    const span = sequential ? buf : buf.subarray(0, pageSize);
    const n = readAt(span, (pageNo - 1) * pageSize);
    if (n < pageSize) span.fill(0, Math.max(0, n), pageSize); // a hole past the end reads as zeros
    this.first = pageNo;
    this.count = Math.max(1, Math.floor(n / pageSize));
    this.epoch = epoch;
    return { image: buf.subarray(0, pageSize), pages: this.count };
  }
}
