import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, DecentDBError, fromHex, toHex } from '../util/index.js';
import { encodeRecord, inlineOnly, recordKinds } from '../record/index.js';
import {
  catalogKeyOf,
  decodeCatalogRecord,
  encodeCatalogRecord,
  formatChecks,
  indexKey,
  indexStatsKey,
  parseChecks,
  tableKey,
  tableStatsKey,
  triggerKey,
  viewKey,
} from './catalog-records.js';
import type { CatalogEntry, TableDef } from './catalog-types.js';
import { triggerEvents, triggerTiming } from './catalog-types.js';

const fixture = readFileSync(new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url));

/** The cells of fixture leaf page `n` (delta keys, no overflow in the fixture). */
function leafCells(n: number): { key: number; value: Uint8Array }[] {
  const page = new Uint8Array(fixture.subarray((n - 1) * 4096, n * 4096));
  expect(page[0]).toBe(2);
  const count = page[2]! | (page[3]! << 8);
  const r = new ByteReader(page, 8, page.length, n);
  const cells: { key: number; value: Uint8Array }[] = [];
  let key = 0;
  for (let i = 0; i < count; i++) {
    key += r.smallVarint();
    const control = r.smallVarint();
    expect(control & 1).toBe(0);
    cells.push({ key, value: r.bytes(control / 2).slice() });
  }
  return cells;
}

const catalog = leafCells(2);

const usersTable: TableDef = {
  name: 'users',
  rootPage: 3,
  nextRowId: 1,
  columns: [
    { name: 'id', type: { base: 'INT64' }, notNull: true, unique: true, primaryKey: true },
    { name: 'is_active', type: { base: 'BOOL' }, notNull: true, unique: false, primaryKey: false },
    { name: 'score', type: { base: 'FLOAT64' }, notNull: false, unique: false, primaryKey: false },
    { name: 'name', type: { base: 'TEXT' }, notNull: false, unique: true, primaryKey: false },
    { name: 'bio', type: { base: 'TEXT' }, notNull: false, unique: false, primaryKey: false },
    { name: 'avatar', type: { base: 'BLOB' }, notNull: false, unique: false, primaryKey: false },
    { name: 'balance', type: { base: 'DECIMAL', precision: 10, scale: 2 }, notNull: false, unique: false, primaryKey: false, defaultSql: '0' },
    { name: 'created_at', type: { base: 'TIMESTAMP' }, notNull: false, unique: false, primaryKey: false },
  ],
  checks: [{ name: 'score_check', expr: '("score" >= 0.0)' }],
};

const expected: CatalogEntry[] = [
  { kind: 'index', index: { name: 'uniq_users_name_idx', table: 'users', columns: ['name'], rootPage: 4, kind: 'btree', unique: true, predicateSql: '' } },
  { kind: 'table', table: usersTable },
  { kind: 'trigger', trigger: { name: 'update_score_trigger', table: 'users', eventsMask: 16, actionSql: 'UPDATE users SET score = score + 1.0 WHERE id = 1' } },
  {
    kind: 'view',
    view: {
      name: 'active_users',
      sql: 'SELECT * FROM "users" WHERE ("is_active" = TRUE)',
      columns: ['id', 'is_active', 'score', 'name', 'bio', 'avatar', 'balance', 'created_at'],
      dependencies: ['users'],
    },
  },
  { kind: 'index', index: { name: 'idx_users_score', table: 'users', columns: ['score'], rootPage: 5, kind: 'btree', unique: false, predicateSql: '' } },
];

describe('catalog keys', () => {
  it('hashes kind:name with CRC-32C as in the fixture', () => {
    expect(tableKey('users')).toBe(0x3c30d996);
    expect(indexKey('uniq_users_name_idx')).toBe(0x05afeb20);
    expect(indexKey('idx_users_score')).toBe(0xccaa225d);
    expect(viewKey('active_users')).toBe(0xc8858b87);
    expect(triggerKey('users', 'update_score_trigger')).toBe(0x9b306586);
    expect(tableStatsKey('Users')).toBe(tableStatsKey('users'));
    expect(indexStatsKey('X')).not.toBe(tableStatsKey('X'));
    expect(catalog.map((c) => c.key)).toEqual([0x05afeb20, 0x3c30d996, 0x9b306586, 0xc8858b87, 0xccaa225d]);
  });
});

