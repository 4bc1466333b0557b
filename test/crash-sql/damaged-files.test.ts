/**
 * Damaged files through the Database API: bad magic, header checksum, truncated main file,
 * WAL bad magic / wrong page size / checksum mismatch mid-file / end offset beyond the file /
 * torn tail, and random byte flips (fast-check) in the main file and the WAL. Open either
 * fails or succeeds; every query then works or throws a DecentDBError (never a RangeError,
 * TypeError or hang), and WAL damage never serves a state that was not committed (ADR-0002).
 * Hangs are caught by vitest's test timeout.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, MemoryVfs, type DatabaseOptions } from '../../src/index.js';
import type { DbHeaderFields, PagerWarning } from '../../src/pager/index.js';
import { BACKUP_HEADER_OFFSET, decodeHeader, encodeHeader, walPathOf } from '../../src/pager/index.js';
import { PATH, SCHEMA_SQL, canon, noise, sqlState } from './sql-crash-helpers.js';

const WAL = walPathOf(PATH);
const PAGE_SIZE = 1024;

interface Fixture {
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Canonical committed states: [0] checkpointed into the main file, then one per WAL commit. */
  readonly states: readonly string[];
  /** WAL size after each commit ([0] = size before the first WAL commit). */
  readonly walEnds: readonly number[];
}

function readAll(vfs: MemoryVfs, path: string): Uint8Array {
  const f = vfs.open(path, { mode: 'open' });
  try {
    const out = new Uint8Array(f.size());
    f.read(out, 0);
    return out;
  } finally {
    f.close();
  }
}

function walSize(vfs: MemoryVfs): number {
  const f = vfs.open(WAL, { mode: 'open' });
  try {
    return f.size();
  } finally {
    f.close();
  }
}

/** A database with a checkpointed main file and four commits left in its WAL (never closed). */
function buildFixture(): Fixture {
  const vfs = new MemoryVfs();
  const db = Database.open(PATH, { vfs, pageSize: PAGE_SIZE, durability: 'full' });
  db.exec(`BEGIN; ${SCHEMA_SQL.join('; ')}; COMMIT`);
  db.transaction(() => {
    for (let i = 1; i <= 50; i++) db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([i, `p${i}`, i % 4, i === 7 ? noise(3000, 7) : `v${i}`]);
    for (let i = 1; i <= 20; i++) db.prepare('INSERT INTO child VALUES ($1, $2, $3)').run([i, i, `c${i}`]);
  })();
  db.checkpoint();
  const tables = ['child', 'parent'];
  const states = [canon(sqlState(db, tables))];
  const walEnds = [walSize(vfs)];
  const commits = [
    (): void => { db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([100, 'hundred', 1, noise(2500, 100)]); },
    (): void => { db.exec("UPDATE parent SET name = name || 'x', grp = grp + 1 WHERE id <= 25"); },
    (): void => { db.exec('DELETE FROM child WHERE id > 10; DELETE FROM parent WHERE id > 40 AND id < 100'); },
    (): void => { db.prepare('INSERT INTO child VALUES ($1, $2, $3)').run([99, 100, 'late']); },
  ];
  for (const c of commits) {
    if (c === commits[2]) db.transaction(c)();
    else c();
    states.push(canon(sqlState(db, tables)));
    walEnds.push(walSize(vfs));
  }
  // Abandoned without close: the WAL keeps the four commits, as after a crash.
  return { files: new Map([[PATH, readAll(vfs, PATH)], [WAL, readAll(vfs, WAL)]]), states, walEnds };
}

const FIXTURE = buildFixture();

/** A fresh Vfs holding the fixture's files after `damage` edited copies of them. */
function damaged(damage: (files: Map<string, Uint8Array>) => void): MemoryVfs {
  const files = new Map([...FIXTURE.files].map(([p, b]) => [p, b.slice()]));
  damage(files);
  const vfs = new MemoryVfs();
  for (const [p, b] of files) {
    const f = vfs.open(p, { mode: 'create' });
    f.write(b, 0);
    f.close();
  }
  return vfs;
}

interface Probe {
  /** The error code of a failed open, undefined when it opened. */
  readonly openError?: string;
  /** Canonical state when both tables could be read in full. */
  readonly state?: string;
  readonly queryErrors: string[];
  readonly warnings: PagerWarning[];
}

/** Rethrows anything that is not a DecentDBError (a RangeError or TypeError is a bug); returns the code. */
function codeOf(e: unknown): string {
  if (e instanceof DecentDBError) return e.code;
  throw e;
}

