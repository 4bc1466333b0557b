/**
 * What one execution of a plan runs against: the transaction's PageStore and B+Tree cursors,
 * bound parameters, a clock, a Vfs and temp-path factory for sort spills, the memory budget,
 * and counters that tests assert instead of timings. The engine builds one per statement run.
 */
import type { PageStore } from '../pager/index.js';
import type { BTreeCursor } from '../btree/index.js';
import type { OverflowReader, Value } from '../record/index.js';
import type { Vfs } from '../vfs/index.js';
import type { Clock } from '../types/index.js';
import type { IndexDef } from '../catalog/index.js';
import type { TrigramIndex } from '../trigram/index.js';

/** Work counters of one execution (or accumulated over several, if the caller shares them). */
export interface ExecCounters {
  /** Table B+Tree entries decoded (scans and rowid fetches). */
  rowsRead: number;
  /** Secondary-index entries visited. */
  indexEntries: number;
  /** Rows discarded by a recheck / filter after an index or rowid access. */
  rechecksFailed: number;
  /** Runs of subquery plans (correlated ones count once per outer row). */
  subqueryRuns: number;
  /** Sorts that spilled to the Vfs. */
  sortSpills: number;
  /**
   * Hash aggregations, DISTINCTs, hash joins, INTERSECT/EXCEPT and nested-loop joins whose
   * in-memory side passed the budget and went to temp files (each level of recursion counts).
   */
  operatorSpills: number;
  /** Largest heap a TopN kept. */
  topNMaxHeap: number;
  /** Trigram searches planned at open time (index or scan decided). */
  trigramSearches: number;
  /** Candidate rowids pulled from trigram postings (each one fetched and rechecked). */
  trigramCandidates: number;
  /** Of rowsRead, rows rejected from their stored bytes without decoding (text-prefilter.ts). */
  prefiltered: number;
  /** Of rowsRead, rows rejected undecoded because a TopN above could not return them (top-n-bound.ts). */
  topNPruned: number;
}

export const newCounters = (): ExecCounters => ({ rowsRead: 0, indexEntries: 0, rechecksFailed: 0, subqueryRuns: 0, sortSpills: 0, operatorSpills: 0, topNMaxHeap: 0, trigramSearches: 0, trigramCandidates: 0, prefiltered: 0, topNPruned: 0 });

export interface ExecContext {
  readonly store: PageStore;
  /** Opens a cursor on the B+Tree rooted at `rootPage` in this transaction. */
  openCursor(rootPage: number): BTreeCursor;
  /** Reads record-value overflow chains (null when the store has none). */
  readonly overflow: OverflowReader | null;
  /** `$1` is params[0]. */
  readonly params: readonly Value[];
  readonly clock: Clock;
  readonly vfs: Vfs;
  /** A fresh, unused path for each spill file. */
  readonly tempPath: () => string;
  /** Bytes a Sort may hold before spilling through the external sorter. */
  readonly memoryBudgetBytes: number;
  readonly counters: ExecCounters;
  /**
   * Opens a trigram index of this transaction's snapshot (ADR-0007); absent: trigram accesses
   * scan. Read snapshots may share a postings cache tagged with their commit LSN.
   */
  openTrigram?(index: IndexDef): TrigramIndex;
  /** Rows of a table from statistics, if known (trigram cost decisions at open time). */
  rowCount?(table: string): number | undefined;
}
