/**
 * Pager: composes the main file, the PageCache, a PageLog (the WAL, ADR-0001) and the
 * freelist into snapshot read transactions and one write transaction at a time, with
 * durability modes (ADR-0003), checkpoints and long-reader policing. Does not know the WAL's
 * file format (src/wal) nor B+Tree pages (src/btree).
 *
 * States (sticky ERROR as in SQLite's pager):
 *   OPEN ──beginWrite──▶ WRITER ──commit/rollback──▶ OPEN      (readers any time: beginRead/end)
 *   any ──I/O error in commit, rollback, spill or checkpoint──▶ FAILED (every call: ERR_IO)
 *   any ──close──▶ CLOSED
 * Invariants:
 *  1. Committed images are immutable; the cache holds them keyed by (page, version LSN), the
 *     main-file version keyed 0. A checkpoint that copies version V of page P re-keys the
 *     cached (P, V) to (P, 0), replacing any old (P, 0); page 1 (header rewritten) is dropped.
 *  2. A checkpoint copies only versions with lsn ≤ min(live reader snapshots, last commit),
 *     after syncing the WAL; it truncates the WAL only when no reader is older than the last
 *     commit, else prunes the copied entries.
 *  3. Page 1 changes (root catalog, schema cookie, freelist) reach the WAL as page-1 images in
 *     the same commit as the data; the main file's page 1 is written only by checkpoints.
 */
import { DecentDBError, corrupt, ioError, transactionError } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';
import {
  BACKUP_HEADER_OFFSET, type DbHeader, type DbHeaderFields, HEADER_SIZE, decodeHeader, decodePage1, encodeHeader,
  newHeaderFields,
} from './db-header.js';
import { walkFreelist } from './freelist.js';
import { copyCheckpointPages } from './checkpoint-copy.js';

const isValidHeader = (page: Uint8Array): boolean => {
  try {
    decodeHeader(page);
    return true;
  } catch {
    return false;
  }
};
import { PageCache } from './page-cache.js';
import { ReadAhead } from './read-ahead.js';
import type { LogVersion, PageLog } from './page-log.js';
import {
  type CheckpointResult, type Durability, type PagerOptions, type PagerStats, type ResolvedPagerOptions,
  resolvePagerOptions,
} from './pager-options.js';
import { ReadTransaction } from './read-transaction.js';
import type { ScanRing } from './scan-ring.js';
import { WriteTransaction } from './write-transaction.js';

/** Set by every Pager read: whether the image came from the file now (a miss or read ahead), not from an earlier use. */
let freshRead = false;

/**
 * Whether the latest page read of any Pager returned an image first used just now: read on a
 * miss, or read ahead and accessed for the first time. A hint for readers passing through
 * (a forward scan decodes such a leaf without caching its view); stale after reads of other
 * stores (a transaction's own dirty pages), so only ever used for speed, never correctness.
 */
export const lastReadWasFresh = (): boolean => freshRead;

/** Opens the log of a database; src/wal supplies `Wal.open`. */
export type PageLogFactory = (vfs: Vfs, path: string, pageSize: number) => PageLog;

export const walPathOf = (path: string): string => `${path}-wal`;

