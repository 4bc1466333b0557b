/**
 * Messages between the browser bench page and its SQLite WASM worker. Requests carry an id;
 * the worker answers each with the same id and either a result or an error message.
 */

export type WorkerRequest =
  | { readonly id: number; readonly kind: 'import'; readonly bytes: ArrayBuffer }
  | { readonly id: number; readonly kind: 'open' }
  | { readonly id: number; readonly kind: 'get'; readonly trackId: number }
  | { readonly id: number; readonly kind: 'insert'; readonly key: number }
  | { readonly id: number; readonly kind: 'commitLoop'; readonly count: number }
  | { readonly id: number; readonly kind: 'close' };

/** Times inside the worker for the open request, ms. */
export interface OpenTimings {
  readonly initMs: number;
  readonly vfsMs: number;
  readonly openMs: number;
  readonly firstQueryMs: number;
  readonly settings: string;
  readonly firstRow: string;
}

export const DB_NAME = '/music.sqlite';

/** Row round trip, insert latencies and open timings as the page reports them to Node. */
export interface BrowserBenchResult {
  readonly navigationToFirstResultMs: number;
  readonly scriptToFirstResultMs: number;
  readonly open: OpenTimings;
  readonly roundTripMs: readonly number[];
  readonly insertRoundTripMs: readonly number[];
  readonly commitInWorkerMs: readonly number[];
  readonly userAgent: string;
}
