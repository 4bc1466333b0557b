import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FaultyVfs } from './faulty-vfs.js';
import { MemoryVfs } from './memory-vfs.js';
import { NodeVfs } from './node-vfs.js';
import { vfsContractChecks } from './vfs-contract.js';
import type { Vfs } from './vfs.js';

const tmp = mkdtempSync(join(tmpdir(), 'decentdb-vfs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const backends: ReadonlyArray<readonly [string, () => Vfs, string]> = [
  ['MemoryVfs', () => new MemoryVfs(), '/m'],
  ['NodeVfs', () => new NodeVfs(), tmp],
  ['FaultyVfs(MemoryVfs)', () => new FaultyVfs(new MemoryVfs()), '/f'],
  ['FaultyVfs(NodeVfs)', () => new FaultyVfs(new NodeVfs({ syncCall: 'fdatasync' })), tmp],
];

for (const [name, make, dir] of backends) {
  describe(`${name} passes the Vfs contract`, () => {
    for (const c of vfsContractChecks) {
      it(c.name, () => {
        c.run(make(), dir);
      });
    }
  });
}
