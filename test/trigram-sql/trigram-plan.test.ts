/**
 * The trigram index as an SQL feature (issue 6, ADR-0007): CREATE INDEX … USING trigram on
 * existing rows and through bulkLoad, EXPLAIN showing when and how it is used (index for
 * selective patterns, scan for short or common ones, decided at open time for parameters),
 * LIMIT stopping the candidate stream early (counters), NULLs, joins, ORDER BY, DROP.
 */
import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, FaultyVfs, MemoryVfs } from '../../src/index.js';
import { trigramIndexesAgree } from './trigram-sql-helpers.js';
import { storageState } from '../crash-sql/sql-crash-helpers.js';

const WORDS = ['love', 'night', 'blue', 'song', 'dance', 'heart', 'rock', 'the', 'of', 'road'];

/** Row i's title: a word in every row, two commoner words, and a rare word on every 50th row. */
function title(i: number): string {
  const w = `track ${WORDS[i % WORDS.length]!} ${WORDS[(i * 7) % WORDS.length]!}`;
  return i % 50 === 0 ? `${w} Zebra ${i}` : `${w} ${i}`;
}

function setup(rows = 2000): { db: Database; vfs: MemoryVfs } {
  const vfs = new MemoryVfs();
  const db = Database.open('plan.ddb', { vfs });
  db.exec('CREATE TABLE albums (id INT PRIMARY KEY, name TEXT); CREATE TABLE tracks (id INT PRIMARY KEY, album INT, title TEXT, ms INT)');
  db.bulkLoad('albums', Array.from({ length: 20 }, (_, i) => [i, `Album ${i}`]));
  db.bulkLoad('tracks', Array.from({ length: rows }, (_, i) => [i + 1, i % 20, i % 97 === 5 ? null : title(i + 1), (i * 37) % 1000]));
  db.exec('CREATE INDEX tracks_title ON tracks USING trigram (title)');
  return { db, vfs };
}

const explain = (db: Database, sql: string, params: unknown[] = []): string[] => (db.query(`EXPLAIN ${sql}`, params, { rowMode: 'array' }) as string[][]).map((r) => r[0]!);
const rows = (db: Database, sql: string, params: unknown[] = []): unknown[][] => db.query(sql, params, { rowMode: 'array' }) as unknown[][];

/** The same query with the index dropped from a copy of the data (a plain scan). */
function scanned(sql: string, params: unknown[] = []): unknown[][] {
  const { db } = setup();
  db.exec('DROP INDEX tracks_title');
  return rows(db, sql, params);
}

describe('EXPLAIN shows when and how the trigram index is used', () => {
  const { db } = setup();

  it('uses the index for a selective pattern, with the trigrams and their postings', () => {
    expect(explain(db, "SELECT id FROM tracks WHERE title ILIKE '%zebra%'")).toEqual([
      'Project: id',
      "  TrigramScan tracks USING tracks_title (title ILIKE '%zebra%')",
      '    Trigram: trigram ZEB(39) EBR(39) BRA(39) est=39',
      "    Filter: (title ILIKE '%zebra%')",
    ]);
  });

  it('scans for a pattern without trigrams (too short), without asking the index', () => {
    expect(explain(db, "SELECT id FROM tracks WHERE title LIKE '%ze%'")).toEqual(['Project: id', '  Scan tracks', "    Filter: (title LIKE '%ze%')"]);
  });

  it('scans for a common pattern, saying why', () => {
    const plan = explain(db, "SELECT id FROM tracks WHERE title LIKE '%track%'");
    expect(plan[1]).toBe('  Scan tracks');
    expect(plan[2]).toBe('    Trigram tracks_title not used: trigram TRA(1979) RAC(1979) ACK(1979) est=1979 unusable (not-selective)');
  });

  it('decides at open time for a parameter: index for a rare value, scan for a common one', () => {
    const sql = 'SELECT id FROM tracks WHERE title LIKE $1';
    expect(explain(db, sql, ['%Zebra 1%'])[1]).toBe('  TrigramScan tracks USING tracks_title (title LIKE $1)');
    expect(explain(db, sql, ['%track%'])[1]).toBe('  Scan tracks');
    expect(rows(db, sql, ['%Zebra 1%'])).toEqual(scanned(sql, ['%Zebra 1%']));
    expect(rows(db, sql, ['%track%'])).toEqual(scanned(sql, ['%track%']));
    expect(rows(db, sql, ['%e%'])).toEqual(scanned(sql, ['%e%']));
  });

  it('combines with other predicates, ORDER BY and joins', () => {
    const q1 = "SELECT id, ms FROM tracks WHERE title ILIKE '%ZEBRA%' AND ms > 300 ORDER BY ms DESC, id LIMIT 5";
    expect(explain(db, q1).some((l) => l.includes('TrigramScan tracks'))).toBe(true);
    expect(rows(db, q1)).toEqual(scanned(q1));
    const q2 = "SELECT a.name, t.title FROM tracks t JOIN albums a ON a.id = t.album WHERE t.title LIKE '%Zebra 1_0%' ORDER BY t.id";
    expect(explain(db, q2).some((l) => l.includes('TrigramScan tracks t USING tracks_title'))).toBe(true);
    expect(rows(db, q2)).toEqual(scanned(q2));
    expect(rows(db, q2).length).toBeGreaterThan(0);
  });
});

