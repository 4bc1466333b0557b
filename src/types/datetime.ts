/**
 * TIMESTAMP text: parsing the literal forms Postgres accepts and printing its output format.
 * Values are Timestamp{micros since 1970-01-01T00:00:00Z}; we keep no time zone per value.
 * A zone in the input (Z, UTC, ±HH[:MM]) is applied, i.e. we parse like Postgres `timestamptz`
 * with TimeZone = UTC (Postgres `timestamp` would ignore it). No intervals, no month names,
 * no 'infinity' (not representable). The clock for NOW() is injected (Clock), never read here.
 */
import { sqlError } from '../util/index.js';
import { Timestamp } from '../record/index.js';

/** Where NOW()/CURRENT_TIMESTAMP/'now' come from; the engine pins one per statement or transaction. */
export interface Clock {
  nowMicros(): number | bigint;
}

/** The wall clock at millisecond resolution. */
export const systemClock: Clock = { nowMicros: () => Date.now() * 1000 };

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_SECOND = 1_000_000n;
/** Postgres timestamp range: 4714-11-24 BC .. 294276-12-31 AD (days relative to 1970-01-01). */
const MIN_DAY = daysFromCivil(-4713, 11, 24);
const MAX_DAY = daysFromCivil(294276, 12, 31);

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical years: 1 BC = 0). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function normMicros(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const DATE_YMD = /^(\d{1,})[-/.](\d{1,2})[-/.](\d{1,2})/;
const DATE_MDY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d+)/;
const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})(?!\d)/;
const TIME = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?/;
const ZONE = /^(?:(z|utc|gmt)|([+-])(\d{1,2})(?::?(\d{2}))?)(?![\w])/i;
const ERA = /^(bc|ad)(?![\w])/i;

/**
 * Parses a TIMESTAMP/DATE literal: '2021/1/1', '2021-01-01', '1/2/2021' (MDY), '20210102',
 * '2024-03-01 10:00:00', '2024-03-01T10:00:00.123456Z', '... +02:00', '... BC', 'epoch',
 * 'now', 'today', 'tomorrow', 'yesterday'. Errors as Postgres words them.
 */
