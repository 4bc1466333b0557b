import { describe, expect, it } from 'vitest';
import { Database } from '../engine/index.js';
import { MemoryVfs } from '../vfs/index.js';
import { SqlSession } from './sql-session.js';

function session(): { s: SqlSession; out: string[] } {
  const out: string[] = [];
  const db = Database.open('/db', { vfs: new MemoryVfs() });
  return { s: new SqlSession(db, { json: true, out: (t) => out.push(t) }), out };
}

describe('SqlSession', () => {
  it('runs a statement as soon as its ; arrives, across chunk boundaries', () => {
    const { s, out } = session();
    s.feed("SELECT 'a;");
    expect(out).toEqual([]);
    expect(s.hasPending).toBe(true);
    s.feed("b' AS x; SELECT");
    expect(out).toEqual(['{"columns":["x"],"rows":[["a;b"]],"changes":0}\n']);
    s.feed(' 2 AS y');
    s.finish();
    expect(out[1]).toBe('{"columns":["y"],"rows":[[2]],"changes":0}\n');
    expect(s.statements).toBe(2);
    s.db.close();
  });

  it('treats comments as blank and reports an unterminated tail as an error', () => {
    const { s, out } = session();
    s.feed('-- just a comment\n/* and another */');
    expect(s.hasPending).toBe(false);
    s.finish();
    expect(out).toEqual([]);
    s.feed("SELECT 'open");
    s.finish();
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\{"error":\{"code":"ERR_SQL"/);
    expect(s.failures).toBe(1);
    s.db.close();
  });

  it('drops a pending statement on discardPending', () => {
    const { s, out } = session();
    s.feed('SELECT 1 AS');
    s.discardPending();
    expect(s.hasPending).toBe(false);
    s.finish();
    expect(out).toEqual([]);
    s.db.close();
  });
});
