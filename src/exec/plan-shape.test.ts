import { describe, expect, it } from 'vitest';
import { TestDb } from './test-tables.js';
import type { SqlType, Value } from '../record/index.js';
import { DP_MAX_RELATIONS } from '../planner/index.js';

const I: SqlType = { base: 'INT64' };
const T: SqlType = { base: 'TEXT' };

function chain(n: number, rows = 3): TestDb {
  const db = new TestDb();
  for (let i = 1; i <= n; i++) {
    const data: Value[][] = [];
    for (let r = 1; r <= rows; r++) data.push([r, r]);
    db.createTable(`t${i}`, [{ name: 'id', type: I, pk: true }, { name: 'ref', type: I }], data);
  }
  return db;
}

function chainSql(n: number): string {
  const from = Array.from({ length: n }, (_, i) => `t${i + 1}`).join(', ');
  const where = Array.from({ length: n - 1 }, (_, i) => `t${i + 1}.ref = t${i + 2}.id`).join(' AND ');
  return `SELECT count(*) FROM ${from} WHERE ${where}`;
}

describe('join ordering', () => {
  it('plans a 24-table equality chain greedily in a bounded number of states', () => {
    const db = chain(24);
    const plan = db.plan(chainSql(24));
    expect(plan.planningStates).toBeLessThanOrEqual(24 * 24);
    expect(db.query(chainSql(24))).toEqual([[3]]);
    const text = db.explain(chainSql(24)).join('\n');
    expect(text).not.toMatch(/^\s*NestedLoopJoin/m);
    expect(text).toContain('IndexNestedLoopJoin INNER');
  });

  it('uses dynamic programming up to the cutoff and stays bounded there', () => {
    expect(DP_MAX_RELATIONS).toBe(8);
    const db = chain(8);
    const plan = db.plan(chainSql(8));
    expect(plan.planningStates).toBeGreaterThan(0);
    expect(plan.planningStates).toBeLessThanOrEqual(8 * 2 ** 8);
    expect(db.query(chainSql(8))).toEqual([[3]]);
  });

  it('starts from the selective side and probes the primary key (EXPLAIN text)', () => {
    const db = new TestDb();
    const artists: Value[][] = Array.from({ length: 50 }, (_, i) => [i + 1, `artist${i + 1}`]);
    const albums: Value[][] = Array.from({ length: 200 }, (_, i) => [i + 1, (i % 50) + 1, `album${i + 1}`]);
    db.createTable('artists', [{ name: 'id', type: I, pk: true }, { name: 'name', type: T }], artists, [{ name: 'idx_artists_name', columns: ['name'], unique: true }]);
    db.createTable('albums', [{ name: 'id', type: I, pk: true }, { name: 'artist_id', type: I }, { name: 'title', type: T }], albums, [{ name: 'fk_albums_artist_id_idx', columns: ['artist_id'] }]);
    const sql = "SELECT al.title FROM artists ar JOIN albums al ON al.artist_id = ar.id WHERE ar.name = 'artist7' ORDER BY al.title LIMIT 10";
    expect(db.explain(sql)).toEqual([
      'TopN 10: title ASC',
      '  Project: al.title',
      '    IndexNestedLoopJoin INNER ON (al.artist_id = ar.id)',
      "      IndexSeek artists ar USING idx_artists_name (ar.name = 'artist7')",
      "        Filter: (ar.name = 'artist7')",
      '      IndexSeek albums al USING fk_albums_artist_id_idx (al.artist_id = ar.id)',
    ]);
    expect(db.query(sql)).toEqual([['album107'], ['album157'], ['album57'], ['album7']]);
  });

  it('scans the many side once rather than probing its foreign-key index for every row of the other', () => {
    // Probing tracks by album_id from every album reads every track through the index, each a
    // random lookup; scanning tracks (filtered) once and joining albums is cheaper.
    const db = new TestDb();
    const albums: Value[][] = Array.from({ length: 200 }, (_, i) => [i + 1, `album${i + 1}`]);
    const tracks: Value[][] = Array.from({ length: 5000 }, (_, i) => [i + 1, (i % 200) + 1, i % 40 === 0 ? `love song ${i}` : `tune ${i}`]);
    db.createTable('albums', [{ name: 'id', type: I, pk: true }, { name: 'title', type: T }], albums);
    db.createTable('tracks', [{ name: 'id', type: I, pk: true }, { name: 'album_id', type: I }, { name: 'title', type: T }], tracks, [{ name: 'fk_tracks_album_id_idx', columns: ['album_id'] }]);
    const sql = "SELECT t.id, al.title FROM tracks t JOIN albums al ON al.id = t.album_id WHERE t.title ILIKE '%love%' ORDER BY t.id LIMIT 3";
    const text = db.explain(sql).join('\n');
    expect(text).not.toContain('USING fk_tracks_album_id_idx');
    expect(text).toMatch(/Scan tracks t\n\s+Filter: \(t\.title ILIKE '%love%'\)/);
    expect(db.query(sql)).toEqual([[1, 'album1'], [41, 'album41'], [81, 'album81']]);
  });

  it('prints aggregates, hash joins, set operations and limits', () => {
    const db = chain(2);
    expect(db.explain('SELECT t1.ref, count(*) FROM t1 JOIN t2 ON t1.ref = t2.ref GROUP BY t1.ref HAVING count(*) > 1')).toEqual([
      'Project: t1.ref, count(*)',
      '  Filter: (count(*) > 1)',
      '    HashAggregate GROUP BY t1.ref: count(*)',
      '      HashJoin INNER (t2.ref = t1.ref)',
      '        Scan t2',
      '        Hash',
      '          Scan t1',
    ]);
    expect(db.explain('SELECT id FROM t1 UNION SELECT id FROM t2 LIMIT 5')).toEqual(['Limit 5', '  Union', '    Project: id', '      Scan t1', '    Project: id', '      Scan t2']);
  });
});