export function parseTimestamp(text: string, clock: Clock = systemClock): Timestamp {
  const s = text.trim().toLowerCase();
  const bad = (): never => {
    throw sqlError(`invalid input syntax for type timestamp: "${text}"`);
  };
  switch (s) {
    case 'epoch':
      return new Timestamp(0);
    case 'now':
      return new Timestamp(clock.nowMicros());
    case 'today':
    case 'tomorrow':
    case 'yesterday': {
      const now = BigInt(clock.nowMicros());
      let day = now / MICROS_PER_DAY - (now % MICROS_PER_DAY < 0n ? 1n : 0n);
      if (s === 'tomorrow') day += 1n;
      if (s === 'yesterday') day -= 1n;
      return new Timestamp(normMicros(day * MICROS_PER_DAY));
    }
  }
  let rest = s;
  let y: number;
  let mo: number;
  let d: number;
  let m = DATE_COMPACT.exec(rest);
  if (m !== null) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  } else if ((m = DATE_YMD.exec(rest)) !== null && m[1]!.length >= 3) {
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  } else if ((m = DATE_MDY.exec(rest)) !== null) {
    mo = Number(m[1]);
    d = Number(m[2]);
    y = Number(m[3]);
    if (m[3]!.length <= 2) y += y < 70 ? 2000 : 1900; // DateStyle MDY, two-digit year
  } else {
    return bad();
  }
  rest = rest.slice(m[0].length);
  let timeMicros = 0n;
  let offsetMinutes = 0;
  let bc = false;
  let sawTime = false;
  let sawZone = false;
  let sawEra = false;
  while (rest.length > 0) {
    const trimmed = rest.replace(/^\s+/, '');
    const sep = trimmed.length !== rest.length;
    rest = trimmed;
    if (rest.length === 0) break;
    if (!sawTime && (sep || rest[0] === 't')) {
      const t = TIME.exec(rest[0] === 't' ? rest.slice(1) : rest);
      if (t !== null) {
        const hh = Number(t[1]);
        const mi = Number(t[2]);
        const ss = t[3] === undefined ? 0 : Number(t[3]);
        const frac = t[4] ?? '';
        // As timestamp_in: rint(double(fraction) * 1e6), so '.0000005' → 0 and '.0000015' → 2.
        const fracMicros = BigInt(rint(Number(`0.${frac}`) * 1e6));
        if (hh > 24 || mi > 59 || ss > 60 || (hh === 24 && (mi > 0 || ss > 0 || fracMicros > 0n))) {
          throw sqlError(`date/time field value out of range: "${text}"`);
        }
        timeMicros = (BigInt(hh * 3600 + mi * 60 + ss)) * MICROS_PER_SECOND + fracMicros;
        rest = rest.slice(t[0].length + (rest[0] === 't' ? 1 : 0));
        sawTime = true;
        continue;
      }
    }
    if (!sawZone) {
      const z = ZONE.exec(rest);
      if (z !== null && (sawTime || z[1] !== undefined)) {
        if (z[2] !== undefined) {
          const hh = Number(z[3]);
          const mi = z[4] === undefined ? 0 : Number(z[4]);
          if (hh > 15 || mi > 59) throw sqlError(`time zone displacement out of range: "${text}"`);
          offsetMinutes = (z[2] === '-' ? -1 : 1) * (hh * 60 + mi);
        }
        rest = rest.slice(z[0].length);
        sawZone = true;
        continue;
      }
    }
    if (!sawEra && sep) {
      const e = ERA.exec(rest);
      if (e !== null) {
        bc = e[1] === 'bc';
        rest = rest.slice(e[0].length);
        sawEra = true;
        continue;
      }
    }
    return bad();
  }
  if (y === 0) throw sqlError(`date/time field value out of range: "${text}"`);
  if (bc) y = 1 - y;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw sqlError(`date/time field value out of range: "${text}"`);
  }
  const day = daysFromCivil(y, mo, d);
  if (day < MIN_DAY || day > MAX_DAY) throw sqlError(`timestamp out of range: "${text}"`);
  const micros = BigInt(day) * MICROS_PER_DAY + timeMicros - BigInt(offsetMinutes) * 60n * MICROS_PER_SECOND;
  return new Timestamp(normMicros(micros));
}

function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** Postgres output format: '2024-03-01 10:00:00', fraction trimmed ('…:00.5'), ' BC' before year 1. */
export function formatTimestamp(ts: Timestamp): string {
  const micros = BigInt(ts.micros);
  let day = micros / MICROS_PER_DAY;
  let rem = micros % MICROS_PER_DAY;
  if (rem < 0n) {
    rem += MICROS_PER_DAY;
    day -= 1n;
  }
  const [y, mo, d] = civilFromDays(Number(day));
  const secs = Number(rem / MICROS_PER_SECOND);
  const frac = Number(rem % MICROS_PER_SECOND);
  const bc = y <= 0;
  let out = `${pad(bc ? 1 - y : y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(Math.floor(secs / 3600), 2)}:${pad(
    Math.floor(secs / 60) % 60,
    2,
  )}:${pad(secs % 60, 2)}`;
  if (frac !== 0) out += '.' + pad(frac, 6).replace(/0+$/, '');
  return bc ? out + ' BC' : out;
}

/** Midnight of the same UTC day (what a DATE cast keeps). */
export function truncateToDay(ts: Timestamp): Timestamp {
  const micros = BigInt(ts.micros);
  let day = micros / MICROS_PER_DAY;
  if (micros % MICROS_PER_DAY < 0n) day -= 1n;
  return new Timestamp(normMicros(day * MICROS_PER_DAY));
}

/** A JS Date as a TIMESTAMP (millisecond precision). */
export function timestampFromDate(date: Date): Timestamp {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw sqlError('invalid Date bound to TIMESTAMP');
  return new Timestamp(ms * 1000);
}
