/** Messages between the workload page and its SQLite WASM worker (ids pair answers with requests). */
import type { SqlParams } from './workload.js';

export type SqliteRequest =
  | { readonly id: number; readonly kind: 'import'; readonly bytes: ArrayBuffer }
  | { readonly id: number; readonly kind: 'open'; readonly cacheKiB: number }
  | { readonly id: number; readonly kind: 'all'; readonly sql: string; readonly params: SqlParams }
  | { readonly id: number; readonly kind: 'run'; readonly sql: string; readonly params: SqlParams }
  | { readonly id: number; readonly kind: 'close' };

export const SQLITE_DB_NAME = '/music.sqlite';
