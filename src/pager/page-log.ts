/**
 * PageLog: the services the Pager needs from the write-ahead log, declared here so the pager
 * (layer 2) never imports the WAL (layer 3); src/wal implements it and `openPager` wires the
 * two (ADR-0001). LSNs here are monotonic across WAL truncations (ADR-0002).
 */

/** One committed version of a page in the log: visible to snapshots with lsn ≥ `lsn`. */
export interface LogVersion {
  /** Commit LSN of the transaction that wrote this version. */
  readonly lsn: number;
  /** File offset of the page image (the frame payload) in the log. */
  readonly offset: number;
}

/** A position in the log the writer can return to (savepoints, rollback). */
export interface LogMark {
  readonly offset: number;
}

/** A page the checkpoint copies to the main file. */
export interface CheckpointPage {
  readonly pageNo: number;
  readonly version: LogVersion;
}

export interface PageLog {
  readonly pageSize: number;
  /** LSN of the newest committed transaction; never decreases while open. */
  readonly lastCommitLsn: number;
  /** Bytes the log file holds logically (header + frames, including uncommitted spill). */
  readonly sizeBytes: number;
  /** Bytes appended since open; never decreases (measures WAL pinned by a reader). */
  readonly appendedBytes: number;
  /** What opening found: bytes inside the claimed end that were not used, and why. */
  readonly recovery: { readonly discardedBytes: number; readonly stopReason: string | undefined };
  /** True when the log holds any frame beyond its header (committed or not). */
  readonly hasFrames: boolean;
  /** Largest page number with a committed version in the log (0 when none). */
  readonly maxPageNo: number;
  /** True when every committed frame has been synced. */
  readonly synced: boolean;
  /** Frames written since open, appended or rewritten in place (counter). */
  readonly framesWritten: number;
  /** Of `framesWritten`, the uncommitted frames rewritten in place rather than appended (counter). */
  readonly framesRewritten: number;
  /** Syncs issued since open (counter). */
  readonly syncs: number;

  /** Newest version of `pageNo` with lsn ≤ `snapshotLsn`, or undefined (read the main file). */
  find(pageNo: number, snapshotLsn: number): LogVersion | undefined;
  /** Fills `buf` (one page) with the image of `pageNo` stored at payload `offset`. */
  readPayload(pageNo: number, offset: number, buf: Uint8Array): void;

  /** The current append position (start of a write transaction or a savepoint). */
  mark(): LogMark;
  /** Forgets uncommitted frames after `mark` without I/O (savepoint rollback). */
  resetTo(mark: LogMark): void;
  /** Drops every uncommitted frame (whole-transaction rollback); may shrink the file. */
  rollback(): void;
  /**
   * Writes uncommitted PAGE frames for `pages` (in map order; private until commit). On entry
   * `offsets[i]` (one per page) is the payload offset of an uncommitted frame of the i-th page,
   * from an earlier spill of this transaction, to overwrite in place, or -1 to append a frame
   * (the new frames in one write). On return `offsets[i]` is the payload offset of the i-th
   * page's frame. Rewriting a frame no live savepoint needs keeps the log at one frame per
   * page (the caller decides which). ERR_INTERNAL when an offset is not such a frame.
   */
  spill(pages: ReadonlyMap<number, Uint8Array>, offsets: number[]): void;
  /**
   * Writes PAGE frames for `pages`, then a COMMIT frame; rewrites the log header end offset;
   * indexes `pages` and `spilled` (page → payload offset of its uncommitted frame) at the new
   * commit LSN. A page of `pages` that has a frame in `spilled` is written over that frame;
   * the others, then the COMMIT frame, are appended in one write. Does not sync. Returns the
   * commit LSN.
   */
  commit(pages: ReadonlyMap<number, Uint8Array>, spilled: ReadonlyMap<number, number>): number;
  sync(): void;

  /** For each page in the log, its newest version with lsn ≤ `safeLsn`. */
  checkpointPlan(safeLsn: number): CheckpointPage[];
  /** Drops index entries with lsn ≤ `safeLsn` for pages whose version was checkpointed. */
  prune(plan: readonly CheckpointPage[]): void;
  /** Empties the log (header end 0, new salt, file truncated) and synced; LSNs stay monotonic. */
  reset(): void;
  /** The on-disk (offset) LSN of a monotonic LSN of the current generation. */
  toOffsetLsn(lsn: number): number;
  close(): void;
}
