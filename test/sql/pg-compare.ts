/**
 * Shared by the per-feature suites that check SQL against PGlite: `samePg` runs one statement on
 * PGlite and on our databases and expects the same column names and rows (a multiset, or a
 * sequence with `ordered`) or an error on both sides (with `messages`, the same message);
 * `TrackingVfs` records the spill files a database creates so a suite can check they are gone.
 */
import { expect } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { canonicalRows, sortedRows } from '../diff/result-compare.js';
import { MemoryVfs } from '../../src/index.js';
import type { Database } from '../../src/index.js';
import type { OpenFlags, VfsFile } from '../../src/vfs/index.js';

export interface CompareOptions {
  /** Compare rows in order (the statement has a total ORDER BY). */
  readonly ordered?: boolean;
  /** Errors must carry the same message (our position suffix removed). */
  readonly messages?: boolean;
}

type Outcome = { names: string[]; rows: string[] } | string;

export async function samePg(pg: PGlite, dbs: readonly Database[], sql: string, options: CompareOptions = {}): Promise<void> {
  const shape = (names: string[], rows: unknown[][]): Outcome => ({ names, rows: options.ordered === true ? canonicalRows(rows) : sortedRows(rows) });
  const failed = (e: unknown): string => (options.messages === true ? `error: ${(e as Error).message.replace(/ \(line \d+, column \d+\)$/, '')}` : 'error');
  let want: Outcome;
  try {
    const r = await pg.query<unknown[]>(sql, [], { rowMode: 'array' });
    want = shape(r.fields.map((f) => f.name), r.rows);
  } catch (e) {
    want = failed(e);
  }
  for (const db of dbs) {
    let got: Outcome;
    try {
      const stmt = db.prepare(sql);
      got = shape(stmt.columns().map((c) => c.name), stmt.all([], 'array') as unknown[][]);
    } catch (e) {
      got = failed(e);
    }
    expect(got, sql).toEqual(want);
  }
}

/** A MemoryVfs that records the temp files (`-tmp` paths) created through it. */
export class TrackingVfs extends MemoryVfs {
  readonly created = new Set<string>();
  override open(path: string, flags: OpenFlags): VfsFile {
    if (path.includes('-tmp') && flags.mode === 'create') this.created.add(path);
    return super.open(path, flags);
  }
}
