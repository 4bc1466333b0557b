/** Messages between the workload page and its SQLite WASM worker (ids pair answers with requests). */
import type { ResultRow, SqlParams } from './workload.js';

export type SqliteRequest =
  | { readonly id: number; readonly kind: 'import'; readonly bytes: ArrayBuffer }
  | { readonly id: number; readonly kind: 'open'; readonly cacheKiB: number }
  | { readonly id: number; readonly kind: 'all'; readonly sql: string; readonly params: SqlParams }
  | { readonly id: number; readonly kind: 'run'; readonly sql: string; readonly params: SqlParams }
  | { readonly id: number; readonly kind: 'close' };

export type SqliteResponse =
  | { readonly id: number; readonly ok: true; readonly value: readonly ResultRow[] | string | undefined }
  | { readonly id: number; readonly ok: false; readonly error: string };

export const SQLITE_DB_NAME = '/music.sqlite';
