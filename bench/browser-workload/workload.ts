/**
 * The music-library workload as a web app runs it: every query goes from the page to the
 * engine's worker and its rows come back (DecentDB through its Comlink proxy, SQLite WASM
 * through postMessage). Written once against WorkloadEngine; browser-workload.bench.ts runs it
 * for each engine on a fresh page and compares. performance.now() is 0.1 ms-coarse without
 * cross-origin isolation, so sub-millisecond queries are timed in batches.
 */

export type SqlParams = readonly (string | number | null)[];
export type ResultRow = Record<string, unknown>;

export interface WorkloadEngine {
  all(sql: string, params?: SqlParams): Promise<readonly ResultRow[]>;
  run(sql: string, params?: SqlParams): Promise<void>;
  /** Runs `fn` in one transaction (commit when it resolves). */
  transaction(fn: (run: (sql: string, params?: SqlParams) => Promise<void>) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

export interface WorkloadOptions {
  readonly tracks: number;
  readonly artists: number;
  readonly lookups: number;
  readonly joins: number;
  readonly scanRuns: number;
  readonly insertRuns: number;
  readonly updates: number;
}

export interface WorkloadResult {
  /** Per phase: ms per query (a batch's mean for batched phases). */
  readonly samples: Record<string, number[]>;
  /** Result sizes and checksums, compared across engines. */
  readonly checks: Record<string, number>;
  readonly openMs: number;
  readonly userAgent: string;
}

export const LOOKUP_SQL = 'SELECT id, album_id, title, milliseconds FROM track WHERE id = $1';
export const JOIN_SQL = 'SELECT t.id, t.title, t.track_number, al.title AS album_title FROM album al '
  + 'JOIN track t ON t.album_id = al.id WHERE al.artist_id = $1 ORDER BY al.id, t.track_number';
export const OFFSET_SQL = 'SELECT id, title FROM track ORDER BY title, id LIMIT 100 OFFSET $1';
export const ILIKE_SQL = 'SELECT id, title FROM track WHERE title ILIKE $1';
export const SEARCH_SQL = 'SELECT t.id, t.title, al.title AS album_title FROM track t JOIN album al ON al.id = t.album_id '
  + 'WHERE t.title ILIKE $1 ORDER BY t.title, t.id LIMIT 50';
export const GROUP_SQL = 'SELECT g.name, COUNT(*) AS tracks, SUM(t.milliseconds) AS ms FROM track t '
  + 'JOIN genre g ON g.id = t.genre_id GROUP BY g.name ORDER BY tracks DESC, g.name';
export const UPDATE_SQL = 'UPDATE track SET milliseconds = milliseconds + 1 WHERE album_id = $1';
export const INSERT_ROWS_PER_STATEMENT = 500;
export const INSERT_STATEMENTS = 20;

const ROW_BATCH = 10;
const JOIN_BATCH = 5;

/** Deterministic ids (an LCG), the same sequence for every engine. */
function idStream(seed: number, max: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return 1 + (s % max); };
}

/** Mean ms per call over batches of `batch` calls, after `warmup` untimed calls. */
async function timeBatched(count: number, batch: number, warmup: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const out: number[] = [];
  for (let b = 0; b < Math.ceil(count / batch); b++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await fn(warmup + b * batch + i);
    out.push((performance.now() - t0) / batch);
  }
  return out;
}

function hashRows(rows: readonly ResultRow[], column: string): number {
  let h = 0;
  for (const r of rows) h = (Math.imul(h, 31) + Number(r[column])) | 0;
  return h;
}

export async function runWorkload(open: () => Promise<WorkloadEngine>, o: WorkloadOptions): Promise<WorkloadResult> {
  const samples: Record<string, number[]> = {};
  const checks: Record<string, number> = {};
  const t0 = performance.now();
  const db = await open();
  const first = await db.all(LOOKUP_SQL, [1]);
  const openMs = performance.now() - t0;
  checks['first.rows'] = first.length;

  const nextTrack = idStream(12345, o.tracks);
  let lookupSum = 0;
  samples['lookup'] = await timeBatched(o.lookups, ROW_BATCH, 100, async () => {
    const rows = await db.all(LOOKUP_SQL, [nextTrack()]);
    lookupSum = (lookupSum + Number(rows[0]?.['milliseconds'] ?? -1)) | 0;
  });
  checks['lookup.sum'] = lookupSum;

  const nextArtist = idStream(777, o.artists);
  let joinRows = 0;
  samples['join'] = await timeBatched(o.joins, JOIN_BATCH, 20, async () => {
    joinRows += (await db.all(JOIN_SQL, [nextArtist()])).length;
  });
  checks['join.rows'] = joinRows;

  const offset = Math.min(50_000, Math.floor(o.tracks / 2));
  samples['offset'] = await timeBatched(o.scanRuns, 1, 1, async () => {
    const rows = await db.all(OFFSET_SQL, [offset]);
    checks['offset.hash'] = hashRows(rows, 'id');
  });

  for (const pattern of ['the', 'love', 'summer']) {
    samples[`ilike.${pattern}`] = await timeBatched(o.scanRuns, 1, 1, async () => {
      checks[`ilike.${pattern}.rows`] = (await db.all(ILIKE_SQL, [`%${pattern}%`])).length;
    });
  }

  samples['search'] = await timeBatched(o.scanRuns, 1, 1, async () => {
    checks['search.hash'] = hashRows(await db.all(SEARCH_SQL, ['%love%']), 'id');
  });

  samples['groupBy'] = await timeBatched(o.scanRuns, 1, 1, async () => {
    checks['groupBy.hash'] = hashRows(await db.all(GROUP_SQL), 'tracks');
  });

  // Bulk insert: 10,000 rows in one transaction, as 20 INSERT statements of 500 rows each.
  const perStatement = INSERT_ROWS_PER_STATEMENT;
  const insertSql = `INSERT INTO kv_w (id, album_id, title) VALUES ${Array.from({ length: perStatement }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(', ')}`;
  samples['insert'] = [];
  for (let run = 0; run <= o.insertRuns; run++) {
    await db.run('DROP TABLE IF EXISTS kv_w');
    await db.run('CREATE TABLE kv_w (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL, title TEXT NOT NULL)');
    const t = performance.now();
    await db.transaction(async (exec) => {
      for (let s = 0; s < INSERT_STATEMENTS; s++) {
        const params: (string | number)[] = [];
        for (let i = 0; i < perStatement; i++) {
          const id = s * perStatement + i + 1;
          params.push(id, 1 + (id % 997), `inserted title ${id}`);
        }
        await exec(insertSql, params);
      }
    });
    if (run > 0) samples['insert'].push(performance.now() - t); // run 0 warms up
  }
  checks['insert.rows'] = Number((await db.all('SELECT COUNT(*) AS n FROM kv_w'))[0]?.['n']);

  const nextAlbum = idStream(99, Math.max(1, Math.floor(o.tracks / 25)));
  samples['update'] = await timeBatched(o.updates, 1, 5, async () => { await db.run(UPDATE_SQL, [nextAlbum()]); });

  await db.close();
  return { samples, checks, openMs, userAgent: navigator.userAgent };
}