export class Pager {
  readonly pageSize: number;
  /** @internal */ readonly cache: PageCache;
  private readonly ahead: ReadAhead;
  /** @internal */ readonly log: PageLog;
  /** @internal */ readonly options: ResolvedPagerOptions;
  private committed: DbHeader;
  private readonly readers = new Set<ReadTransaction>();
  /** Readers begun and not yet ended (aborted ones included: their cursors may still hold images). */
  private openReaders = 0;
  /** Open query cursors over any store (holdImages/releaseImages). */
  private holds = 0;
  private writer: WriteTransaction | null = null;
  /** The reader momentaryRead hands out while no commit has happened since. */
  private momentary: ReadTransaction | null = null;
  private failure: DecentDBError | null = null;
  private closed = false;
  private commitsSinceSync = 0;
  private lastSyncMs: number;
  private appendedAtCheckpoint = 0;
  /** Safe LSN of the last checkpoint that could not truncate (readers); +∞ after a truncation. */
  private blockedAtLsn = Number.POSITIVE_INFINITY;
  /**
   * Checkpoints begun: each may rewrite main-file pages a snapshot reads from the WAL and, by
   * truncating, send it to the main file for them, so ring contents of an earlier epoch are stale.
   */
  private mainEpoch = 0;
  private counters = { pagesRead: 0, ringPages: 0, dbSyncs: 0, checkpoints: 0, commits: 0, spilledPages: 0 };

  private constructor(
    private readonly main: VfsFile,
    readonly path: string,
    log: PageLog,
    options: ResolvedPagerOptions,
  ) {
    this.log = log;
    this.options = options;
    this.pageSize = log.pageSize;
    this.cache = new PageCache(options.cacheBytes, this.pageSize);
    this.ahead = new ReadAhead(this.pageSize, this.cache, {
      readMainAt: (buf, offset, pageNo) => this.readMain(pageNo, buf, offset),
      inLog: (pageNo, snapshotLsn) => this.log.find(pageNo, snapshotLsn) !== undefined,
      prefetched: (pages) => {
        this.counters.pagesRead += pages;
      },
    });
    this.lastSyncMs = options.clock();
    const last = log.lastCommitLsn;
    const mainPages = Math.ceil(main.size() / this.pageSize);
    const pageCount = Math.max(mainPages, log.maxPageNo, 1);
    const fields = decodePage1(this.readVersion(1, last));
    if (fields.pageSize !== this.pageSize) throw corrupt(1, `page size ${fields.pageSize} differs from the file's ${this.pageSize}`);
    const walk = walkFreelist(fields.freelistHead, pageCount, this.pageSize, (n) => this.readVersion(n, last));
    this.committed = Object.freeze({ ...fields, freelistCount: walk.freeCount, pageCount });
  }

  /**
   * Opens (or creates) the database at `path`: validates the header, recovers the WAL through
   * `openLog`, rebuilds the freelist count. Usable at once. Most callers use `openPager` (src/wal).
   */
  static open(vfs: Vfs, path: string, openLog: PageLogFactory, options?: PagerOptions): Pager {
    const opts = resolvePagerOptions(options);
    const walPath = walPathOf(path);
    const main = vfs.open(path, { mode: opts.mode === 'open' ? 'open' : 'openOrCreate' });
    let log: PageLog | undefined;
    try {
      let pageSize: number;
      if (main.size() === 0) {
        pageSize = opts.pageSize;
        if (vfs.exists(walPath)) vfs.delete(walPath);
        const page1 = new Uint8Array(pageSize);
        encodeHeader(newHeaderFields(pageSize), page1);
        encodeHeader(newHeaderFields(pageSize), page1.subarray(BACKUP_HEADER_OFFSET));
        main.write(page1, 0);
        main.sync();
      } else {
        const head = new Uint8Array(BACKUP_HEADER_OFFSET + HEADER_SIZE);
        if (main.read(head, 0) < HEADER_SIZE) throw corrupt(1, 'file is shorter than the database header');
        const fields = decodePage1(head);
        pageSize = fields.pageSize;
        if (!isValidHeader(head)) {
          // Torn primary (crash inside a checkpoint's header write): restore it from the backup.
          encodeHeader(fields, head);
          main.write(head.subarray(0, HEADER_SIZE), 0);
          main.sync();
        }
      }
      log = openLog(vfs, walPath, pageSize);
      // Every logged page id lies within the file the logged commits could have grown: the main
      // file's pages plus one page per logged frame. This bounds native WALs, whose frames
      // carry no checksum (ours cover the page id), so a damaged id never makes a checkpoint
      // write terabytes away.
      const pageBound = Math.ceil(main.size() / pageSize) + Math.ceil(log.sizeBytes / pageSize);
      if (log.maxPageNo > pageBound) {
        throw new DecentDBError('ERR_CORRUPTION', `WAL ${walPath}: page id ${log.maxPageNo} lies beyond any page the database can have (${pageBound})`, { path: walPath, pageNo: log.maxPageNo });
      }
      const pager = new Pager(main, path, log, opts);
      const rec = log.recovery;
      if (rec.discardedBytes > 0) {
        pager.warn('wal-recovery', `WAL recovery discarded ${rec.discardedBytes} bytes: ${rec.stopReason ?? 'uncommitted tail'}`, { ...rec });
      }
      return pager;
    } catch (e) {
      log?.close();
      main.close();
      if (e instanceof DecentDBError) throw e;
      throw ioError(`cannot open ${path}`, e, { path });
    }
  }

