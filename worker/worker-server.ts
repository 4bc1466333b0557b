/**
 * The object a Dedicated Worker exposes through Comlink: HostApi's methods made async (by the
 * AsyncApi mapped type, so they cannot drift), plus init/status/close. Each call becomes a
 * request with an id, routed by OwnerElection to the owner (maybe this worker) and run there
 * by the RequestQueue over engine-host.ts. Errors leave as plain {decentdb: WireError} values
 * (Comlink would strip the code from an Error); client.ts rebuilds DecentDBError.
 */
import { expose, transfer } from 'comlink';
import { DecentDBError } from '../src/util/index.js';
import { HOST_METHODS } from './api.js';
import type { AsyncApi, HostApi, HostMethod, Operation, WorkerInit, WorkerStatus } from './api.js';
import { DatabaseHost } from './database-host.js';
import type { EngineOpener } from './engine-host.js';
import { browserCoordination, OwnerElection } from './owner-election.js';
import type { CoordinationEnv, OwnerSide } from './owner-election.js';
import { encodeError } from './protocol.js';
import type { WireError } from './protocol.js';
import { RequestQueue } from './request-queue.js';
import { openStorage } from './storage.js';

export interface RemoteControl {
  /** Joins the database's election; resolves once an owner is known (and, if this worker, open). */
  init(init: WorkerInit): Promise<WorkerStatus>;
  status(): Promise<WorkerStatus>;
  close(): Promise<void>;
}

/** What client.ts sees through Comlink. */
export type RemoteDatabase = AsyncApi<HostApi> & RemoteControl;

/** The shape of an error crossing Comlink. */
export interface ThrownWireError {
  readonly decentdb: WireError;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw { decentdb: encodeError(e) } satisfies ThrownWireError;
  }
}

export function createWorkerEndpoint(opener: EngineOpener, coordination: () => CoordinationEnv = browserCoordination): RemoteDatabase {
  let election: OwnerElection | undefined;
  let init: WorkerInit | undefined;
  let nextRequestId = 1;
  let txId: number | undefined;

  const joined = (): OwnerElection => {
    if (election === undefined) throw new DecentDBError('ERR_BROWSER_DB_CLOSED', 'the worker is not initialised');
    return election;
  };

  const status = (): WorkerStatus => {
    const e = joined();
    return { clientId: init?.clientId ?? '', ownerId: e.currentOwner ?? '', isOwner: e.isOwner, storage: e.storage ?? 'idb' };
  };

  const call = async (op: Operation): Promise<unknown> => {
    const e = joined();
    const requestId = nextRequestId++;
    const scope = txId;
    try {
      const result = await e.call(requestId, op, scope);
      if (op.kind === 'begin') txId = requestId;
      return result;
    } finally {
      // Commit and rollback end the transaction whatever their outcome (the owner ended it too).
      if ((op.kind === 'commit' || op.kind === 'rollback') && scope !== undefined) txId = undefined;
    }
  };

  const becomeOwner = async (options: WorkerInit): Promise<OwnerSide> => {
    const storage = await openStorage(options.name, options.storage, { quotaBytes: options.simulatedQuotaBytes });
    let host: DatabaseHost;
    try {
      host = new DatabaseHost(opener, storage.vfs, storage.path, options); // the opener reads durability and cacheSizeBytes
    } catch (e) {
      await storage.close();
      throw e;
    }
    const queue = new RequestQueue(host, () => storage.afterWrite());
    return {
      queue,
      storage: storage.kind,
      close: async () => {
        try {
          host.close();
        } finally {
          await storage.close(); // release the handles even when the engine's last checkpoint failed
        }
      },
    };
  };

  const methods = {} as Record<HostMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const kind of HOST_METHODS) {
    methods[kind] = (...args: unknown[]) => guard(async () => {
      const result = await call({ kind, args } as unknown as Operation);
      return result instanceof Uint8Array ? transfer(result, [result.buffer]) : result; // export bytes move, not copy
    });
  }

  const control: RemoteControl = {
    init: (options) => guard(async () => {
      if (election !== undefined) throw new DecentDBError('ERR_BROWSER_INTERNAL', 'init called twice');
      init = options;
      election = new OwnerElection(coordination(), {
        name: options.name,
        clientId: options.clientId,
        openTimeoutMs: options.openTimeoutMs,
        becomeOwner: () => becomeOwner(options),
      });
      try {
        await election.start();
      } catch (e) {
        await election.close();
        election = undefined;
        throw e;
      }
      return status();
    }),
    status: () => guard(async () => status()),
    close: () => guard(async () => {
      await election?.close();
      election = undefined;
    }),
  };
  return { ...(methods as unknown as AsyncApi<HostApi>), ...control };
}

/** Worker entry helper: exposes the endpoint on the worker's global scope. */
export function serveWorker(opener: EngineOpener): void {
  expose(createWorkerEndpoint(opener));
}
