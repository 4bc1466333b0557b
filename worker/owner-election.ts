/**
 * OwnerElection: one owner per database name among every worker that connects to it
 * (ADR-0005). Each worker queues for the owner Web Lock; the holder opens the database and
 * serves requests from a BroadcastChannel; the others route their requests to it and get
 * answers on their own channel. When the owner dies its lock passes to the next worker in line.
 * Does not execute operations (RequestQueue) or touch storage (the `becomeOwner` callback).
 *
 * Per request, as a follower sees it:
 *   sent ──started──▶ started ──response──▶ done
 *     │                 │
 *     └─ new owner ─▶ resent once to the new owner (it never ran)
 *                       └─ new owner ─▶ ERR_BROWSER_OWNER_LOST {retryable, outcome:'unknown'}
 * Invariant: a request is executed at most once; the new owner never replays (requests
 * carry `to`, and an owner ignores requests addressed to another).
 */
import { DecentDBError } from '../src/util/index.js';
import type { Operation } from './api.js';
import { sleep } from './dom-util.js';
import { channelNames, decodeError, encodeError, ownerLost, parseMessage, PROTOCOL_VERSION } from './protocol.js';
import type { ChannelNames, ClientMessage, ControlMessage, RequestMessage } from './protocol.js';
import type { Outcome, RequestQueue } from './request-queue.js';