/** Opens the damaged database and runs reads and a write; every failure must be a DecentDBError. */
function probe(vfs: MemoryVfs, options: DatabaseOptions = {}): Probe {
  const warnings: PagerWarning[] = [];
  let db: Database;
  try {
    db = Database.open(PATH, { vfs, mode: 'open', onWarning: (w) => warnings.push(w), ...options });
  } catch (e) {
    return { openError: codeOf(e), queryErrors: [], warnings };
  }
  const queryErrors: string[] = [];
  const tryIt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      queryErrors.push(codeOf(e));
      return undefined;
    }
  };
  const state = tryIt(() => canon(sqlState(db, ['child', 'parent'])));
  tryIt(() => db.query('SELECT id FROM parent WHERE name = $1', ['p30']));
  tryIt(() => db.query('SELECT count(*) FROM parent WHERE grp = 2'));
  tryIt(() => db.query('SELECT p.id, c.note FROM child c JOIN parent p ON p.id = c.pid ORDER BY c.id'));
  tryIt(() => db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([5000, 'new', 1, 'v']));
  tryIt(() => db.exec('UPDATE parent SET grp = grp + 1 WHERE id < 10; DELETE FROM child WHERE id = 2'));
  tryIt(() => db.checkpoint());
  tryIt(() => db.close());
  return { ...(state !== undefined && { state }), queryErrors, warnings };
}

const last = FIXTURE.states.length - 1;

function xor(b: Uint8Array, at: number, x: number): void {
  b[at] = b[at]! ^ x;
}