describe('catalog records: the native fixture', () => {
  it('decodes all five records to the values of spec §1.8/§1.13', () => {
    expect(catalog.map((c) => decodeCatalogRecord(c.value, null, 2))).toEqual(expected);
  });

  it('re-encodes every record byte-identically and under the same key', () => {
    for (let i = 0; i < expected.length; i++) {
      expect(toHex(encodeCatalogRecord(expected[i]!, inlineOnly()))).toBe(toHex(catalog[i]!.value));
      expect(catalogKeyOf(expected[i]!)).toBe(catalog[i]!.key);
    }
    expect(recordKinds(catalog[0]!.value)).toEqual([4, 4, 4, 4, 1, 4, 16, 4]);
  });

  it('reads trigger masks as events and timing', () => {
    expect(triggerEvents(16)).toEqual(['UPDATE']);
    expect(triggerTiming(16)).toBe('AFTER');
    expect(triggerEvents(4 | 8 | 64)).toEqual(['INSERT', 'DELETE']);
    expect(triggerTiming(4 | 64)).toBe('INSTEAD OF');
  });
});

describe('catalog records: older and other forms', () => {
  const T = { base: 'TEXT' } as const;
  const I = { base: 'INT64' } as const;
  const cols = 'id:INT64:pk;v:TEXT';

  it('reads 5-field table records and the legacy 4-field compact form', () => {
    const five = encodeRecord(['table', 't', 7, 9, cols], [T, T, I, I, T], inlineOnly());
    const four = encodeRecord(['t', 7, 9, cols], [T, I, I, T], inlineOnly());
    for (const b of [five, four]) {
      const e = decodeCatalogRecord(b, null);
      expect(e.kind === 'table' && e.table).toMatchObject({ name: 't', rootPage: 7, nextRowId: 9, checks: [] });
      expect(e.kind === 'table' && e.table.columns.map((c) => c.name)).toEqual(['id', 'v']);
    }
  });

  it('reads 5–7-field index records with defaults and expression indexes', () => {
    const five = encodeRecord(['index', 'i', 't', 'a;b', 8], [T, T, T, T, I], inlineOnly());
    expect(decodeCatalogRecord(five, null)).toEqual({ kind: 'index', index: { name: 'i', table: 't', columns: ['a', 'b'], rootPage: 8, kind: 'btree', unique: false, predicateSql: '' } });
    const seven = encodeRecord(['index', 'i', 't', 'expr:LOWER(a)', 8, 'trigram', 1], [T, T, T, T, I, T, I], inlineOnly());
    const e = decodeCatalogRecord(seven, null);
    expect(e).toEqual({ kind: 'index', index: { name: 'i', table: 't', columns: [], expressionSql: 'LOWER(a)', rootPage: 8, kind: 'trigram', unique: true, predicateSql: '' } });
    expect(decodeCatalogRecord(encodeCatalogRecord(e, inlineOnly()), null)).toEqual(e);
  });

  it('round-trips stats records and keeps unknown tags as unknown', () => {
    const ts: CatalogEntry = { kind: 'tableStats', stats: { name: 'users', rowCount: 2 } };
    const is: CatalogEntry = { kind: 'indexStats', stats: { name: 'idx', entryCount: 2n ** 60n, distinctKeyCount: 0 } };
    for (const e of [ts, is]) expect(decodeCatalogRecord(encodeCatalogRecord(e, inlineOnly()), null)).toEqual(e);
    expect(decodeCatalogRecord(encodeRecord(['sequence', 's'], [T, T], inlineOnly()), null)).toEqual({ kind: 'unknown', tag: 'sequence' });
  });

  it('rejects malformed catalog records with ERR_CORRUPTION naming the page', () => {
    const bad = [
      encodeRecord(['table', 't', 'x', 1, cols, '[]'], [T, T, T, I, T, T], inlineOnly()),
      encodeRecord(['table', 't'], [T, T], inlineOnly()),
      encodeRecord(['table', 't', 3, 1, 'id', '[]'], [T, T, I, I, T, T], inlineOnly()),
      encodeRecord(['table', 't', 3, 1, 'id:WHAT', '[]'], [T, T, I, I, T, T], inlineOnly()),
      encodeRecord(['table', 't', 3, 1, cols, '{oops'], [T, T, I, I, T, T], inlineOnly()),
      encodeRecord(['table', 't', -3, 1, cols, '[]'], [T, T, I, I, T, T], inlineOnly()),
      encodeRecord([5, 6], [I, I], inlineOnly()),
      fromHex('0112'),
    ];
    for (const b of bad) {
      try {
        decodeCatalogRecord(b, null, 2);
        throw new Error('expected ERR_CORRUPTION');
      } catch (e) {
        expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
        expect((e as DecentDBError).message).toMatch(/page 2/);
      }
    }
  });
});

describe('CHECK JSON', () => {
  it('formats exactly as the native writer and parses back (property)', () => {
    expect(formatChecks(usersTable.checks)).toBe('[{"name":"score_check","expr":"(\\"score\\" >= 0.0)"}]');
    expect(formatChecks([])).toBe('[]');
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.string(), expr: fc.string() }), { maxLength: 5 }), (checks) => {
        expect(parseChecks(formatChecks(checks))).toEqual(checks);
      }),
      { numRuns: 200 },
    );
  });
});