describe('trigram scans', () => {
  it('stop early for LIMIT: only the rows returned are fetched', () => {
    const { db } = setup();
    const out = rows(db, "EXPLAIN ANALYZE SELECT id FROM tracks WHERE title LIKE '%Zebra%' LIMIT 3");
    expect(out.at(-1)![0]).toBe('Rows: 3; rows read: 3; index entries: 0; rechecks failed: 0; sort spills: 0; trigram candidates: 3');
    const all = rows(db, "EXPLAIN ANALYZE SELECT id FROM tracks WHERE title LIKE '%Zebra%'");
    expect(all.at(-1)![0]).toBe('Rows: 39; rows read: 39; index entries: 0; rechecks failed: 0; sort spills: 0; trigram candidates: 39');
  });

  it('read candidates, not the table: a rare literal touches a few rows of 2000', () => {
    const { db } = setup();
    const out = rows(db, "EXPLAIN ANALYZE SELECT id FROM tracks WHERE title LIKE '%Zebra 1000%'");
    expect(out.at(-1)![0]).toMatch(/^Rows: 1; rows read: [1-9];/);
  });

  it('never match NULL values, and a NULL pattern matches nothing', () => {
    const { db } = setup();
    expect(rows(db, "SELECT count(*) FROM tracks WHERE title LIKE '%'")).toEqual([[2000 - 21]]);
    expect(rows(db, 'SELECT count(*) FROM tracks WHERE title LIKE $1', [null])).toEqual([[0]]);
    expect(rows(db, 'SELECT count(*) FROM tracks WHERE title LIKE NULL')).toEqual([[0]]);
    db.exec("INSERT INTO tracks VALUES (9001, 1, NULL, 1); UPDATE tracks SET title = NULL WHERE id = 50");
    expect(rows(db, "SELECT id FROM tracks WHERE title ILIKE '%zebra 50'")).toEqual([]);
  });

  it('honour ESCAPE and _ on the index path', () => {
    const { db } = setup();
    db.exec("INSERT INTO tracks VALUES (5001, 1, 'Zebra_100% sure', 1), (5002, 1, 'Zebrax100x sure', 1)");
    const q = "SELECT id FROM tracks WHERE title LIKE 'Zebra!_100!%%' ESCAPE '!'";
    expect(explain(db, q)[1]).toContain('TrigramScan');
    expect(rows(db, q)).toEqual([[5001]]);
    expect(rows(db, "SELECT id FROM tracks WHERE title LIKE 'Zebra_100_ sure' ORDER BY id")).toEqual([[5001], [5002]]);
  });
});