  /** The committed header (latest commit) plus the page count. */
  get header(): DbHeader {
    return this.committed;
  }

  get inWriteTransaction(): boolean {
    return this.writer !== null;
  }

  get readerCount(): number {
    return this.readers.size;
  }

  get stats(): PagerStats {
    const c = this.cache.stats;
    return {
      pagesRead: this.counters.pagesRead,
      cacheHits: c.hits,
      cacheMisses: c.misses,
      cacheEvictions: c.evictions,
      imagesReused: c.reused,
      scanRingPages: this.counters.ringPages,
      framesWritten: this.log.framesWritten,
      framesRewritten: this.log.framesRewritten,
      walSyncs: this.log.syncs,
      dbSyncs: this.counters.dbSyncs,
      checkpoints: this.counters.checkpoints,
      commits: this.counters.commits,
      spilledPages: this.counters.spilledPages,
      walBytes: this.log.sizeBytes,
    };
  }

  /** Starts a snapshot reader: it sees exactly the last commit before this call. */
  beginRead(): ReadTransaction {
    this.check();
    const r = new ReadTransaction(this, this.log.lastCommitLsn, this.committed, this.options.clock(), this.log.appendedBytes);
    this.readers.add(r);
    this.openReaders++;
    return r;
  }

  /**
   * Marks a cursor open over this pager's pages (a query iterating a write transaction, which
   * no reader count covers): evicted images are not reused until every hold is released.
   */
  holdImages(): void {
    this.holds++;
  }

  releaseImages(): void {
    this.holds--;
    this.quiesce();
  }

  /**
   * Tells the pager that the caller's operation is over and kept no page image: when no reader,
   * writer or held cursor is open either, the images evicted meanwhile become reusable
   * (page-cache.ts `recycle`). Calling it at any other time is safe (it does nothing then).
   */
  quiesce(): void {
    if (this.openReaders === 0 && this.holds === 0 && this.writer === null) this.cache.recycle();
  }

  /**
   * A snapshot of the last commit for ONE synchronous operation (a point lookup), reused across
   * calls until the next commit: not registered as a reader and never ended, so it costs
   * nothing per call. Sound only because nothing can commit or checkpoint before the caller
   * returns; a caller that keeps pages or a cursor past its own call must use beginRead.
   */
  momentaryRead(): ReadTransaction {
    this.check();
    const m = this.momentary;
    if (m !== null && m.snapshotLsn === this.log.lastCommitLsn && m.header === this.committed) return m;
    return (this.momentary = new ReadTransaction(this, this.log.lastCommitLsn, this.committed, 0, this.log.appendedBytes));
  }

  /** Starts the single write transaction; a second one while it is active is ERR_TRANSACTION. */
  beginWrite(opts?: { readonly durability?: Durability }): WriteTransaction {
    this.check();
    if (this.writer !== null) throw transactionError('a write transaction is already active');
    const w = new WriteTransaction(this, this.log.lastCommitLsn, this.committed, opts?.durability ?? this.options.durability);
    this.writer = w;
    return w;
  }