describe('TopN and external sort', () => {
  it('keeps a bounded buffer of LIMIT + OFFSET rows instead of sorting everything', () => {
    const db = new TestDb();
    const rows: Value[][] = Array.from({ length: 500 }, (_, i) => [i + 1, (i * 7919) % 500]);
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 'v', type: I }], rows);
    expect(db.query('SELECT v FROM t ORDER BY v DESC LIMIT 3 OFFSET 2')).toEqual([[497], [496], [495]]);
    expect(db.counters.topNMaxHeap).toBeLessThanOrEqual(5 * 2 + 64);
    expect(db.explain('SELECT v FROM t ORDER BY v DESC LIMIT $1')[0]).toBe('TopN $1: v DESC');
  });

  it('spills through the Vfs past the memory budget and removes its temp files', () => {
    const db = new TestDb();
    const rows: Value[][] = Array.from({ length: 1200 }, (_, i) => [i + 1, `k${(i * 7919) % 1200}`.padEnd(40, 'x')]);
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 's', type: T }], rows);
    db.memoryBudgetBytes = 8 * 1024;
    const got = db.query('SELECT s, id FROM t ORDER BY s, id');
    expect(db.counters.sortSpills).toBe(1);
    const want = rows.map((r) => [r[1], r[0]]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0));
    expect(got).toEqual(want);
    for (let i = 0; i < 200; i++) expect(db.vfs.exists(`/tmp/sort-${i}`)).toBe(false);
  });
});

describe('EXPLAIN of subqueries', () => {
  it('prints SubPlans after the node that uses them', () => {
    const db = chain(2);
    expect(db.explain('SELECT id FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.ref) AND id IN (SELECT ref FROM t2)')).toEqual([
      'Project: id',
      '  Scan t1',
      '    Filter: (EXISTS(subquery) AND (id IN (subquery)))',
      '    SubPlan (correlated)',
      '      Project: 1',
      '        RowidSeek t2 (id = outer.ref)',
      '          Filter: (id = outer.ref)',
      '    SubPlan',
      '      Project: ref',
      '        Scan t2',
    ]);
  });
});
