import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readU64, toHex } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';

const FIXTURE = new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url);

function load(): MemoryPageStore {
  return MemoryPageStore.fromImage(new Uint8Array(readFileSync(FIXTURE)), 4096);
}
function entries(s: MemoryPageStore, root: number): [U64, Uint8Array][] {
  const out: [U64, Uint8Array][] = [];
  const c = new BTree(s, root).cursor();
  for (let ok = c.first(); ok; ok = c.next()) out.push([c.key, c.value().slice()]);
  return out;
}

describe('native fixture leaves (spec §1.13)', () => {
  it('reads the catalog root (page 2) in key order', () => {
    const s = load();
    expect(entries(s, 2).map((e) => e[0])).toEqual([0x05afeb20, 0x3c30d996, 0x9b306586, 0xc8858b87, 0xccaa225d]);
    checkTree(s, 2);
  });

  it('reads the users table rows 1 and 2 with 48 and 73-byte records', () => {
    const s = load();
    const rows = entries(s, 3);
    expect(rows.map((r) => [r[0], r[1].length])).toEqual([
      [1, 48],
      [2, 73],
    ]);
    expect(new BTree(s, 3).get(2)!.length).toBe(73);
    const img = s.read(3);
    expect(toHex(img.subarray(8, 10))).toBe('0160'); // key 1, control 0x60 (len 48)
  });

  it('reads the index leaves with delta keys', () => {
    const s = load();
    const name = entries(s, 4);
    expect(name.map((e) => e[0])).toEqual([0x416c696365000000n, 0x426f620000000000n]);
    expect(toHex(name[0]![1])).toBe('05416c6963650100000000000000');
    expect(readU64(name[1]![1], 4)).toBe(2);
    const score = entries(s, 5);
    expect(score.map((e) => e[0])).toEqual([0, 0x4025000000000000n]);
    expect(score.map((e) => readU64(e[1], 0))).toEqual([2, 1]);
  });

  it('modifies a native leaf and keeps it readable and checkable', () => {
    const s = load();
    const t = new BTree(s, 3);
    t.insert(3, new Uint8Array(10), { unique: true });
    expect(() => t.insert(1, new Uint8Array(1), { unique: true })).toThrow(/Unique/);
    expect(entries(s, t.root).map((e) => e[0])).toEqual([1, 2, 3]);
    expect(entries(s, t.root)[1]![1].length).toBe(73);
    checkTree(s, t.root);
  });
});
