/**
 * Drives e2e/pages/db.html from a test: calls the page's `api` (db-page.ts) and turns its
 * plain-data outcomes back into values or errors. No tests here.
 */
import type { Page } from 'playwright-core';
import type { E2eEnv } from './harness.js';
import type { DbPageApi } from './pages/db-page.js';

export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string; details: Record<string, unknown> | null };

let seq = 0;
/** A database name no earlier run (same browser profile) has used. */
export const dbName = (what: string): string => `${what}-${Date.now().toString(36)}-${seq++}`;

export async function run(page: Page, method: keyof DbPageApi, ...args: unknown[]): Promise<Outcome> {
  return page.evaluate(([m, a]) => {
    const api = (window as unknown as { api: Record<string, (...x: unknown[]) => Promise<unknown>> }).api;
    return api[m as string]!(...(a as unknown[]));
  }, [method, args] as const) as Promise<Outcome>;
}

export async function ok<T = unknown>(page: Page, method: keyof DbPageApi, ...args: unknown[]): Promise<T> {
  const o = await run(page, method, ...args);
  if (!o.ok) throw new Error(`${method}: ${o.code}: ${o.message}`);
  return o.value as T;
}

/** A new page connected to database `name`. */
export async function tab(env: E2eEnv, name: string, options: Record<string, unknown> = {}): Promise<Page> {
  const page = await env.open('db.html');
  await ok(page, 'connect', name, options);
  return page;
}

export const CREATE_T = 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)';

/** Values of t(v) in id order. */
export const values = async (page: Page): Promise<string[]> =>
  (await ok<unknown[][]>(page, 'query', 'SELECT v FROM t ORDER BY id', [], 'array')).map((r) => String(r[0]));

export const insert = (v: string): string => `INSERT INTO t (v) VALUES ('${v.replace(/'/g, "''")}')`;

/** Row `id` of the export-stream test's table (the page generates them, Node checks them). */
export const streamRow = (id: number): string => `row ${id} ${'abcdefghij'.repeat(3 + (id % 7))}`;
