/**
 * withOpenRetry (opfs-vfs.ts): opening an OPFS access handle retries while another worker holds
 * the file, and looks a file up again when it vanished between lookup and handle (the previous
 * holder removing its spare files on close), a few times only; other errors surface at once.
 */
import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../src/util/index.js';
import { withOpenRetry } from './opfs-vfs.js';

const domError = (name: string): Error => Object.assign(new Error(`${name} (fake)`), { name });

/** An `open` failing with the given error names in turn, then returning 'handle'. */
function failing(...names: string[]): { open: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    open: async () => {
      const name = names[calls++];
      if (name !== undefined) throw domError(name);
      return 'handle';
    },
    calls: () => calls,
  };
}

describe('withOpenRetry', () => {
  it('retries while the file is held by another worker', async () => {
    const f = failing('NoModificationAllowedError', 'NoModificationAllowedError');
    let retries = 0;
    await expect(withOpenRetry(f.open, 5000, 'x.ddb', () => retries++)).resolves.toBe('handle');
    expect([f.calls(), retries]).toEqual([3, 2]);
  });

  it('looks a vanished file up again (it is created afresh), up to three times', async () => {
    const f = failing('NotFoundError', 'NoModificationAllowedError', 'NotFoundError');
    await expect(withOpenRetry(f.open, 5000, '.decentdb-spare-3')).resolves.toBe('handle');
    const g = failing('NotFoundError', 'NotFoundError', 'NotFoundError', 'NotFoundError');
    const err = await withOpenRetry(g.open, 5000, '.decentdb-spare-3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecentDBError);
    expect((err as DecentDBError).code).toBe('ERR_IO');
    expect(g.calls()).toBe(4);
  });

  it('surfaces any other error at once, and a held file after the retry budget', async () => {
    const f = failing('SecurityError');
    const err = await withOpenRetry(f.open, 5000, 'x.ddb').catch((e: unknown) => e);
    expect((err as DecentDBError).code).toBe('ERR_IO');
    expect(f.calls()).toBe(1);
    const held = failing(...Array.from({ length: 100 }, () => 'NoModificationAllowedError'));
    const timeout = await withOpenRetry(held.open, 30, 'x.ddb').catch((e: unknown) => e);
    expect((timeout as DecentDBError).code).toBe('ERR_BROWSER_OWNER_TIMEOUT');
  });
});
