import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScript } from './parser.js';
import { splitStatements } from './split-statements.js';

describe('splitStatements', () => {
  it('returns complete statements and the unfinished rest', () => {
    expect(splitStatements("SELECT 1; SELECT ';'; SEL")).toEqual({ complete: ['SELECT 1', "SELECT ';'"], rest: ' SEL' });
  });

  it('ignores ; inside strings, quoted identifiers and comments', () => {
    const sql = `SELECT 'a;b', "c;d" -- e;f\n/* g; /* h; */ i; */ FROM t; INSERT INTO t VALUES (E'\\';');`;
    expect(splitStatements(sql).complete).toEqual([
      `SELECT 'a;b', "c;d" -- e;f\n/* g; /* h; */ i; */ FROM t`,
      `INSERT INTO t VALUES (E'\\';')`,
    ]);
  });

  it('waits while a string, comment or line comment is open', () => {
    expect(splitStatements("SELECT 'a;").complete).toEqual([]);
    expect(splitStatements('SELECT 1 /* ; ').complete).toEqual([]);
    expect(splitStatements('SELECT 1 -- ;').complete).toEqual([]);
    expect(splitStatements("SELECT 'it'").rest).toBe("SELECT 'it'");
  });

  it('drops statements that are only whitespace or comments', () => {
    expect(splitStatements(' ; -- x\n ; /* y */ ;').complete).toEqual([]);
  });

  it('gives the same statements however the text is chunked', () => {
    const script = "CREATE TABLE t (a TEXT); -- one;\nINSERT INTO t VALUES ('x;y'), (E'\\'');/* ; */ SELECT \"a;\" FROM t;";
    const whole = parseScript(script).map((s) => s.text);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: script.length - 1 }), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        let buffer = '';
        const out: string[] = [];
        let prev = 0;
        for (const p of [...points, script.length]) {
          buffer += script.slice(prev, p);
          prev = p;
          const r = splitStatements(buffer);
          out.push(...r.complete);
          buffer = r.rest;
        }
        expect(buffer.trim()).toBe('');
        expect(out.flatMap((s) => parseScript(s).map((x) => x.text))).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});
