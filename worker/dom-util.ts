/**
 * Small helpers the browser storage and election code share (one copy each in the worker
 * bundle): a DOMException's name, the quota error every storage reports, sleep, and the
 * closed-file guard of both Vfs file classes.
 */
import { DecentDBError, ioError } from '../src/util/index.js';

/** The `name` of a thrown DOMException (or anything with a name); '' otherwise. */
export const errorName = (e: unknown): string => (typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '');

export const isQuotaError = (e: unknown): boolean => errorName(e) === 'QuotaExceededError';

/** ERR_BROWSER_QUOTA_EXCEEDED: the write failed and the file is as it was. */
export const quotaError = (where: string, cause?: unknown): DecentDBError =>
  new DecentDBError('ERR_BROWSER_QUOTA_EXCEEDED', `storage quota exceeded writing ${where}`, { path: where },
    cause === undefined ? undefined : { cause });

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A VfsFile's `close` and the ERR_IO every later call gets (the OPFS and IndexedDB files share it). */
export abstract class ClosableFile {
  private closed = false;
  protected constructor(protected readonly path: string) {}

  close(): void {
    this.closed = true;
  }

  protected check(): void {
    if (this.closed) throw ioError(`file is closed: ${this.path}`, undefined, { path: this.path });
  }
}
