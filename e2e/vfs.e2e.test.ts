import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startE2e } from './harness.js';
import type { E2eEnv } from './harness.js';
import type { CheckResult } from './pages/vfs-worker.js';

let env: E2eEnv;
let page: Page;

beforeAll(async () => {
  env = await startE2e();
  page = await env.open('vfs.html');
});
afterAll(async () => {
  await env?.close();
});

type W = { vfsWorker: Record<string, (...a: unknown[]) => Promise<unknown>>; measureTransport(n: number, r: number): Promise<Record<string, number>> };
const inWorker = <T>(method: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([m, a]) => (window as unknown as W).vfsWorker[m as string]!(...(a as unknown[])), [method, args] as const) as Promise<T>;

describe('OpfsVfs in a Chromium worker', () => {
  it('passes the Vfs contract', async () => {
    const results = await inWorker<CheckResult[]>('contractOpfs');
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(6);
  });

  it('passes the Vfs contract for files in the temp area (no spare handles)', async () => {
    const results = await inWorker<CheckResult[]>('contractOpfsTempArea');
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(6);
  });

  it('spills sorts, aggregates, joins and DISTINCT through many temporary files, and removes them', async () => {
    const r = await inWorker<{ same: boolean; sortSpills: number; operatorSpills: number; tempBytesAfter: number }>('opfsSpill');
    expect(r.same).toBe(true);
    expect(r.sortSpills).toBeGreaterThan(0);
    expect(r.operatorSpills).toBeGreaterThan(0);
    expect(r.tempBytesAfter).toBe(0);
  });

  it('keeps synced bytes across instances', async () => {
    expect(await inWorker<boolean>('opfsReopen')).toBe(true);
  });

  it('retries while another holder releases the file, without surfacing an error', async () => {
    const r = await inWorker<{ ok: boolean; retries: number }>('opfsBusyRetry');
    expect(r.ok).toBe(true);
    expect(r.retries).toBeGreaterThan(0);
  });

  it('fails a write past the quota cleanly and stays usable', async () => {
    const r = await inWorker<{ code: string; sizeAfter: number; usableAfter: boolean }>('opfsQuota');
    expect(r).toEqual({ code: 'ERR_BROWSER_QUOTA_EXCEEDED', sizeAfter: 8192, usableAfter: true });
  });
});

describe('IdbVfs in Chromium', () => {
  it('passes the Vfs contract', async () => {
    const results = await inWorker<CheckResult[]>('contractIdb');
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});

describe('measurements (printed, not asserted)', () => {
  it('OPFS write and write+flush latency; result transport for 10k rows', async () => {
    const lat = await inWorker<{ writeUs: number; writeFlushUs: number; commit8PagesUs: number }>('opfsLatency', 500);
    const transport = await page.evaluate(() => (window as unknown as W).measureTransport(10_000, 15));
    const clone = await inWorker<{ objectsMs: number; columnsMs: number }>('cloneCost', 20);
    const f = (o: Record<string, number>): string => Object.entries(o).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' ');
    process.stdout.write(`[measure] OPFS mean µs: ${f(lat)}\n`);
    process.stdout.write(`[measure] 10k rows worker→page round trip (median ms): ${f(transport)}\n`);
    process.stdout.write(`[measure] 10k rows structuredClone in worker (mean ms): ${f(clone)}\n`);
    expect(lat.writeFlushUs).toBeGreaterThan(0);
  });
});
