import { describe, expect, it } from 'vitest';
import { TestDb } from './test-tables.js';
import type { SqlType, Value } from '../record/index.js';

const I: SqlType = { base: 'INT64' };
const T: SqlType = { base: 'TEXT' };

/** 300 songs, every 30th titled with a rare word; row 7 NULL. */
function songs(): TestDb {
  const db = new TestDb();
  const rows: Value[][] = [];
  for (let i = 1; i <= 300; i++) rows.push([i, i === 7 ? null : i % 30 === 0 ? `Quokka ${i}` : `song ${i} of love`, i % 4]);
  db.createTable('songs', [{ name: 'id', type: I, pk: true }, { name: 'title', type: T }, { name: 'grp', type: I }], rows, [{ name: 'songs_title', columns: ['title'], kind: 'trigram' }, { name: 'songs_grp', columns: ['grp'] }]);
  return db;
}

describe('trigram access in the executor', () => {
  it('reads only candidates for a selective pattern and rechecks them', () => {
    const db = songs();
    expect(db.explain("SELECT id FROM songs WHERE title ILIKE '%quokka 1%'")[1]).toBe("  TrigramScan songs USING songs_title (title ILIKE '%quokka 1%')");
    expect(db.query("SELECT id FROM songs WHERE title ILIKE '%quokka 1%'")).toEqual([[120], [150], [180]]);
    expect(db.counters.trigramCandidates).toBe(3);
    expect(db.counters.rowsRead).toBe(3);
    db.counters.rowsRead = 0;
    // 'QUO…KKA' are shared by ten rows; '%quokka%1%' cannot use the digit: candidates are rechecked.
    expect(db.query("SELECT id FROM songs WHERE title ILIKE '%quokka%1%'")).toEqual([[120], [150], [180], [210]]);
    expect(db.counters.rowsRead).toBe(10);
    expect(db.counters.rechecksFailed).toBe(6);
  });

  it('falls back to a scan, with equal rows, when the pattern is common or the hook is absent', () => {
    const db = songs();
    expect(db.explain("SELECT id FROM songs WHERE title LIKE '%love%'")[1]).toBe('  Scan songs');
    const common = db.query("SELECT count(*) FROM songs WHERE title LIKE '%love%'");
    expect(db.counters.trigramCandidates).toBe(0);
    expect(db.counters.rowsRead).toBe(300);
    db.withTrigram = false;
    expect(db.query("SELECT count(*) FROM songs WHERE title LIKE '%love%'")).toEqual(common);
    expect(db.query("SELECT id FROM songs WHERE title LIKE '%Quokka 3%'")).toEqual([[30], [300]]);
    expect(db.explain("SELECT id FROM songs WHERE title LIKE '%Quokka 3%'").slice(1, 3)).toEqual(["  TrigramScan songs USING songs_title (title LIKE '%Quokka 3%')", '    Trigram: index or scan, decided at open time']);
  });

  it('leaves a rowid seek to the rowid, and stops early under LIMIT', () => {
    const db = songs();
    expect(db.explain("SELECT id FROM songs WHERE id = 30 AND title LIKE '%Quokka%'")[1]).toBe('  RowidSeek songs (id = 30)');
    db.counters.rowsRead = 0;
    expect(db.query("SELECT id FROM songs WHERE title LIKE '%Quokka%' LIMIT 2")).toEqual([[30], [60]]);
    expect(db.counters.rowsRead).toBe(2);
  });

  it('binds parameter patterns at open time; a NULL pattern reads nothing', () => {
    const db = songs();
    expect(db.query('SELECT id FROM songs WHERE title LIKE $1', ['Quokka 2_0'])).toEqual([[210], [240], [270]]);
    db.counters.rowsRead = 0;
    expect(db.query('SELECT id FROM songs WHERE title LIKE $1', [null])).toEqual([]);
    expect(db.counters.rowsRead).toBe(0);
  });
});
