/**
 * Crash-injection matrix through SQL under durability 'full' (with and without automatic
 * checkpoints): every acknowledged commit survives a crash at any write, sync or truncate, and
 * no transaction is ever partly visible. The matrix itself is in sql-matrix.ts; ADR-0003.
 */
import { describe, expect, it } from 'vitest';
import { CONFIGS, runMatrix } from './sql-matrix.js';

describe('SQL crash matrix, full durability', () => {
  for (const cfg of CONFIGS.filter((c) => c.everyCommitDurable)) {
    it(`${cfg.name}: every write, sync and truncate point recovers every acknowledged commit, intact`, () => {
      expect(runMatrix(cfg)).toBeGreaterThan(100);
    });
  }
});
