/**
 * Scratch directories for bench databases: created under the OS temp dir (or $DECENTDB_BENCH_TMP
 * to bench on a specific disk), removed on dispose and on process exit. Also sums a directory's
 * file sizes (database + WAL) for size metrics.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let exitHookInstalled = false;

export interface TempDir {
  readonly path: string;
  /** Sum of the sizes of the regular files directly in the directory, bytes. */
  sizeBytes(): number;
  dispose(): void;
}

export function makeTempDir(prefix: string): TempDir {
  const root = process.env['DECENTDB_BENCH_TMP'] ?? tmpdir();
  const path = mkdtempSync(join(root, `decentdb-bench-${prefix}-`));
  live.add(path);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const dir of live) rmSync(dir, { recursive: true, force: true });
    });
  }
  return {
    path,
    sizeBytes: () => directorySizeBytes(path),
    dispose: () => {
      rmSync(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

export function directorySizeBytes(path: string): number {
  let total = 0;
  for (const name of readdirSync(path)) {
    const st = statSync(join(path, name));
    if (st.isFile()) total += st.size;
  }
  return total;
}
