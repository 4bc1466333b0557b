/**
 * RequestQueue: the owner's single line of execution (ADR-0005). Requests from every client
 * run one at a time in arrival order, except that while a client's transaction is open only
 * that transaction's requests are eligible; the rest wait. After a request that may have
 * written, the queue awaits the storage flush before answering, so an acknowledged commit is
 * durable. Does not route messages or elect owners (owner-election.ts).
 *
 * Invariants:
 *  1. at most one request executes at a time, and nothing executes while a flush is awaited;
 *  2. `activeTx` is set exactly while the engine holds a transaction begun by that client,
 *     through `begin` (txId set) or through SQL BEGIN in exec/query (txId undefined);
 *  3. a request is executed at most once: it leaves `waiting` before `onStart` is called.
 */
import { DecentDBError } from '../src/util/index.js';
import { dispatch, READ_ONLY_METHODS } from './api.js';
import type { HostApi, Operation } from './api.js';
import { encodeError, ownerLost } from './protocol.js';
import type { WireError } from './protocol.js';

export interface QueuedRequest {
  readonly requestId: number;
  readonly clientId: string;
  /** The requestId of the `begin` that opened the transaction this request belongs to. */
  readonly txId?: number;
  readonly op: Operation;
}

/** `inTransaction`: after this request the client holds the writer (an open transaction). */
export type Outcome =
  | { readonly ok: true; readonly result: unknown; readonly inTransaction?: boolean }
  | { readonly ok: false; readonly error: WireError; readonly inTransaction?: boolean };

/** What the queue needs from the host beyond HostApi. */
export interface QueueHost extends HostApi {
  readonly inTransaction: boolean;
}

interface Waiting {
  readonly req: QueuedRequest;
  readonly onStart: (() => void) | undefined;
  readonly resolve: (o: Outcome) => void;
}

const failed = (e: unknown): Outcome => ({ ok: false, error: encodeError(e) });

/** Operations on a statement or export id (their first argument), which only its client may use. */
const STATEMENT_OPS: ReadonlySet<string> = new Set<Operation['kind']>(['run', 'step', 'reset', 'finalize', 'exportRead']);

export class RequestQueue {
  readonly counters = { executed: 0, flushes: 0, rejected: 0 };
  private waiting: Waiting[] = [];
  private activeTx: { readonly clientId: string; readonly txId: number | undefined } | undefined;
  private readonly stmtOwners = new Map<number, string>();
  private running = false;
  private closed = false;

  constructor(private readonly host: QueueHost, private readonly afterWrite: () => Promise<void>) {}

