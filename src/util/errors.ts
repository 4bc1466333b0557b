/**
 * The one error class of DecentDB. The `code` is the contract callers branch on; the message
 * says what and where (SQL position, page, file). See STYLE.md rule 6.
 */

export type ErrorCode =
  | 'ERR_SQL'
  | 'ERR_CONSTRAINT'
  | 'ERR_TRANSACTION'
  | 'ERR_IO'
  | 'ERR_CORRUPTION'
  | 'ERR_INTERNAL'
  | `ERR_BROWSER_${string}`;

export class DecentDBError extends Error {
  override readonly name = 'DecentDBError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Readonly<Record<string, unknown>>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  /** Plain data for crossing a worker or process boundary; `fromJSON` rebuilds it. */
  toJSON(): { code: ErrorCode; message: string; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromJSON(data: { code: string; message: string; details?: Record<string, unknown> }): DecentDBError {
    return new DecentDBError(data.code as ErrorCode, data.message, data.details);
  }
}

/** Data read from a file is not what the format allows. */
export const corrupt = (pageNo: number, what: string): DecentDBError =>
  new DecentDBError('ERR_CORRUPTION', `page ${pageNo}: ${what}`, { pageNo });

export const sqlError = (message: string, details?: Readonly<Record<string, unknown>>): DecentDBError =>
  new DecentDBError('ERR_SQL', message, details);

export const constraintError = (message: string, details?: Readonly<Record<string, unknown>>): DecentDBError =>
  new DecentDBError('ERR_CONSTRAINT', message, details);

export const transactionError = (message: string, details?: Readonly<Record<string, unknown>>): DecentDBError =>
  new DecentDBError('ERR_TRANSACTION', message, details);

export const ioError = (message: string, cause?: unknown, details?: Readonly<Record<string, unknown>>): DecentDBError =>
  new DecentDBError('ERR_IO', message, details, cause === undefined ? undefined : { cause });

/** Wraps anything thrown into a DecentDBError; DecentDBErrors pass through unchanged. */
export function toDecentDBError(e: unknown): DecentDBError {
  if (e instanceof DecentDBError) return e;
  if (e instanceof RangeError) return new DecentDBError('ERR_INTERNAL', `internal error: ${e.message}`, undefined, { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new DecentDBError('ERR_INTERNAL', `internal error: ${message}`, undefined, { cause: e });
}
