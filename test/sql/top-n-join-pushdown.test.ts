/**
 * ORDER BY … LIMIT pushed below a join along a NOT NULL foreign key to a rowid primary key
 * (src/planner/top-n-pushdown.ts): where it applies, where it must not, and a property test
 * against a model over random data, deletes that cascade and foreign-key updates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const SCHEMA = `
  CREATE TABLE album (id INTEGER PRIMARY KEY, title TEXT NOT NULL, rank INTEGER);
  CREATE TABLE track (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL REFERENCES album (id) ON DELETE CASCADE,
                      title TEXT, ms INTEGER NOT NULL);
  CREATE TABLE loose (id INTEGER PRIMARY KEY, album_id INTEGER REFERENCES album (id), title TEXT);
  CREATE TABLE plain (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL, title TEXT);`;

function seeded(): Database {
  const db = memoryDb(SCHEMA);
  db.exec("INSERT INTO album VALUES (1, 'red', 1), (2, 'blue', 2), (3, 'green', 3)");
  for (let a = 4; a <= 40; a++) db.query('INSERT INTO album VALUES ($1, $2, $3)', [a, `album ${a}`, a]);
  for (let i = 1; i <= 60; i++) {
    db.query('INSERT INTO track VALUES ($1, $2, $3, $4)', [i, 1 + (i % 3), `t${String(60 - i).padStart(2, '0')}`, i * 10]);
    db.query('INSERT INTO loose VALUES ($1, $2, $3)', [i, i % 4 === 0 ? null : 1 + (i % 3), `t${String(60 - i).padStart(2, '0')}`]);
    db.query('INSERT INTO plain VALUES ($1, $2, $3)', [i, 1 + (i % 5), `t${String(60 - i).padStart(2, '0')}`]);
  }
  return db;
}

const plan = (db: Database, sql: string): string => rows(db, `EXPLAIN ${sql}`).map((r) => String(r[0])).join('\n');
const topNs = (text: string): number => text.split('\n').filter((l) => l.trimStart().startsWith('TopN')).length;

describe('TopN below a foreign-key join', () => {
  it('sorts and limits the referencing side first, then looks up each row by rowid', () => {
    const db = seeded();
    const sql = 'SELECT t.id, t.title, al.title FROM track t JOIN album al ON al.id = t.album_id ORDER BY t.title, t.id LIMIT 3';
    const text = plan(db, sql);
    expect(topNs(text)).toBe(2);
    expect(text).toMatch(/IndexNestedLoopJoin INNER[^\n]*\n\s+TopN 3: t\.title ASC, t\.id ASC\n\s+Scan track t\n\s+RowidSeek album al/);
    expect(rows(db, sql)).toEqual([[60, 't00', 'red'], [59, 't01', 'green'], [58, 't02', 'blue']]);
    // OFFSET: the lower TopN keeps LIMIT + OFFSET rows, the upper one skips.
    expect(rows(db, `${sql} OFFSET 2`)).toEqual([[58, 't02', 'blue'], [57, 't03', 'red'], [56, 't04', 'green']]);
    expect(rows(db, 'SELECT t.id FROM album al JOIN track t ON t.album_id = al.id ORDER BY t.ms DESC LIMIT $1 OFFSET $2', [2, 1])).toEqual([[59], [58]]);
  });

  it('leaves the join alone when it could drop or repeat rows, or the keys read the other side', () => {
    const db = seeded();
    const cases = [
      // nullable foreign key: a NULL album_id meets no album
      'SELECT t.id FROM loose t JOIN album al ON al.id = t.album_id ORDER BY t.title LIMIT 3',
      // no foreign key: album_id 4 and 5 meet nothing
      'SELECT t.id FROM plain t JOIN album al ON al.id = t.album_id ORDER BY t.title LIMIT 3',
      // a filter on the referenced side drops rows
      'SELECT t.id FROM track t JOIN album al ON al.id = t.album_id WHERE al.rank > 1 ORDER BY t.title LIMIT 3',
      // sort keys from the referenced side
      'SELECT t.id FROM track t JOIN album al ON al.id = t.album_id ORDER BY al.title, t.id LIMIT 3',
      // a condition over both sides
      'SELECT t.id FROM track t JOIN album al ON al.id = t.album_id AND t.ms > al.rank * 100 ORDER BY t.title LIMIT 3',
    ];
    for (const sql of cases) {
      expect(topNs(plan(db, sql)), sql).toBe(1);
      // The first three rows of the same query without LIMIT (its sort keys are unique enough).
      expect(rows(db, sql), sql).toEqual(rows(db, sql.replace(' LIMIT 3', '')).slice(0, 3));
    }
  });
});

interface Model {
  albums: Map<number, string>;
  tracks: Map<number, { album: number; title: string | null; ms: number }>;
}

const letters = fc.constantFrom('a', 'b', 'c', 'd');
const titleArb = fc.option(fc.string({ unit: letters, minLength: 1, maxLength: 3 }), { nil: null, freq: 5 });

describe('TopN below a foreign-key join: property', () => {
  it('returns what the model returns, over random data, cascading deletes and key updates', () => {
    let pushed = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.record({ album: fc.nat(), title: titleArb, ms: fc.integer({ min: 0, max: 50 }) }), { maxLength: 80 }),
        fc.array(fc.oneof(
          fc.record({ kind: fc.constant('delete' as const), album: fc.nat() }),
          fc.record({ kind: fc.constant('move' as const), track: fc.nat(), album: fc.nat() }),
        ), { maxLength: 6 }),
        fc.array(fc.record({
          fromTrack: fc.boolean(),
          key: fc.constantFrom('title', 'ms'),
          desc: fc.boolean(),
          nulls: fc.constantFrom('', ' NULLS FIRST', ' NULLS LAST'),
          idDesc: fc.boolean(),
          like: fc.option(letters, { nil: null }),
          limit: fc.integer({ min: 0, max: 12 }),
          offset: fc.option(fc.integer({ min: 0, max: 10 }), { nil: null }),
        }), { minLength: 1, maxLength: 4 }),
        (albumCount, trackRows, ops, queries) => {
          const db = memoryDb(SCHEMA);
          const m: Model = { albums: new Map(), tracks: new Map() };
          for (let a = 1; a <= albumCount; a++) {
            db.query('INSERT INTO album VALUES ($1, $2, $3)', [a, `al${a}`, a]);
            m.albums.set(a, `al${a}`);
          }
          trackRows.forEach((t, i) => {
            const album = 1 + (t.album % albumCount);
            db.query('INSERT INTO track VALUES ($1, $2, $3, $4)', [i + 1, album, t.title, t.ms]);
            m.tracks.set(i + 1, { album, title: t.title, ms: t.ms });
          });
          for (const op of ops) {
            const album = 1 + (op.album % albumCount);
            if (op.kind === 'delete') {
              db.query('DELETE FROM album WHERE id = $1', [album]);
              m.albums.delete(album);
              for (const [id, t] of m.tracks) if (t.album === album) m.tracks.delete(id);
            } else if (m.albums.has(album) && trackRows.length > 0) {
              const track = 1 + (op.track % trackRows.length);
              db.query('UPDATE track SET album_id = $1 WHERE id = $2', [album, track]);
              const t = m.tracks.get(track);
              if (t !== undefined) t.album = album;
            }
          }
          for (const q of queries) {
            const dir = q.desc ? ' DESC' : '';
            const from = q.fromTrack ? 'track t JOIN album al ON al.id = t.album_id' : 'album al JOIN track t ON t.album_id = al.id';
            const where = q.like === null ? '' : ` WHERE t.title LIKE '%${q.like}%'`;
            const sql = `SELECT t.id, t.title, t.ms, al.title FROM ${from}${where} ORDER BY t.${q.key}${dir}${q.nulls}, t.id${q.idDesc ? ' DESC' : ''} `
              + `LIMIT ${q.limit}${q.offset === null ? '' : ` OFFSET ${q.offset}`}`;
            if (topNs(plan(db, sql)) === 2) pushed++;
            const nullsFirst = q.nulls === '' ? q.desc : q.nulls === ' NULLS FIRST';
            const cmp = (x: string | number | null, y: string | number | null): number => {
              if (x === y) return 0;
              if (x === null) return nullsFirst ? -1 : 1;
              if (y === null) return nullsFirst ? 1 : -1;
              return (x < y ? -1 : 1) * (q.desc ? -1 : 1);
            };
            const expected = [...m.tracks]
              .filter(([, t]) => q.like === null || (t.title !== null && t.title.includes(q.like)))
              .sort(([ia, a], [ib, b]) => cmp(a[q.key], b[q.key]) || (ia - ib) * (q.idDesc ? -1 : 1))
              .slice(q.offset ?? 0, (q.offset ?? 0) + q.limit)
              .map(([id, t]) => [id, t.title, t.ms, m.albums.get(t.album)]);
            expect(rows(db, sql), sql).toEqual(expected);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(pushed).toBeGreaterThan(100);
  });
});