  /** Syncs the WAL if commits are unsynced ('normal'/'off' callers use it from a timer). */
  syncWal(): void {
    this.check();
    if (this.log.synced) return;
    this.guard(() => this.log.sync());
    this.commitsSinceSync = 0;
    this.lastSyncMs = this.options.clock();
  }

  /**
   * Copies committed pages no newer than the oldest live snapshot into the main file, writes
   * the header (last_checkpoint_lsn), syncs, then truncates the WAL when no reader needs it
   * or prunes the index. Not allowed inside a write transaction.
   */
  checkpoint(): CheckpointResult {
    this.check();
    if (this.writer !== null) throw transactionError('cannot checkpoint during a write transaction');
    this.policeReaders();
    return this.guard(() => this.runCheckpoint());
  }

  /** Rolls back an active writer, ends readers, checkpoints (by default) and closes the files. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.failure === null) {
        if (this.writer !== null) this.writer.rollback();
        for (const r of this.readers) r.abort('database closed');
        this.readers.clear();
        if (this.options.checkpointOnClose) this.checkpoint();
        else this.syncWal();
      }
    } finally {
      this.closed = true;
      this.log.close();
      this.main.close();
    }
  }

  // ---- internal: used by ReadTransaction / WriteTransaction ----

  /** @internal Throws the sticky failure or ERR_TRANSACTION when closed. */
  check(): void {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw transactionError('the database is closed');
  }

  /** @internal The committed image of `pageNo` as seen by `snapshotLsn` (cached). */
  readVersion(pageNo: number, snapshotLsn: number): Uint8Array {
    return this.readFound(pageNo, snapshotLsn, this.log.find(pageNo, snapshotLsn));
  }

  /** readVersion once the log has told which version `v` the snapshot sees (undefined: the main file's). */
  private readFound(pageNo: number, snapshotLsn: number, v: LogVersion | undefined): Uint8Array {
    const key = v === undefined ? 0 : v.lsn;
    let img = this.cache.get(pageNo, key);
    if (img !== undefined) {
      freshRead = this.cache.firstAccess;
      return img;
    }
    freshRead = true;
    if (v !== undefined) {
      img = this.cache.newImage();
      this.log.readPayload(pageNo, v.offset, img);
    } else img = this.ahead.read(pageNo, snapshotLsn);
    this.counters.pagesRead++;
    this.cache.put(pageNo, key, img);
    return img;
  }

  /**
   * @internal readVersion for a scan passing through with its own ScanRing: once the scan has
   * taken as many misses as the cache has pages, its main-file misses are read into the ring
   * (valid until the ring's next read) instead of the cache.
   */
  readPassing(pageNo: number, snapshotLsn: number, ring: ScanRing): Uint8Array {
    if (ring.misses < this.cache.capacityPages) {
      const img = this.readVersion(pageNo, snapshotLsn);
      if (freshRead) ring.misses++;
      return img;
    }
    const v = this.log.find(pageNo, snapshotLsn);
    if (v !== undefined) return this.readFound(pageNo, snapshotLsn, v);
    const held = ring.image(pageNo, this.pageSize, this.mainEpoch);
    if (held !== null) {
      freshRead = true; // never a cached view over a ring image
      return held;
    }
    const cached = this.cache.get(pageNo, 0);
    if (cached !== undefined) {
      freshRead = this.cache.firstAccess;
      return cached;
    }
    freshRead = true;
    const r = ring.fill(pageNo, this.pageSize, this.mainEpoch, (buf, offset) => this.readMain(pageNo, buf, offset));
    this.counters.pagesRead += r.pages;
    this.counters.ringPages += r.pages;
    return r.image;
  }

  /** @internal */
  endRead(r: ReadTransaction): void {
    this.readers.delete(r);
    this.openReaders--;
    this.quiesce();
  }

