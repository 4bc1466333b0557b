import { describe, expect, it } from 'vitest';
import { bindNamed, rewriteNamed } from './named-params.js';

describe('rewriteNamed', () => {
  it('numbers :name, @name and $name in order of first use, reusing a repeated name', () => {
    expect(rewriteNamed('SELECT * FROM t WHERE a = :a AND b = @b OR c = $a')).toEqual({
      sql: 'SELECT * FROM t WHERE a = $1 AND b = $2 OR c = $1', names: ['a', 'b'],
    });
  });

  it('leaves positional parameters, casts, strings, quoted identifiers and comments alone', () => {
    const sql = `SELECT $1::text, ':x', "@y", 'it''s :z' -- :c\nFROM t /* @d */ WHERE v = :v`;
    expect(rewriteNamed(sql)).toEqual({ sql: sql.replace(':v', '$1'), names: ['v'] });
    expect(rewriteNamed('SELECT $1, $2')).toEqual({ sql: 'SELECT $1, $2', names: [] });
  });
});

describe('bindNamed', () => {
  it('orders an object by the rewritten names and passes arrays through', () => {
    expect(bindNamed(['b', 'a'], { a: 1, b: 2 })).toEqual([2, 1]);
    expect(bindNamed([], [7, 8])).toEqual([7, 8]);
    expect(bindNamed(['a'], undefined)).toEqual([]);
  });

  it('rejects a missing name with ERR_SQL', () => {
    expect(() => bindNamed(['a'], {})).toThrow(expect.objectContaining({ code: 'ERR_SQL' }));
  });
});
