/**
 * The versioned messages between tabs' workers (ADR-0005): requests routed to the owner,
 * responses and start notices back to the client, and owner-election control messages. Every
 * message is a `kind`-tagged plain object with `v`; errors cross as {code, message, details}
 * and are rebuilt as DecentDBError. Does not send anything itself (owner-election.ts does).
 */
import { DecentDBError, toDecentDBError } from '../src/util/index.js';
import type { Operation } from './api.js';

export const PROTOCOL_VERSION = 1;

/** BroadcastChannel and Web Lock names for one database; the version is part of each name. */
export interface ChannelNames {
  /** Held (exclusive) by the owner's worker for its whole life. */
  readonly ownerLock: string;
  /** Requests to the owner; only the owner listens. */
  readonly requests: string;
  /** Election control: discover, owner-hello. */
  readonly control: string;
  /** Responses for one client; only that client listens. */
  client(clientId: string): string;
  /** Held by each client's worker for its life; the owner waits on it to notice a dead client. */
  clientLock(clientId: string): string;
}

export function channelNames(dbName: string): ChannelNames {
  const base = `decentdb.v${PROTOCOL_VERSION}:${encodeURIComponent(dbName)}`;
  return {
    ownerLock: `${base}:owner`,
    requests: `${base}:requests`,
    control: `${base}:control`,
    client: (clientId) => `${base}:client:${clientId}`,
    clientLock: (clientId) => `${base}:client-lock:${clientId}`,
  };
}

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** A request from a client to the owner `to`; `txId` scopes it to the client's transaction. */
export interface RequestMessage {
  readonly v: number;
  readonly kind: 'request';
  readonly requestId: number;
  readonly clientId: string;
  readonly to: string;
  readonly txId?: number;
  readonly op: Operation;
}

/** Sent by the owner just before it executes a request (a later loss means "outcome unknown"). */
export interface StartedMessage {
  readonly v: number;
  readonly kind: 'started';
  readonly requestId: number;
  readonly ownerId: string;
}

/** `inTransaction`: the client holds the owner's writer after this request (ADR-0005). */
export type ResponseMessage =
  | { readonly v: number; readonly kind: 'response'; readonly requestId: number; readonly ownerId: string; readonly ok: true; readonly result: unknown; readonly inTransaction?: boolean }
  | { readonly v: number; readonly kind: 'response'; readonly requestId: number; readonly ownerId: string; readonly ok: false; readonly error: WireError; readonly inTransaction?: boolean };

export type ControlMessage =
  | { readonly v: number; readonly kind: 'discover'; readonly clientId: string }
  | { readonly v: number; readonly kind: 'owner-hello'; readonly ownerId: string; readonly storage: 'opfs' | 'idb' };

export type ClientMessage = StartedMessage | ResponseMessage;
export type Message = RequestMessage | ClientMessage | ControlMessage;

/** The error's plain form (DecentDBError's own `toJSON`; foreign errors become ERR_INTERNAL). */
export const encodeError = (e: unknown): WireError => toDecentDBError(e).toJSON();

export const decodeError = (w: WireError): DecentDBError => DecentDBError.fromJSON(w);

const KINDS: ReadonlySet<unknown> = new Set<Message['kind']>(['request', 'started', 'response', 'discover', 'owner-hello']);

/** Narrows an incoming message; anything else (another version, junk) yields undefined. */
export function parseMessage(data: unknown): Message | undefined {
  const m = data as { v?: unknown; kind?: unknown } | null;
  return typeof m === 'object' && m !== null && m.v === PROTOCOL_VERSION && KINDS.has(m.kind) ? (data as Message) : undefined;
}

export const ownerLost = (message: string, details: Readonly<Record<string, unknown>>): DecentDBError =>
  new DecentDBError('ERR_BROWSER_OWNER_LOST', message, { retryable: true, ...details });
