/**
 * How SQL values live in JavaScript inside the engine. Types are static (the column or
 * expression type says what a value is), so the representation stays primitive where it can:
 *
 *   SQL type   JS value                                       record kinds (format §1.7)
 *   NULL       null                                           0
 *   INT64      number when a safe integer, else bigint        1, 15, 16
 *   FLOAT64    number                                         3
 *   BOOL       boolean                                        2, 13, 14
 *   TEXT       string                                         4, 6, 8, 10
 *   BLOB/UUID  Uint8Array (UUID: exactly 16 bytes)            5, 7, 9, 11
 *   DECIMAL    Decimal (unscaled bigint + scale)              12
 *   TIMESTAMP  Timestamp (microseconds since the Unix epoch)  17
 *
 * `number` is shared by INT64 and FLOAT64: the static type tells them apart.
 */

export const BASE_TYPES = ['INT64', 'FLOAT64', 'BOOL', 'TEXT', 'BLOB', 'DECIMAL', 'TIMESTAMP', 'UUID'] as const;
export type BaseType = (typeof BASE_TYPES)[number];

/** A column or expression type. DECIMAL carries precision (1..18) and scale (0..precision). */
export interface SqlType {
  readonly base: BaseType;
  readonly precision?: number;
  readonly scale?: number;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An exact decimal: value = unscaled / 10^scale. */
export class Decimal {
  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
  ) {}

  toString(): string {
    const u = this.unscaled;
    const neg = u < 0n;
    // A safe integer prints the same digits as a number, without BigInt's slower toString.
    let digits = u >= -MAX_SAFE && u <= MAX_SAFE ? String(Math.abs(Number(u))) : (neg ? -u : u).toString();
    if (this.scale === 0) return (neg ? '-' : '') + digits;
    if (digits.length <= this.scale) digits = '0'.repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** A point in time, microseconds since 1970-01-01T00:00:00Z (number when safe, else bigint). */
export class Timestamp {
  constructor(readonly micros: number | bigint) {}

  toDate(): Date {
    return new Date(Number(this.micros) / 1000);
  }

  toString(): string {
    return this.toDate().toISOString();
  }

  toJSON(): string {
    return this.toString();
  }
}

export type Value = null | boolean | number | bigint | string | Uint8Array | Decimal | Timestamp;
