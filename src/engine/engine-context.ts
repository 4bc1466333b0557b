/**
 * What statements need from their Database: the pager, the session (transaction state and
 * schema), the VFS and temp-file prefix for sort spills, the memory budget and the clock.
 * @internal
 */
import type { Pager } from '../pager/index.js';
import type { Vfs } from '../vfs/index.js';
import type { Session } from './session.js';
import type { Clock } from '../exec/index.js';

export interface EngineContext {
  readonly pager: Pager;
  readonly session: Session;
  readonly vfs: Vfs;
  readonly tempPrefix: string;
  readonly memoryBudgetBytes: number;
  readonly clock: Clock;
  /** False once the Database is closed (open iterators stop with ERR_TRANSACTION). */
  readonly isOpen: () => boolean;
}
