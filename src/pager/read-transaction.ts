/**
 * ReadTransaction: a snapshot reader. Sees exactly the last commit before `beginRead`, across
 * later commits and checkpoints (ADR-0001). Implements PageStore read-only; write, allocate
 * and free throw ERR_TRANSACTION. An aborted reader (timeout, WAL pinned, close) throws
 * ERR_TRANSACTION "read transaction aborted: …" at its next page read.
 */
import { corrupt, transactionError } from '../util/index.js';
import type { DbHeader } from './db-header.js';
import type { PageStore } from './page-store.js';
import type { Pager } from './pager.js';
import type { ScanRing } from './scan-ring.js';

export class ReadTransaction implements PageStore {
  readonly pageSize: number;
  /** @internal */ warned = false;
  private abortReason: string | undefined;
  private ended = false;

  /** @internal */
  constructor(
    private readonly pager: Pager,
    /** Commit LSN this reader sees (monotonic, ADR-0002). */
    readonly snapshotLsn: number,
    /** The committed header at the snapshot. */
    readonly header: DbHeader,
    /** @internal */ readonly startMs: number,
    /** @internal */ readonly appendedAtStart: number,
  ) {
    this.pageSize = pager.pageSize;
  }

  get active(): boolean {
    return !this.ended && this.abortReason === undefined;
  }

  read(pageNo: number): Uint8Array {
    this.checkRead(pageNo);
    return this.pager.readVersion(pageNo, this.snapshotLsn);
  }

  readPassing(pageNo: number, ring: ScanRing): Uint8Array {
    this.checkRead(pageNo);
    return this.pager.readPassing(pageNo, this.snapshotLsn, ring);
  }

  private checkRead(pageNo: number): void {
    if (this.ended) throw transactionError('read transaction has ended');
    if (this.abortReason !== undefined) throw transactionError(`read transaction aborted: ${this.abortReason}`);
    this.pager.check();
    if (!(pageNo >= 1 && pageNo <= this.header.pageCount)) {
      throw corrupt(pageNo, `page number out of range (database has ${this.header.pageCount} pages)`);
    }
  }

  write(_pageNo: number): Uint8Array {
    throw transactionError('cannot write in a read transaction');
  }

  allocate(): number {
    throw transactionError('cannot allocate in a read transaction');
  }

  free(_pageNo: number): void {
    throw transactionError('cannot free in a read transaction');
  }

  /** Ends the reader; it no longer holds back checkpoints. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pager.endRead(this);
  }

  /** @internal */
  abort(reason: string): void {
    if (this.abortReason === undefined) this.abortReason = reason;
  }
}
