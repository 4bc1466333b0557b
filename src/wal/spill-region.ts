/**
 * SpillRegion: bookkeeping for the writer's uncommitted PAGE frames, the run of frames between
 * the WAL's committed end and its append position (issue 3, "the WAL stays bounded"). One slot
 * per frame: its page number, the CRC-32C of its body from seed 0, its chain value, and the
 * trailer last written for it. No I/O and no file format: wal.ts encodes and writes the frames.
 *
 * Why: a spill rewrites a page's earlier frame of the same transaction in place instead of
 * appending (SQLite does the same), which breaks the chained checksums (ADR-0002) of every frame
 * after it. Chain values follow from the body CRCs alone (chain_i = body_i ^ shift(chain_i-1),
 * wal-format.ts `chainShift`), so nothing is read back; the commit rewrites only the trailers
 * whose value on disk differs from the chain it computed (`staleTrailers`).
 *
 * Invariants:
 *  1. chains[i] is the true chain value after frame i for every i < validChains.
 *  2. For i < staleFrom, the trailer on disk equals the true chain value; from staleFrom on, a
 *     frame's trailer is right exactly when written[i] === chains[i] once chains are recomputed.
 */

/** No stale trailer. */
const NONE = 0x7fffffff;

export class SpillRegion {
  private pages = new Uint32Array(64);
  private bodyCrcs = new Int32Array(64);
  private chains = new Int32Array(64);
  private written = new Int32Array(64);
  private shift: ((seed: number) => number) | null = null;
  /** Frames in the region. */
  count = 0;
  private validChains = 0;
  private staleFrom = NONE;
  private seed = 0;

  constructor(
    private readonly frameSize: number,
    private readonly bodyLength: number,
    private readonly makeShift: (bodyLength: number) => (seed: number) => number,
  ) {}

  /** Empties the region; `seed` is the chain value after the last committed frame. */
  reset(seed: number): void {
    this.count = 0;
    this.validChains = 0;
    this.staleFrom = NONE;
    this.seed = seed;
  }

  /** Forgets every frame from index `n` on (savepoint rollback). */
  truncate(n: number): void {
    this.count = n;
    if (this.validChains > n) this.validChains = n;
    if (this.staleFrom >= n) this.staleFrom = NONE;
  }

  /** The frame index whose payload starts at byte `payloadOffset` of the region, or -1. */
  indexOf(payloadOffset: number, regionStart: number, headerSize: number): number {
    const rel = payloadOffset - headerSize - regionStart;
    if (rel < 0 || rel % this.frameSize !== 0) return -1;
    const i = rel / this.frameSize;
    return i < this.count ? i : -1;
  }

  pageAt(i: number): number {
    return this.pages[i]!;
  }

  /** Records frame `i`'s page and body CRC: i === count appends, i < count rewrites in place. */
  set(i: number, pageNo: number, bodyCrc: number): void {
    if (i === this.count) {
      if (i === this.pages.length) this.grow();
      this.count++;
    } else {
      // Invariant 1 and 2: every chain value from i on changes.
      if (this.validChains > i) this.validChains = i;
      if (this.staleFrom > i) this.staleFrom = i;
    }
    this.pages[i] = pageNo;
    this.bodyCrcs[i] = bodyCrc;
  }

  /** The chain value after frame `i` (the seed for i = -1); recomputes lazily (checksummed WALs only). */
  chainAt(i: number): number {
    if (i < 0) return this.seed;
    if (i >= this.validChains) this.recompute(i);
    return this.chains[i]! >>> 0;
  }

  /** Notes that frame `i`'s trailer on disk now holds `chain`. */
  wrote(i: number, chain: number): void {
    this.written[i] = chain;
  }

  /**
   * Calls `fix(i, chain)` for every frame whose trailer on disk differs from its chain value,
   * then considers them written. Frames whose trailers were never stale cost nothing.
   */
  staleTrailers(fix: (i: number, chain: number) => void): void {
    if (this.staleFrom >= this.count) return;
    this.recompute(this.count - 1);
    for (let i = this.staleFrom; i < this.count; i++) {
      const c = this.chains[i]!;
      if (this.written[i] !== c) {
        fix(i, c >>> 0);
        this.written[i] = c;
      }
    }
    this.staleFrom = NONE;
  }

  private recompute(upTo: number): void {
    const shift = this.shift ?? (this.shift = this.makeShift(this.bodyLength));
    let prev = this.validChains === 0 ? this.seed : this.chains[this.validChains - 1]! >>> 0;
    const chains = this.chains;
    const crcs = this.bodyCrcs;
    for (let i = this.validChains; i <= upTo; i++) {
      prev = (crcs[i]! ^ shift(prev)) >>> 0;
      chains[i] = prev;
    }
    this.validChains = upTo + 1;
  }

  private grow(): void {
    const n = this.pages.length * 2;
    const pages = new Uint32Array(n);
    pages.set(this.pages);
    this.pages = pages;
    for (const k of ['bodyCrcs', 'chains', 'written'] as const) {
      const a = new Int32Array(n);
      a.set(this[k]);
      this[k] = a;
    }
  }
}
