/**
 * Crash and recover with trigram indexes (ADR-0007 §3: postings change in the row's own
 * transaction). A seeded workload writes tables `a` (trigram index) and `b` (none) identically in
 * transactions, with rollbacks and savepoint rollbacks; the FaultyVfs crashes it at the k-th
 * sync or write. After recovery the index must hold exactly its table's postings, `a` must equal
 * `b`, LIKE/ILIKE must return the same rows from both, and new writes must keep them in step.
 */
import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, FaultyVfs, MemoryVfs, type DatabaseOptions } from '../../src/index.js';
import { ALPHABET, trigramIndexesAgree } from './trigram-sql-helpers.js';

const PATH = 'trigram-crash.ddb';
const OPTIONS: DatabaseOptions = { pageSize: 1024, cacheSizeBytes: 24 * 1024, durability: 'full', clock: () => 0 };
const PATTERNS: readonly [string, boolean][] = [['%love%', true], ['%ab%', false], ['%音楽%', false], ['%KSS%', true], ['%😀 %', false], ['%dд%', true], ['_a%', false]];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function text(r: () => number): string | null {
  if (r() < 0.08) return null;
  const words = ['love', 'Love me', 'kiss', 'Straße', '音楽', 'дом'];
  let s = r() < 0.5 ? words[Math.floor(r() * words.length)]! + ' ' : '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

/** The workload; stops at the first error (the crash). */
function workload(db: Database, seed: number): void {
  const r = rng(seed);
  const write = (sql: string, params: unknown[]): void => {
    for (const t of ['a', 'b']) db.prepare(sql.replace(/\bT\b/g, t)).run(params);
  };
  for (let txn = 0; txn < 14; txn++) {
    db.exec('BEGIN');
    for (let i = 0; i < 10; i++) {
      const id = 1 + Math.floor(r() * 80);
      const x = r();
      if (i === 5) db.exec('SAVEPOINT s');
      if (x < 0.5) write('INSERT INTO T VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET title = excluded.title', [id, text(r)]);
      else if (x < 0.8) write('UPDATE T SET title = $2 WHERE id = $1', [id, text(r)]);
      else write('DELETE FROM T WHERE id = $1', [id]);
    }
    if (txn % 4 === 1) db.exec('ROLLBACK TO s');
    db.exec(txn % 5 === 3 ? 'ROLLBACK' : 'COMMIT');
  }
}

function fresh(): FaultyVfs {
  const vfs = new FaultyVfs(new MemoryVfs());
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  db.exec('CREATE TABLE a (id INT PRIMARY KEY, title TEXT); CREATE TABLE b (id INT PRIMARY KEY, title TEXT); CREATE INDEX a_title ON a USING trigram (title)');
  db.bulkLoad('a', [[1000, 'seed love song']]);
  db.bulkLoad('b', [[1000, 'seed love song']]);
  db.close();
  return vfs;
}

function crashRun(op: 'sync' | 'write', k: number, seed: number, tornBytes?: number): FaultyVfs {
  const vfs = fresh();
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  vfs.crashAt(op, k, tornBytes);
  try {
    workload(db, seed);
    db.close();
  } catch (e) {
    if (!(e instanceof DecentDBError) || e.code !== 'ERR_IO') throw e;
  }
  expect(vfs.crashCount, `${op} #${k}`).toBe(1);
  vfs.clearFaults();
  return vfs;
}

function checkRecovered(vfs: FaultyVfs, where: string): void {
  trigramIndexesAgree(vfs, PATH);
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  const all = (t: string): unknown => db.query(`SELECT id, title FROM ${t} ORDER BY id`, [], { rowMode: 'array' });
  expect(all('a'), where).toEqual(all('b'));
  for (const [p, ci] of PATTERNS) {
    const q = (t: string): unknown => db.query(`SELECT id FROM ${t} WHERE title ${ci ? 'ILIKE' : 'LIKE'} $1 ORDER BY id`, [p], { rowMode: 'array' });
    expect(q('a'), `${where} ${p}`).toEqual(q('b'));
  }
  // Writing after recovery keeps the index in step (the new Database starts with no tails).
  workload(db, 99);
  db.close();
  trigramIndexesAgree(vfs, PATH);
}

describe('trigram index after a crash', () => {
  const total = (op: 'sync' | 'write'): number => {
    const vfs = fresh();
    const db = Database.open(PATH, { ...OPTIONS, vfs });
    const before = vfs.counters[op];
    workload(db, 7);
    db.close();
    return vfs.counters[op] - before;
  };

  it('equals its table at every sync crash point', () => {
    const n = total('sync');
    let cases = 0;
    for (let k = 1; k <= n; k += 2) {
      checkRecovered(crashRun('sync', k, 7), `sync #${k}`);
      cases++;
    }
    expect(cases).toBeGreaterThan(5);
  });

  it('equals its table at write crash points (torn pages included)', () => {
    const n = total('write');
    let cases = 0;
    for (let k = 1; k <= n; k += Math.max(1, Math.floor(n / 25))) {
      const torn = cases % 3 === 1 ? 100 : undefined;
      checkRecovered(crashRun('write', k, 7, torn), `write #${k}${torn === undefined ? '' : ' torn'}`);
      cases++;
    }
    expect(cases).toBeGreaterThan(10);
  });
});