  /** @internal Runs `f`; an I/O error inside puts the pager in the sticky failed state. */
  guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof DecentDBError && e.code !== 'ERR_IO') throw e;
      const err = e instanceof DecentDBError ? e : ioError(`I/O failed on ${this.path}`, e, { path: this.path });
      this.failure = new DecentDBError('ERR_IO', `database is in a failed state after an I/O error; reopen it: ${err.message}`, { path: this.path }, { cause: err });
      throw err;
    }
  }

  /** @internal */
  noteSpill(pages: number): void {
    this.counters.spilledPages += pages;
  }

  /** @internal Publishes a commit (or a no-op commit) and ends the writer. */
  finishWrite(w: WriteTransaction, header: DbHeader | null, durability: Durability): void {
    if (this.writer !== w) return;
    this.writer = null;
    if (header === null) return;
    this.committed = header;
    this.counters.commits++;
    this.commitsSinceSync++;
    const now = this.options.clock();
    const o = this.options;
    const due = durability === 'full' ||
      (durability === 'normal' && (this.commitsSinceSync >= o.groupCommitMaxCommits || now - this.lastSyncMs >= o.groupCommitMaxDelayMs));
    if (due) {
      this.guard(() => this.log.sync());
      this.commitsSinceSync = 0;
      this.lastSyncMs = now;
    }
    this.policeReaders();
    if (this.checkpointDue()) {
      // The commit is done; an I/O error here leaves the pager failed for the next call.
      try {
        this.guard(() => this.runCheckpoint());
      } catch {
        /* recorded in this.failure by guard */
      }
    }
  }

  /** @internal Ends the writer without publishing anything. */
  abandonWrite(w: WriteTransaction): void {
    if (this.writer === w) this.writer = null;
  }

  /**
   * Auto-checkpoint rule: `checkpointThresholdBytes` appended since the last checkpoint, or the
   * WAL is over the threshold, the readers that blocked the last checkpoint have moved on, and
   * at least 1/8 of the threshold was appended since (bounds the checkpoint rate).
   */
  private checkpointDue(): boolean {
    const th = this.options.checkpointThresholdBytes;
    const appended = this.log.appendedBytes - this.appendedAtCheckpoint;
    if (appended >= th) return true;
    if (this.log.sizeBytes < th || appended < th / 8) return false;
    return this.oldestSnapshot() > this.blockedAtLsn;
  }

  private oldestSnapshot(): number {
    let safe = this.log.lastCommitLsn;
    for (const r of this.readers) if (r.snapshotLsn < safe) safe = r.snapshotLsn;
    return safe;
  }

  /** Reads main-file bytes for page `pageNo` on (at `offset`, or the page's own); returns the bytes read. */
  private readMain(pageNo: number, buf: Uint8Array, offset = (pageNo - 1) * this.pageSize): number {
    try {
      return this.main.read(buf, offset);
    } catch (e) {
      if (e instanceof DecentDBError) throw e;
      throw ioError(`read of page ${pageNo} failed: ${this.path}`, e, { path: this.path, pageNo });
    }
  }

  private warn(kind: 'long-reader' | 'reader-aborted' | 'wal-recovery', message: string, details?: Record<string, unknown>): void {
    const cb = this.options.onWarning;
    if (cb !== undefined) cb(details === undefined ? { kind, message } : { kind, message, details });
  }

  /** Aborts (or warns) readers that hold back the WAL too long or pin too much of it. */
  private policeReaders(): void {
    const o = this.options;
    const now = o.clock();
    const last = this.log.lastCommitLsn;
    for (const r of this.readers) {
      if (r.snapshotLsn >= last) continue;
      const age = now - r.startMs;
      const pinned = this.log.appendedBytes - r.appendedAtStart;
      let reason: string | undefined;
      if (age > o.readerTimeoutMs) reason = `timeout after ${age} ms (readerTimeoutMs ${o.readerTimeoutMs})`;
      else if (pinned > o.maxWalBytesPerReader) reason = `it pins ${pinned} WAL bytes (maxWalBytesPerReader ${o.maxWalBytesPerReader})`;
      if (reason !== undefined) {
        r.abort(reason);
        this.readers.delete(r);
        this.warn('reader-aborted', `read transaction aborted: ${reason}`, { ageMs: age, pinnedBytes: pinned });
      } else if (age > o.readerWarnMs && !r.warned) {
        r.warned = true;
        this.warn('long-reader', `read transaction open for ${age} ms holds back the WAL`, { ageMs: age, pinnedBytes: pinned });
      }
    }
  }

  private runCheckpoint(): CheckpointResult {
    this.mainEpoch++; // scan rings forget the main-file bytes they hold (readPassing)
    const log = this.log;
    const walBytesBefore = log.sizeBytes;
    const last = log.lastCommitLsn;
    const safe = this.oldestSnapshot();
    this.appendedAtCheckpoint = log.appendedBytes;
    this.blockedAtLsn = safe === last ? Number.POSITIVE_INFINITY : safe;
    // Commits reach stable storage before the main file changes (and a checkpoint is a sync
    // point for 'normal'/'off' commits even when nothing can be copied).
    if (!log.synced) {
      log.sync();
      this.commitsSinceSync = 0;
      this.lastSyncMs = this.options.clock();
    }
    const plan = log.checkpointPlan(safe);
    if (plan.length === 0) {
      // Every committed version already lives in the (synced) main file: drop the log.
      if (safe === last && log.hasFrames) {
        log.reset();
        this.counters.checkpoints++;
        return { pagesCopied: 0, walBytesBefore, walBytesAfter: log.sizeBytes, truncated: true, checkpointLsn: safe };
      }
      return { pagesCopied: 0, walBytesBefore, walBytesAfter: walBytesBefore, truncated: false, checkpointLsn: safe };
    }
    const page1 = this.readVersion(1, safe);
    let copied = copyCheckpointPages(plan, this.cache, log, this.main, this.pageSize);
    const buf = new Uint8Array(this.pageSize);
    // The copied versions are now the main file's: their cached images stay valid under key 0
    // (no reader can still look them up by their LSNs once the log forgets them).
    for (const { pageNo, version } of plan) if (pageNo !== 1) this.cache.rekey(pageNo, version.lsn, 0);
    const wantSize = this.committed.pageCount * this.pageSize;
    if (this.main.size() < wantSize) this.main.truncate(wantSize);
    // Backup header first (synced with the pages), then the primary: a torn primary write
    // leaves a valid backup (db-header.ts BACKUP_HEADER_OFFSET).
    const fields: DbHeaderFields = { ...decodePage1(page1), lastCheckpointLsn: log.toOffsetLsn(safe) };
    buf.set(page1);
    encodeHeader(fields, buf);
    encodeHeader(fields, buf.subarray(BACKUP_HEADER_OFFSET));
    this.main.write(buf.subarray(BACKUP_HEADER_OFFSET, BACKUP_HEADER_OFFSET + HEADER_SIZE), BACKUP_HEADER_OFFSET);
    this.main.sync();
    this.main.write(buf.subarray(0, HEADER_SIZE), 0);
    this.main.sync();
    this.counters.dbSyncs += 2;
    this.cache.invalidate(1, 0);
    copied++;
    const truncated = safe === last;
    if (truncated) log.reset();
    else log.prune(plan);
    if (safe === last) this.committed = Object.freeze({ ...this.committed, lastCheckpointLsn: fields.lastCheckpointLsn });
    this.counters.checkpoints++;
    return { pagesCopied: copied, walBytesBefore, walBytesAfter: log.sizeBytes, truncated, checkpointLsn: safe };
  }
}
