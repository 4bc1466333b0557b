/** Internal invariant checks: a failed assert is a bug in DecentDB, reported as ERR_INTERNAL. */
import { DecentDBError } from './errors.js';

export function assert(condition: unknown, what: string): asserts condition {
  if (!condition) throw new DecentDBError('ERR_INTERNAL', `assertion failed: ${what}`);
}

/** Exhaustiveness check for `kind`-tagged unions. */
export function assertNever(x: never, what = 'value'): never {
  throw new DecentDBError('ERR_INTERNAL', `unexpected ${what}: ${JSON.stringify(x)}`);
}
