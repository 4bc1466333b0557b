// `decentdb inspect` end to end through main(): the native fixture's exact JSON, the readable
// form, and damaged copies of the fixture (each must fail with one ERR_CORRUPTION line naming
// the page, never a hang or a stack trace).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import { crc32c, writeU32 } from '../../src/util/index.js';
import { Database } from '../../src/engine/index.js';
import { copyFiles, readBytes, run as run2, writeBytes } from './cli-helpers.js';

const FIXTURE = new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url);
const fixture = new Uint8Array(readFileSync(FIXTURE));
const PAGE = 4096;

const COLUMNS =
  'id:INT64:nn,unique,pk;is_active:BOOL:nn;score:FLOAT64;name:TEXT:unique;bio:TEXT;avatar:BLOB;balance:DECIMAL(10,2):default=0;created_at:TIMESTAMP';

const EXPECTED = {
  header: {
    version: 3,
    page_size: 4096,
    schema_cookie: 4,
    root_catalog: 2,
    pages: 5,
    root_freelist: 0,
    freelist_head: 0,
    freelist_count: 0,
    last_checkpoint_lsn: 74085,
  },
  catalog: [
    ['index', 'uniq_users_name_idx', 'users', 'name', 4, 'btree', 1, ''],
    ['table', 'users', 3, 1, COLUMNS, '[{"name":"score_check","expr":"(\\"score\\" >= 0.0)"}]'],
    ['trigger', 'update_score_trigger', 'users', 16, 'UPDATE users SET score = score + 1.0 WHERE id = 1'],
    ['view', 'active_users', 'SELECT * FROM "users" WHERE ("is_active" = TRUE)', 'id;is_active;score;name;bio;avatar;balance;created_at', 'users'],
    ['index', 'idx_users_score', 'users', 'score', 5, 'btree', 0, ''],
  ],
  tables: {
    users: {
      columns: COLUMNS,
      rows: [
        [1, true, 10.5, 'Alice', 'Hello', { blob: '010203' }, { decimal: 10050, scale: 2 }, { timestamp: 1672574400000 }],
        [2, false, 0, 'Bob', 'A'.repeat(10000), { blob: '0405' }, { decimal: 0, scale: 2 }, { timestamp: 1672660800000 }],
      ],
    },
  },
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(bytes: Uint8Array, ...args: string[]): Run {
  const vfs = new MemoryVfs();
  const f = vfs.open('/db.ddb', { mode: 'create' });
  f.write(bytes, 0);
  f.close();
  let stdout = '';
  let stderr = '';
  const code = main(['inspect', '/db.ddb', ...args], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), vfs });
  return { code, stdout, stderr };
}

/** A copy of the fixture with `edit` applied (pages appended when it returns a longer array). */
function damaged(edit: (b: Uint8Array) => Uint8Array | void): Uint8Array {
  const b = fixture.slice();
  return edit(b) ?? b;
}