  /** Queues `req`; resolves with its outcome. `onStart` runs just before execution. */
  submit(req: QueuedRequest, onStart?: () => void): Promise<Outcome> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve(failed(ownerLost('the database owner is closing', { requestId: req.requestId })));
        return;
      }
      this.waiting.push({ req, onStart, resolve });
      void this.pump();
    });
  }

  /** A client went away: roll back its transaction, finalize its statements and exports, drop its requests. */
  dropClient(clientId: string): void {
    this.waiting = this.waiting.filter((w) => {
      if (w.req.clientId !== clientId) return true;
      w.resolve(failed(new DecentDBError('ERR_BROWSER_DB_CLOSED', 'client closed')));
      return false;
    });
    if (this.activeTx?.clientId === clientId) {
      this.activeTx = undefined;
      this.host.rollback();
    }
    for (const [stmtId, owner] of [...this.stmtOwners]) {
      if (owner !== clientId) continue;
      this.stmtOwners.delete(stmtId);
      this.host.finalize(stmtId);
    }
    void this.pump();
  }

  /** Rejects everything still waiting; the owner is going away. */
  close(): void {
    this.closed = true;
    for (const w of this.waiting) {
      w.resolve(failed(ownerLost('the database owner closed', { requestId: w.req.requestId, outcome: 'not-started' })));
    }
    this.waiting = [];
  }

  get queued(): number {
    return this.waiting.length;
  }

  get transactionClient(): string | undefined {
    return this.activeTx?.clientId;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const next = this.takeNext();
        if (next === undefined) break;
        next.onStart?.(); // invariant 3: already out of `waiting`
        const outcome = this.execute(next.req);
        if (!READ_ONLY_METHODS.has(next.req.op.kind)) {
          try {
            await this.afterWrite();
            this.counters.flushes++;
          } catch (e) {
            next.resolve(failed(e));
            continue;
          }
        }
        next.resolve(outcome);
      }
    } finally {
      this.running = false;
    }
  }

  /** The first eligible request, removed from `waiting`; ineligible ones stay in order. */
  private takeNext(): Waiting | undefined {
    for (let i = 0; i < this.waiting.length; i++) {
      const w = this.waiting[i]!; // i < length
      const tx = this.activeTx;
      const stale = w.req.txId !== undefined && (tx === undefined || tx.clientId !== w.req.clientId || tx.txId !== w.req.txId);
      const selfBlocked = tx !== undefined && tx.txId !== undefined && w.req.txId === undefined && tx.clientId === w.req.clientId;
      if (stale || selfBlocked) {
        this.waiting.splice(i--, 1);
        this.counters.rejected++;
        w.resolve(failed(stale
          ? ownerLost(`transaction ${w.req.txId} is no longer active (the owner changed or it ended)`, { requestId: w.req.requestId })
          : new DecentDBError('ERR_BROWSER_TRANSACTION_ACTIVE', 'this client has a transaction open; use its tx object')));
        continue;
      }
      if (tx === undefined || (tx.clientId === w.req.clientId && w.req.txId === tx.txId)) {
        this.waiting.splice(i, 1);
        return w;
      }
    }
    return undefined;
  }

  private execute(req: QueuedRequest): Outcome {
    this.counters.executed++;
    const op = req.op;
    try {
      if (STATEMENT_OPS.has(op.kind)) this.checkStatementOwner(op.args[0] as number, req.clientId);
      const result = dispatch(this.host, op);
      if (op.kind === 'begin') this.activeTx = { clientId: req.clientId, txId: req.requestId };
      else if (op.kind === 'commit' || op.kind === 'rollback') this.activeTx = undefined;
      else if (op.kind === 'prepare' || op.kind === 'exportOpen') this.stmtOwners.set((result as { stmtId: number }).stmtId, req.clientId);
      else if (op.kind === 'finalize') this.stmtOwners.delete(op.args[0]);
      this.trackSqlTransaction(req.clientId);
      return { ok: true, result, inTransaction: this.activeTx?.clientId === req.clientId };
    } catch (e) {
      if (op.kind === 'commit' && this.activeTx !== undefined) {
        // A failed commit ends the transaction: the engine rolled back or must now (invariant 2).
        this.activeTx = undefined;
        try {
          if (this.host.inTransaction) this.host.rollback();
        } catch {
          // The engine is now in its failed state (ERR_IO until reopened); the commit error says why.
        }
      }
      this.trackSqlTransaction(req.clientId);
      return { ok: false, error: encodeError(e), inTransaction: this.activeTx?.clientId === req.clientId };
    }
  }

  /** A client reaches only its own statements (ids of a dead owner's statements mean nothing here). */
  private checkStatementOwner(stmtId: number, clientId: string): void {
    if (this.stmtOwners.get(stmtId) !== clientId) {
      throw new DecentDBError('ERR_BROWSER_STATEMENT_CLOSED', `statement ${stmtId} is finalized or belonged to a previous owner; prepare it again`,
        { stmtId, retryable: true });
    }
  }

  /** A client that ran BEGIN as SQL holds the writer until its COMMIT/ROLLBACK (invariant 2). */
  private trackSqlTransaction(clientId: string): void {
    const inTx = this.host.inTransaction;
    if (this.activeTx === undefined && inTx) this.activeTx = { clientId, txId: undefined };
    else if (this.activeTx !== undefined && this.activeTx.txId === undefined && !inTx) this.activeTx = undefined;
  }
}