/** The subset of navigator.locks used here (a fake stands in for it in Node tests). */
export interface LockManagerLike {
  request<T>(name: string, options: { mode?: 'exclusive'; ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

export interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((ev: MessageEvent) => void) | null;
}

export interface CoordinationEnv {
  readonly locks: LockManagerLike;
  readonly openChannel: (name: string) => ChannelLike;
}

/** What a worker has once it owns the database. */
export interface OwnerSide {
  readonly queue: RequestQueue;
  readonly storage: 'opfs' | 'idb';
  close(): Promise<void>;
}

export interface OwnerElectionOptions {
  readonly name: string;
  readonly clientId: string;
  readonly openTimeoutMs: number;
  /** Wait after a new owner appears before deciding a request never started (late `started`). */
  readonly handoffGraceMs?: number;
  readonly becomeOwner: () => Promise<OwnerSide>;
}

/** The platform's locks and channels, or ERR_BROWSER_COORDINATION_UNAVAILABLE. */
export function browserCoordination(): CoordinationEnv {
  const g = globalThis as unknown as { navigator?: { locks?: LockManagerLike }; BroadcastChannel?: new (name: string) => ChannelLike };
  const locks = g.navigator?.locks;
  const Channel = g.BroadcastChannel;
  if (locks === undefined || Channel === undefined) {
    throw new DecentDBError('ERR_BROWSER_COORDINATION_UNAVAILABLE', 'Web Locks and BroadcastChannel are required to share a database between tabs',
      { webLocks: locks !== undefined, broadcastChannel: Channel !== undefined });
  }
  return { locks, openChannel: (name) => new Channel(name) };
}

interface InFlight {
  readonly requestId: number;
  readonly op: Operation;
  readonly txId: number | undefined;
  to: string;
  started: boolean;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

export class OwnerElection {
  readonly counters = { handoffs: 0, resent: 0, lostInFlight: 0, served: 0 };
  private readonly names: ChannelNames;
  /** This worker's client id (its id as an owner too). */
  private readonly me: string;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly abort = new AbortController();
  /** Owner side: the answer channel of each live client (closed when its life lock frees). */
  private readonly clientChannels = new Map<string, ChannelLike>();
  private ownerId: string | undefined;
  private ownerStorage: 'opfs' | 'idb' | undefined;
  private owner: OwnerSide | undefined;
  private ownerFailure: unknown;
  private control: ChannelLike | undefined;
  private responses: ChannelLike | undefined;
  private requests: ChannelLike | undefined;
  /** Sending side of the requests channel (followers), opened on first use. */
  private requestsOutChannel: ChannelLike | undefined;
  private releaseOwnerLock: (() => void) | undefined;
  private releaseClientLock: (() => void) | undefined;
  private ownerWaiters: Array<() => void> = [];
  /** This client held the owner's writer at its last answer (a transaction is open). */
  private holdsTransaction = false;
  /** The owner died while this client's transaction was open; see `call`. */
  private transactionLost = false;
  private closed = false;

  constructor(private readonly env: CoordinationEnv, private readonly options: OwnerElectionOptions) {
    this.names = channelNames(options.name);
    this.me = options.clientId;
  }

  get isOwner(): boolean {
    return this.owner !== undefined;
  }

  get currentOwner(): string | undefined {
    return this.ownerId;
  }

  get storage(): 'opfs' | 'idb' | undefined {
    return this.ownerStorage;
  }

  /** Joins the election; resolves once an owner (maybe this worker) is known. */
  async start(): Promise<void> {
    const { locks } = this.env;
    await new Promise<void>((granted, failed) => {
      locks.request(this.names.clientLock(this.me), { mode: 'exclusive' }, () => {
        granted();
        return new Promise<void>((release) => (this.releaseClientLock = release));
      }).catch(failed);
    });
    this.control = this.env.openChannel(this.names.control);
    this.control.onmessage = (ev) => this.onControl(ev.data);
    this.responses = this.env.openChannel(this.names.client(this.me));
    this.responses.onmessage = (ev) => this.onClientMessage(ev.data);
    locks.request(this.names.ownerLock, { mode: 'exclusive', signal: this.abort.signal }, () => this.holdOwnership())
      .catch(() => undefined); // rejected only by our own abort at close
    this.post(this.control, { v: PROTOCOL_VERSION, kind: 'discover', clientId: this.me });
    await this.waitForOwner();
    if (this.ownerFailure !== undefined && this.ownerId === this.me) throw this.ownerFailure;
  }

  /** Runs `op` on the owner (here, or routed); rejects with DecentDBError. */
  call(requestId: number, op: Operation, txId?: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new DecentDBError('ERR_BROWSER_DB_CLOSED', 'the database is closed'));
    if (this.transactionLost) return this.afterLostTransaction(requestId, op);
    return new Promise((resolve, reject) => {
      const f: InFlight = { requestId, op, txId, to: '', started: false, resolve, reject };
      this.inFlight.set(requestId, f);
      void this.send(f);
    });
  }

  /**
   * After the owner died inside this client's transaction, nothing may run outside it as if it
   * were still open (that would commit half a transaction): every request fails as
   * rolled-back until the client ends the transaction with rollback (ok) or commit (fails).
   */
  private afterLostTransaction(requestId: number, op: Operation): Promise<unknown> {
    const sql = op.kind === 'exec' ? op.args[0].trimStart().slice(0, 8).toUpperCase() : '';
    const ends = op.kind === 'rollback' || op.kind === 'commit' || sql.startsWith('ROLLBACK') || sql.startsWith('COMMIT') || sql.startsWith('END');
    if (ends) this.transactionLost = false;
    if (op.kind === 'rollback' || sql.startsWith('ROLLBACK')) return Promise.resolve(undefined);
    return Promise.reject(ownerLost('the database owner went away during this transaction; it was rolled back',
      { requestId, outcome: 'rolled-back' }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const f of this.inFlight.values()) f.reject(new DecentDBError('ERR_BROWSER_DB_CLOSED', 'the database was closed'));
    this.inFlight.clear();
    if (this.owner !== undefined) {
      const owner = this.owner;
      this.owner = undefined;
      owner.queue.close();
      this.requests?.close();
      await owner.close(); // handles released before the lock passes on
    }
    this.releaseOwnerLock?.();
    this.releaseClientLock?.();
    this.control?.close();
    this.responses?.close();
    this.requestsOutChannel?.close();
    for (const c of this.clientChannels.values()) c.close();
    this.clientChannels.clear();
  }

  /** Lock callback: open the database, announce, and hold the lock until close. */
  private async holdOwnership(): Promise<void> {
    if (this.closed) return;
    const held = new Promise<void>((release) => (this.releaseOwnerLock = release));
    try {
      this.owner = await this.options.becomeOwner();
    } catch (e) {
      this.ownerFailure = e;
    }
    if (this.closed) {
      await this.owner?.close();
      this.owner = undefined;
      return;
    }
    if (this.owner !== undefined) {
      this.requests = this.env.openChannel(this.names.requests);
      this.requests.onmessage = (ev) => this.onRequest(ev.data);
    }
    this.setOwner(this.me, this.owner?.storage);
    if (this.owner === undefined) this.releaseOwnerLock?.(); // cannot serve: let the next worker try
    this.hello();
    await held;
  }

  private setOwner(ownerId: string, storage: 'opfs' | 'idb' | undefined): void {
    const previous = this.ownerId;
    this.ownerId = ownerId;
    this.ownerStorage = storage;
    for (const w of this.ownerWaiters.splice(0)) w();
    if (previous !== undefined && previous !== ownerId) {
      this.counters.handoffs++;
      void this.rerouteAfterHandoff(previous);
    }
  }

  private async rerouteAfterHandoff(previous: string): Promise<void> {
    const lostTx = this.holdsTransaction;
    if (lostTx) {
      this.holdsTransaction = false;
      this.transactionLost = true;
    }
    const grace = this.options.handoffGraceMs ?? 50;
    if (grace > 0) await sleep(grace); // a late `started` from the old owner still counts
    for (const f of [...this.inFlight.values()]) {
      if (f.to !== previous) continue;
      if (f.started || f.txId !== undefined || lostTx) {
        this.inFlight.delete(f.requestId);
        this.counters.lostInFlight++;
        f.reject(ownerLost(f.started ? 'the database owner went away while running this request; it may or may not have completed'
          : 'the database owner went away; the transaction was rolled back',
        { requestId: f.requestId, outcome: f.started ? 'unknown' : 'rolled-back', previousOwner: previous }));
      } else {
        this.counters.resent++;
        void this.send(f);
      }
    }
  }

  private waitForOwner(): Promise<void> {
    if (this.ownerId !== undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ownerWaiters = this.ownerWaiters.filter((w) => w !== done);
        reject(new DecentDBError('ERR_BROWSER_OWNER_TIMEOUT', `no owner for database ${this.options.name} after ${this.options.openTimeoutMs} ms`,
          { name: this.options.name, retryable: true }));
      }, this.options.openTimeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.ownerWaiters.push(done);
    });
  }

  private async send(f: InFlight): Promise<void> {
    try {
      await this.waitForOwner();
    } catch (e) {
      this.inFlight.delete(f.requestId);
      f.reject(e);
      return;
    }
    if (!this.inFlight.has(f.requestId)) return;
    const to = this.ownerId ?? '';
    f.to = to;
    if (to === this.me) {
      if (this.owner === undefined) {
        this.inFlight.delete(f.requestId);
        f.reject(this.ownerFailure ?? new DecentDBError('ERR_BROWSER_DB_CLOSED', 'the database is closed'));
        return;
      }
      const req = this.request(f, to);
      const outcome = await this.owner.queue.submit(req, () => (f.started = true));
      this.settle(f.requestId, outcome);
      return;
    }
    this.post(this.requestsOutChannel ??= this.env.openChannel(this.names.requests), this.request(f, to));
  }

  private request(f: InFlight, to: string): RequestMessage {
    return { v: PROTOCOL_VERSION, kind: 'request', requestId: f.requestId, clientId: this.me, to, op: f.op, txId: f.txId };
  }

  private settle(requestId: number, outcome: Outcome): void {
    const f = this.inFlight.get(requestId);
    if (f === undefined) return;
    this.inFlight.delete(requestId);
    if (outcome.inTransaction !== undefined) this.holdsTransaction = outcome.inTransaction;
    if (outcome.ok) f.resolve(outcome.result);
    else f.reject(decodeError(outcome.error));
  }

  private onClientMessage(data: unknown): void {
    const m = parseMessage(data) as ClientMessage | undefined;
    if (m === undefined) return;
    const f = this.inFlight.get(m.requestId);
    if (f === undefined || m.ownerId !== f.to) return;
    if (m.kind === 'started') f.started = true;
    else if (m.kind === 'response') this.settle(m.requestId, m);
  }

  private onControl(data: unknown): void {
    const m = parseMessage(data) as ControlMessage | undefined;
    if (m === undefined || this.closed) return;
    if (m.kind === 'discover') this.hello();
    else if (m.kind === 'owner-hello' && m.ownerId !== this.me) this.setOwner(m.ownerId, m.storage);
  }

  /** Announces this worker as the owner (when it is one). */
  private hello(): void {
    if (this.owner !== undefined) this.post(this.control, { v: PROTOCOL_VERSION, kind: 'owner-hello', ownerId: this.me, storage: this.owner.storage });
  }

  /** Owner side: a routed request arrives. */
  private onRequest(data: unknown): void {
    const m = parseMessage(data);
    const owner = this.owner;
    if (m === undefined || m.kind !== 'request' || owner === undefined || m.to !== this.me) return;
    const reply = this.clientChannel(m.clientId, owner);
    const ownerId = this.me;
    this.counters.served++;
    void owner.queue.submit(m, () => this.post(reply, { v: PROTOCOL_VERSION, kind: 'started', requestId: m.requestId, ownerId }))
      .then((outcome) => {
        if (this.owner !== owner) return; // closed meanwhile: the client resends or reports the loss
        this.post(reply, { ...outcome, v: PROTOCOL_VERSION, kind: 'response', requestId: m.requestId, ownerId, inTransaction: outcome.inTransaction === true });
      });
  }

  /**
   * The client's answer channel, opened at its first request; the owner then waits on the
   * client's life lock and, when it frees (the client died or closed), drops its state.
   */
  private clientChannel(clientId: string, owner: OwnerSide): ChannelLike {
    let c = this.clientChannels.get(clientId);
    if (c === undefined) {
      const channel = c = this.env.openChannel(this.names.client(clientId));
      this.clientChannels.set(clientId, c);
      this.env.locks.request(this.names.clientLock(clientId), { mode: 'exclusive', signal: this.abort.signal }, () => {
        if (this.owner === owner) owner.queue.dropClient(clientId);
        channel.close();
        this.clientChannels.delete(clientId);
      }).catch(() => undefined); // aborted at close
    }
    return c;
  }

  private post(channel: ChannelLike | undefined, message: RequestMessage | ClientMessage | ControlMessage): void {
    try {
      channel?.postMessage(message);
    } catch (e) {
      // A closed channel (we are shutting down) or an uncloneable value: answer the sender locally.
      if (message.kind === 'request') {
        const f = this.inFlight.get(message.requestId);
        if (f !== undefined) this.settle(message.requestId, { ok: false, error: encodeError(e) });
      } else if (message.kind === 'response' && message.ok) {
        this.post(channel, { ...message, ok: false, error: encodeError(e) });
      }
    }
  }
}