function expectCorruption(r: Run, pageNo: number): void {
  expect(r.code).not.toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toContain('ERR_CORRUPTION');
  expect(r.stderr).toContain(`page ${pageNo}`);
  expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

/** Writes a one-cell leaf at page `n` (key 1) whose control and value are given. */
function writeLeaf(b: Uint8Array, n: number, cell: number[]): void {
  const p = b.subarray((n - 1) * PAGE, n * PAGE);
  p.fill(0);
  p.set([2, 1, 1, 0, 0, 0, 0, 0, 1, ...cell]);
}

/** Appends overflow pages forming the chain `links` (page → next). */
function withOverflowPages(b: Uint8Array, links: [number, number][]): Uint8Array {
  const pages = Math.max(...links.map(([n]) => n));
  const out = new Uint8Array(pages * PAGE);
  out.set(b);
  for (const [n, next] of links) {
    writeU32(out, (n - 1) * PAGE, next);
    writeU32(out, (n - 1) * PAGE + 4, PAGE - 8);
  }
  return out;
}

function indexOf(b: Uint8Array, needle: number[], from: number): number {
  outer: for (let i = from; i < b.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (b[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}

describe('decentdb inspect on the native fixture', () => {
  it('prints exactly the README contents as JSON', () => {
    const r = run(fixture, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual(EXPECTED);
  });

  it('prints the same content readably without --json', () => {
    const r = run(fixture);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^header\n {2}version +3\n/);
    expect(r.stdout).toContain('page_size            4096');
    expect(r.stdout).toContain('catalog (5 records)');
    expect(r.stdout).toContain('table users (2 rows)');
    expect(r.stdout).toContain(`  columns: ${COLUMNS}`);
    expect(r.stdout).toContain('[1,true,10.5,"Alice","Hello",{"blob":"010203"},{"decimal":10050,"scale":2},{"timestamp":1672574400000}]');
  });

  it('reports usage errors, unknown commands and missing files without a stack', () => {
    let err = '';
    const io = { stdout: () => undefined, stderr: (s: string) => (err += s), vfs: new MemoryVfs() };
    expect(main([], io)).toBe(2);
    expect(main(['frobnicate'], io)).toBe(2);
    expect(main(['inspect'], io)).toBe(2);
    expect(main(['inspect', 'a', '--yaml'], io)).toBe(2);
    expect(err).toContain('usage: decentdb');
    err = '';
    expect(main(['inspect', '/missing.ddb'], io)).toBe(1);
    expect(err).toMatch(/^decentdb: ERR_IO: /);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('shows a database with a -wal as committed (WAL replayed) and writes nothing', () => {
    const live = new MemoryVfs();
    writeBytes(live, '/w.ddb', fixture);
    const db = Database.open('/w.ddb', { vfs: live });
    db.exec("INSERT INTO users (id, is_active, name) VALUES (3, TRUE, 'Carol')");
    const crashed = new MemoryVfs(); // the files as a crash would leave them: the row is only in the WAL
    copyFiles(live, crashed, ['/w.ddb', '/w.ddb-wal']);
    db.close();
    const mainBefore = readBytes(crashed, '/w.ddb');
    const walBefore = readBytes(crashed, '/w.ddb-wal');
    expect(walBefore.length).toBeGreaterThan(32);
    const r = run2(crashed, 'inspect', '/w.ddb', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as typeof EXPECTED).tables.users.rows;
    expect(rows.map((row) => row[3])).toEqual(['Alice', 'Bob', 'Carol']);
    expect(readBytes(crashed, '/w.ddb')).toEqual(mainBefore);
    expect(readBytes(crashed, '/w.ddb-wal')).toEqual(walBefore);
  });

  it('rejects a damaged WAL with ERR_CORRUPTION', () => {
    const vfs = new MemoryVfs();
    writeBytes(vfs, '/w.ddb', fixture);
    writeBytes(vfs, '/w.ddb-wal', new Uint8Array(32 + 4109)); // bad magic and a frame's worth of bytes (a bare bad header is started afresh)
    const r = run2(vfs, 'inspect', '/w.ddb', '--json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^decentdb: ERR_CORRUPTION: WAL [^\n]*\n$/);
  });
});

describe('decentdb inspect on damaged files', () => {
  it('rejects a bad magic (page 1)', () => {
    expectCorruption(run(damaged((b) => void (b[0] = 0x58)), '--json'), 1);
  });

  it('rejects a wrong header checksum (page 1)', () => {
    expectCorruption(run(damaged((b) => void (b[28] = 9)), '--json'), 1);
  });

  it('rejects a catalog root out of range', () => {
    const b = damaged((b) => {
      writeU32(b, 32, 42);
      writeU32(b, 24, crc32c(b, 28, 128, crc32c(b, 0, 24)));
    });
    expectCorruption(run(b, '--json'), 42);
  });

  it('rejects an interior child pointer out of range', () => {
    // Page 2 becomes an interior page: one cell (key 5 → child 88), right child 3.
    const b = damaged((b) => {
      b.fill(0, PAGE, 2 * PAGE);
      b.set([1, 1, 1, 0, 3, 0, 0, 0, 5, 88], PAGE);
    });
    const r = run(b, '--json');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/^decentdb: ERR_CORRUPTION: page (2|88)\b.*\n$/);
    expect(r.stderr).toContain('88');
  });

  it('rejects a next-leaf pointer out of range', () => {
    const r = run(damaged((b) => writeU32(b, PAGE + 4, 99)), '--json');
    expectCorruption(r, 2);
    expect(r.stderr).toContain('99');
  });

  it('rejects a table root page out of range', () => {
    // The users record stores root 3 as `01 01 06`; 0x7e is zigzag(63).
    const b = damaged((b) => {
      const at = indexOf(b, [0x04, 0x05, 0x75, 0x73, 0x65, 0x72, 0x73, 0x01, 0x01, 0x06], PAGE);
      b[at + 9] = 0x7e;
    });
    expectCorruption(run(b, '--json'), 63);
  });

  it('rejects a leaf chain that loops back to itself', () => {
    expectCorruption(run(damaged((b) => writeU32(b, 2 * PAGE + 4, 3)), '--json'), 3);
  });

  it('rejects a leaf chain that loops between two pages', () => {
    const b = damaged((b) => {
      writeU32(b, 2 * PAGE + 4, 4);
      writeU32(b, 3 * PAGE + 4, 3);
    });
    const r = run(b, '--json');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/ERR_CORRUPTION.*page [34]\b/);
  });

  it('rejects a B+Tree value overflow chain that loops', () => {
    const b = damaged((b) => {
      writeLeaf(b, 3, [(6 << 1) | 1]);
      return withOverflowPages(b, [[6, 7], [7, 6]]);
    });
    expectCorruption(run(b, '--json'), 6);
  });

  it('rejects a record-value overflow chain that loops', () => {
    // Record: 1 field, kind 7 (BLOB_OVERFLOW), [head 6][len 20000].
    const b = damaged((b) => {
      writeLeaf(b, 3, [11 << 1, 1, 7, 8, 6, 0, 0, 0, 0x20, 0x4e, 0, 0]);
      return withOverflowPages(b, [[6, 7], [7, 6]]);
    });
    expectCorruption(run(b, '--json'), 6);
  });

  it('rejects a truncated varint inside a record', () => {
    // Bob's id is `01 01 04`; 0x84 continues past the payload.
    const b = damaged((b) => {
      const at = indexOf(b, [0x08, 0x01, 0x01, 0x04, 0x0d, 0x00], 2 * PAGE);
      b[at + 3] = 0x84;
    });
    expectCorruption(run(b, '--json'), 3);
  });

  it('rejects a record length running past the page', () => {
    // The first catalog cell's control 70 08 (568 bytes) becomes 7f 7f… (far too long).
    const b = damaged((b) => {
      b[PAGE + 12] = 0xfe;
      b[PAGE + 13] = 0x7f;
    });
    expectCorruption(run(b, '--json'), 2);
  });

  it('rejects a file truncated before the table page', () => {
    expectCorruption(run(fixture.slice(0, 2 * PAGE + 100), '--json'), 3);
  });

  it('rejects an unknown record kind', () => {
    const b = damaged((b) => {
      const at = indexOf(b, [0x08, 0x01, 0x01, 0x04, 0x0d, 0x00], 2 * PAGE);
      b[at + 4] = 0x33;
    });
    expectCorruption(run(b, '--json'), 3);
  });
});

describe('decentdb inspect on randomly damaged files', () => {
  it('either succeeds or fails with one ERR_CORRUPTION line (property)', () => {
    fc.assert(
      fc.property(
        // Edits land in the used parts of the catalog leaf (595 bytes) and the table leaf (134).
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: PAGE, max: PAGE + 600 }), fc.integer({ min: 2 * PAGE, max: 2 * PAGE + 140 })), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (edits) => {
          const b = damaged((b) => {
            for (const [at, v] of edits) b[at] = v;
          });
          const r = run(b, '--json');
          if (r.code === 0) {
            expect(r.stderr).toBe('');
            return;
          }
          expect(r.code).toBe(1);
          expect(r.stderr).toMatch(/^decentdb: ERR_CORRUPTION: page \d+: [^\n]*\n$/);
        },
      ),
      { numRuns: 500 },
    );
  });
});
