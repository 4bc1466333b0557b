/**
 * BrowserDatabase.exportStream over a stand-in for the Comlink proxy (no worker): chunking,
 * the export ended (finalize) at the end, on cancel and on error, and no silent short image.
 * The real thing end to end: e2e/db.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { Remote } from 'comlink';
import { BrowserDatabase } from './client.js';
import type { RemoteDatabase, ThrownWireError } from './worker-server.js';

function fakeRemote(image: Uint8Array, options: { shortAt?: number; failAt?: number } = {}) {
  const calls: string[] = [];
  const remote = {
    exportOpen: async () => {
      calls.push('open');
      return { stmtId: 7, size: image.length };
    },
    exportRead: async (stmtId: number, offset: number, length: number) => {
      calls.push(`read ${offset}+${length}`);
      if (offset === options.failAt) throw { decentdb: { code: 'ERR_BROWSER_EXPORT_INVALIDATED', message: 'gone', details: { retryable: true } } } satisfies ThrownWireError;
      if (offset === options.shortAt) return new Uint8Array(0);
      expect(stmtId).toBe(7);
      return image.slice(offset, offset + length);
    },
    finalize: async (stmtId: number) => {
      calls.push(`finalize ${stmtId}`);
    },
  };
  const db = new BrowserDatabase(remote as unknown as Remote<RemoteDatabase>, { terminate: () => undefined } as unknown as Worker,
    { clientId: 'c', ownerId: 'c', isOwner: true, storage: 'opfs' });
  return { db, calls };
}

const image = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);

async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); r.done !== true; r = await reader.read()) out.push(r.value);
  return out;
}

describe('BrowserDatabase.exportStream', () => {
  it('pulls the image in chunks and ends the export after the last one', async () => {
    const { db, calls } = fakeRemote(image);
    const chunks = await drain(await db.exportStream({ chunkBytes: 4096 }));
    expect(chunks.map((c) => c.length)).toEqual([4096, 4096, 1808]);
    expect(Uint8Array.from(chunks.flatMap((c) => [...c]))).toEqual(image);
    expect(calls).toEqual(['open', 'read 0+4096', 'read 4096+4096', 'read 8192+4096', 'finalize 7']);
  });

  it('ends the export when the reader cancels, and uses a default chunk for a nonsense size', async () => {
    const { db, calls } = fakeRemote(image);
    const reader = (await db.exportStream({ chunkBytes: Number.NaN })).getReader();
    expect((await reader.read()).value?.length).toBe(image.length);
    await reader.cancel();
    expect(calls.at(-1)).toBe('finalize 7');
  });

  it('errors with the owner\'s DecentDBError (and ends the export) rather than hand out a short image', async () => {
    const failing = fakeRemote(image, { failAt: 4096 });
    await expect(drain(await failing.db.exportStream({ chunkBytes: 4096 }))).rejects.toMatchObject({ code: 'ERR_BROWSER_EXPORT_INVALIDATED' });
    expect(failing.calls.at(-1)).toBe('finalize 7');
    const short = fakeRemote(image, { shortAt: 4096 });
    await expect(drain(await short.db.exportStream({ chunkBytes: 4096 }))).rejects.toMatchObject({ code: 'ERR_BROWSER_INTERNAL' });
    expect(short.calls.at(-1)).toBe('finalize 7');
  });
});