describe('damaged database files through the Database API', () => {
  it('opens the undamaged fixture at its last commit (control)', () => {
    const p = probe(damaged(() => undefined));
    expect(p.openError).toBeUndefined();
    expect(p.queryErrors).toEqual([]);
    expect(p.state).toBe(FIXTURE.states[last]);
  });

  it('rejects a main file whose magic is bad in both header copies with ERR_CORRUPTION', () => {
    const p = probe(damaged((f) => {
      xor(f.get(PATH)!, 0, 0xff);
      xor(f.get(PATH)!, 128, 0xff);
    }));
    expect(p.openError).toBe('ERR_CORRUPTION');
  });

  it('rejects a file that is not a DecentDB database with ERR_CORRUPTION', () => {
    const p = probe(damaged((f) => {
      const b = f.get(PATH)!;
      for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;
      f.delete(WAL);
    }));
    expect(p.openError).toBe('ERR_CORRUPTION');
  });

  it('on a damaged primary header (magic or checksum) fails with ERR_CORRUPTION or opens at the same commit from the backup copy', () => {
    for (const offset of [0, 5, 24, 29, 33]) {
      const p = probe(damaged((f) => {
        xor(f.get(PATH)!, offset, 0x40);
      }));
      if (p.openError !== undefined) expect(p.openError, `byte ${offset}`).toBe('ERR_CORRUPTION');
      else expect(p.state, `byte ${offset}`).toBe(FIXTURE.states[last]);
    }
  });

  it('rejects a header whose checksum does not match in both copies with ERR_CORRUPTION', () => {
    const p = probe(damaged((f) => {
      xor(f.get(PATH)!, 29, 0x01);
      xor(f.get(PATH)!, 128 + 29, 0x01);
    }));
    expect(p.openError).toBe('ERR_CORRUPTION');
  });

  it('handles a truncated main file: open fails, or reads fail with DecentDBError, or the data is intact', () => {
    const size = FIXTURE.files.get(PATH)!.length;
    for (const cut of [0, 100, 200, PAGE_SIZE, PAGE_SIZE + 10, Math.floor(size / 2), size - PAGE_SIZE, size - 1]) {
      const p = probe(damaged((f) => f.set(PATH, f.get(PATH)!.slice(0, cut))));
      if (p.openError !== undefined) continue;
      if (p.state !== undefined && p.queryErrors.length === 0) expect(FIXTURE.states, `cut at ${cut}`).toContain(p.state);
    }
  });

  it('rejects a WAL with a bad magic with ERR_CORRUPTION', () => {
    const p = probe(damaged((f) => {
      xor(f.get(WAL)!, 1, 0x20);
    }));
    expect(p.openError).toBe('ERR_CORRUPTION');
  });

  it('rejects a WAL whose page size differs from the database with ERR_CORRUPTION', () => {
    const p = probe(damaged((f) => {
      const w = f.get(WAL)!;
      new DataView(w.buffer, w.byteOffset).setUint32(12, 2 * PAGE_SIZE, true);
    }));
    expect(p.openError).toBe('ERR_CORRUPTION');
  });

  it('recovers the committed prefix before a frame whose checksum does not match, and warns', () => {
    for (let commit = 1; commit <= last; commit++) {
      const start = FIXTURE.walEnds[commit - 1]!;
      // The last frame is the COMMIT frame; its trailer is u32 CRC then u32 zero (unchecked), so -5 hits the CRC.
      for (const at of [start, start + 5 + 100, FIXTURE.walEnds[commit]! - 5]) {
        const p = probe(damaged((f) => {
          xor(f.get(WAL)!, at, 0x10);
        }));
        const where = `commit ${commit}, byte ${at}`;
        expect(p.openError, where).toBeUndefined();
        expect(p.state, where).toBe(FIXTURE.states[commit - 1]);
        expect(p.warnings.map((w) => w.kind), where).toContain('wal-recovery');
      }
    }
  });

  it('ignores a WAL end offset beyond the file (advisory with checksums)', () => {
    const p = probe(damaged((f) => {
      const w = f.get(WAL)!;
      new DataView(w.buffer, w.byteOffset).setUint32(16, w.length + 10_000, true);
    }));
    expect(p.openError).toBeUndefined();
    expect(p.state).toBe(FIXTURE.states[last]);
  });

  it('drops a torn last commit (WAL cut inside it)', () => {
    for (const back of [1, 8, 13, 500]) {
      const p = probe(damaged((f) => f.set(WAL, f.get(WAL)!.slice(0, FIXTURE.walEnds[last]! - back))));
      expect(p.openError, `cut ${back}`).toBeUndefined();
      expect(p.state, `cut ${back}`).toBe(FIXTURE.states[last - 1]);
    }
  });

  it('survives any page copied over any other (cycles, shared and misplaced pages): only DecentDBErrors', () => {
    const main = FIXTURE.files.get(PATH)!;
    const pages = main.length / PAGE_SIZE;
    let opened = 0;
    for (let p = 2; p <= pages; p++) {
      for (let q = 1; q <= pages; q++) {
        if (p === q) continue;
        const p1 = probe(damaged((f) => {
          const b = f.get(PATH)!;
          b.set(main.subarray((q - 1) * PAGE_SIZE, q * PAGE_SIZE), (p - 1) * PAGE_SIZE);
          f.delete(WAL);
        }));
        if (p1.openError === undefined) opened++;
      }
    }
    expect(opened).toBeGreaterThan(0);
  });

  it('survives header fields with a valid checksum but wrong values (roots, freelist, sizes): only DecentDBErrors', () => {
    const main = FIXTURE.files.get(PATH)!;
    const pages = main.length / PAGE_SIZE;
    const original = decodeHeader(main);
    const value = fc.oneof(fc.integer({ min: 0, max: pages + 2 }), fc.constantFrom(1024, 2048, 65536, 1 << 20, 0x7fffffff, 0xffffffff));
    const field = fc.constantFrom<keyof DbHeaderFields>('rootCatalog', 'freelistHead', 'freelistCount', 'schemaCookie', 'pageSize', 'lastCheckpointLsn');
    fc.assert(
      fc.property(fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 2 }), fc.boolean(), (changes, withWal) => {
        const h: DbHeaderFields = { ...original };
        for (const [k, v] of changes) h[k] = v;
        probe(damaged((f) => {
          const b = f.get(PATH)!;
          encodeHeader(h, b);
          encodeHeader(h, b.subarray(BACKUP_HEADER_OFFSET));
          if (!withWal) f.delete(WAL);
        }));
      }),
      { numRuns: 150 },
    );
  });

  it('survives random byte flips in the main file: only DecentDBErrors, never a hang or a crash', () => {
    const size = FIXTURE.files.get(PATH)!.length;
    const flips = fc.array(fc.record({ at: fc.nat(size - 1), x: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(flips, fc.boolean(), (fl, withWal) => {
        const vfs = damaged((f) => {
          const b = f.get(PATH)!;
          for (const { at, x } of fl) xor(b, at, x);
          if (!withWal) f.delete(WAL);
        });
        probe(vfs);
      }),
      { numRuns: 200 },
    );
  });

  it('survives random byte flips in the WAL: only DecentDBErrors, and never a state that was not committed', () => {
    const size = FIXTURE.files.get(WAL)!.length;
    const flips = fc.array(fc.record({ at: fc.nat(size - 1), x: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(flips, (fl) => {
        const p = probe(damaged((f) => {
          const b = f.get(WAL)!;
          for (const { at, x } of fl) xor(b, at, x);
        }));
        if (p.openError !== undefined) expect(p.openError).toBe('ERR_CORRUPTION');
        if (p.state !== undefined) expect(FIXTURE.states).toContain(p.state);
      }),
      { numRuns: 100 },
    );
  });
});