describe('CREATE / DROP INDEX … USING trigram', () => {
  it('builds over existing rows and follows bulkLoad, inserts, updates and deletes', () => {
    const { db, vfs } = setup(500);
    db.bulkLoad('tracks', Array.from({ length: 300 }, (_, i) => [10_000 + i, 1, `loaded Zebra ${i}`, 1]));
    db.exec("UPDATE tracks SET title = 'renamed' WHERE id % 3 = 0; DELETE FROM tracks WHERE id % 5 = 0; INSERT INTO tracks VALUES (20000, 2, 'Ζebra greek', 1)");
    const q = "SELECT id FROM tracks WHERE title ILIKE '%zebra%' ORDER BY id";
    const got = rows(db, q);
    db.exec('DROP INDEX tracks_title');
    // No trigram index left: a filtered scan in rowid order (ORDER BY id needs no sort).
    expect(explain(db, q).slice(1, 3)).toEqual(['  OrderedRowidScan tracks ORDER BY id', "    Filter: (title ILIKE '%zebra%')"]);
    expect(got).toEqual(rows(db, q));
    db.exec('CREATE INDEX tracks_title ON tracks USING trigram (title)');
    expect(rows(db, q)).toEqual(got);
    db.close();
    expect(trigramIndexesAgree(vfs, 'plan.ddb')).toBeGreaterThan(1000);
  });

  it('serves UPDATE and DELETE targets, which change the postings they were found by', () => {
    const { db, vfs } = setup(800);
    const other = setup(800).db;
    other.exec('DROP INDEX tracks_title');
    for (const d of [db, other]) {
      d.exec("UPDATE tracks SET title = title || ' Zebra again' WHERE title ILIKE '%zebra 1%'");
      d.exec("DELETE FROM tracks WHERE title LIKE '%Zebra 2%'");
      d.exec("UPDATE tracks SET title = 'was zebra' WHERE title LIKE '%again'");
    }
    const q = "SELECT id, title FROM tracks WHERE title ILIKE '%zebra%' ORDER BY id";
    expect(rows(db, q)).toEqual(rows(other, q));
    expect(rows(db, q).length).toBeGreaterThan(5);
    db.close();
    trigramIndexesAgree(vfs, 'plan.ddb');
  });

  it('frees the index pages on DROP INDEX and DROP TABLE', () => {
    const { db, vfs } = setup(500);
    db.exec('DROP INDEX tracks_title');
    db.exec('CREATE INDEX tracks_title ON tracks USING trigram (title)');
    db.exec('DROP TABLE tracks');
    db.close();
    expect(trigramIndexesAgree(vfs, 'plan.ddb')).toBe(0);
    // Every page is in a tree or on the freelist: the dropped index trees leaked none.
    const s = storageState(vfs, 'plan.ddb');
    expect(s.treePages + s.freePages + 1).toBe(s.pageCount);
  });

  it('rejects a trigram index on a non-TEXT column or UNIQUE', () => {
    const { db } = setup(10);
    const code = (sql: string): string | undefined => {
      try {
        db.exec(sql);
        return undefined;
      } catch (e) {
        return e instanceof DecentDBError ? e.code : 'other';
      }
    };
    expect(code('CREATE INDEX bad ON tracks USING trigram (ms)')).toBe('ERR_SQL');
    expect(code('CREATE UNIQUE INDEX bad ON tracks USING trigram (title)')).toBe('ERR_SQL');
  });
});

describe('CREATE INDEX beyond the memory budget', () => {
  it('spills (trigram, rowid) pairs through the external sort and builds the same index', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const db = Database.open('spill.ddb', { vfs, memoryBudgetBytes: 16 * 1024 });
    db.exec('CREATE TABLE tracks (id INT PRIMARY KEY, title TEXT)');
    db.bulkLoad('tracks', Array.from({ length: 3000 }, (_, i) => [i + 1, i === 9 ? null : `${title(i + 1)} ${'ünïcödé'.slice(0, i % 7)}`]));
    const opened = vfs.counters.open;
    db.exec('CREATE INDEX tracks_title ON tracks USING trigram (title)');
    expect(vfs.counters.open - opened).toBeGreaterThan(2); // run files
    expect(vfs.counters.delete).toBeGreaterThan(2);
    const q = "SELECT id FROM tracks WHERE title ILIKE '%zebra 1%' ORDER BY id";
    expect(explain(db, q).some((l) => l.includes('TrigramScan'))).toBe(true);
    const viaIndex = rows(db, q);
    expect(viaIndex.length).toBeGreaterThan(10);
    db.exec('DROP INDEX tracks_title');
    expect(rows(db, q)).toEqual(viaIndex);
    db.exec('CREATE INDEX tracks_title ON tracks USING trigram (title)');
    db.close();
    expect(trigramIndexesAgree(vfs, 'spill.ddb')).toBeGreaterThan(30_000);
  });
});
