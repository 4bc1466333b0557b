// e2e page: starts vfs-worker.ts and exposes it, plus a transport timer, on window.
import { wrap } from 'comlink';
import { pageRows } from '../../worker/client.js';
import type { VfsWorkerApi } from './vfs-worker.js';

const worker = wrap<VfsWorkerApi>(new Worker(new URL('./vfs-worker.ts', import.meta.url), { type: 'module' }));

async function measureTransport(n: number, rounds: number): Promise<Record<string, number>> {
  await worker.prepareRows(n);
  const time = async (mode: 'objects' | 'columns' | 'none', toRows: boolean): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      const v = await worker.send(mode);
      if (toRows && v !== null) pageRows({ ...(v as { columns: string[]; columnValues: unknown[][] }), rowCount: n, done: true });
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? NaN;
  };
  await time('objects', false); // warm up both paths
  await time('columns', false);
  return {
    emptyMs: await time('none', false),
    objectsMs: await time('objects', false),
    columnsMs: await time('columns', false),
    columnsToObjectsMs: await time('columns', true),
  };
}

Object.assign(window, { vfsWorker: worker, measureTransport, ready: true });
