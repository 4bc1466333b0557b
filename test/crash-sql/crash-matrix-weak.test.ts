/**
 * Crash-injection matrix through SQL under durability 'normal' (group commit by count and by
 * time) and 'off': a crash may lose acknowledged commits since the last sync (checkpoint,
 * close, group-commit sync) but always leaves one whole committed state, intact. The matrix
 * itself is in sql-matrix.ts; the contracts are ADR-0003's.
 */
import { describe, expect, it } from 'vitest';
import { CONFIGS, countOps, runMatrix } from './sql-matrix.js';

describe('SQL crash matrix, weaker durability', () => {
  it("syncs per ADR-0003: 'off' no more than 'normal', 'normal' by time more than by count, 'full' most", () => {
    const syncs = (name: string): number => countOps(CONFIGS.find((c) => c.name === name)!).sync;
    const off = syncs("durability 'off'");
    const normal = syncs("durability 'normal'");
    const byTime = syncs("durability 'normal' with group-commit syncs by time");
    const full = syncs("durability 'full'");
    expect(off).toBeLessThanOrEqual(normal);
    expect(byTime).toBeGreaterThan(normal);
    expect(full).toBeGreaterThan(byTime);
  });

  for (const cfg of CONFIGS.filter((c) => !c.everyCommitDurable)) {
    it(`${cfg.name}: every write, sync and truncate point recovers a committed prefix, intact`, () => {
      expect(runMatrix(cfg)).toBeGreaterThan(100);
    });
  }
});
