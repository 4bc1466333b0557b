/**
 * SQL arithmetic (+ - * / %, unary minus) and `||`, as Postgres does it for bigint, float8 and
 * numeric: INT64 exact with "bigint out of range" on overflow and truncating division, FLOAT64
 * IEEE but raising on overflow, underflow and division by zero, DECIMAL exact (decimal.ts).
 * Mixed operands promote INT64 < DECIMAL < FLOAT64 (commonType). No intervals or date math.
 */
import { DecentDBError, sqlError } from '../util/index.js';
import { Decimal } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { commonType, pgTypeName, promoteValue } from './compare.js';
import { INT64_MAX, INT64_MIN, decAdd, decDiv, decMod, decMul, decNeg, decSub } from './decimal.js';
import { valueToText } from './cast.js';

export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = ArithOp | '||';

const TEXT: SqlType = { base: 'TEXT' };
const BLOB: SqlType = { base: 'BLOB' };

const isNumeric = (t: SqlType): boolean => t.base === 'INT64' || t.base === 'FLOAT64' || t.base === 'DECIMAL';

function noOperator(op: string, l: SqlType, r: SqlType): DecentDBError {
  return sqlError(`operator does not exist: ${pgTypeName(l)} ${op} ${pgTypeName(r)}`);
}

/**
 * The type of `left op right`, which the binder records; throws ERR_SQL "operator does not exist"
 * where Postgres has no such operator (e.g. float8 %, text + int, int || int).
 */
export function resultType(op: BinaryOp, left: SqlType, right: SqlType): SqlType {
  if (op === '||') {
    if (left.base === 'BLOB' && right.base === 'BLOB') return BLOB;
    if (left.base === 'TEXT' || right.base === 'TEXT') return TEXT;
    throw noOperator(op, left, right);
  }
  if (!isNumeric(left) || !isNumeric(right)) throw noOperator(op, left, right);
  const t = commonType(left, right);
  if (op === '%' && t.base === 'FLOAT64') throw noOperator(op, left, right);
  return t;
}

/** The type the operands of an arithmetic operator are promoted to before applyArithmetic. */
export function operandType(op: ArithOp, left: SqlType, right: SqlType): SqlType {
  return resultType(op, left, right);
}

/** Normalises an INT64 bigint result: number when safe; error outside int64. */
export function int64Result(r: bigint): number | bigint {
  if (r < INT64_MIN || r > INT64_MAX) throw sqlError('bigint out of range');
  return r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
}

function intOp(op: ArithOp, a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case '+':
        r = a + b;
        break;
      case '-':
        r = a - b;
        break;
      case '*':
        r = a * b;
        break;
      case '/':
        if (b === 0) throw sqlError('division by zero');
        r = (a - (a % b)) / b; // exact: a - a % b is a multiple of b
        break;
      case '%':
        if (b === 0) throw sqlError('division by zero');
        r = a % b;
        break;
    }
    if (Number.isSafeInteger(r)) return r + 0; // + 0: no -0 from 0 * -1
  }
  const x = BigInt(a);
  const y = BigInt(b);
  switch (op) {
    case '+':
      return int64Result(x + y);
    case '-':
      return int64Result(x - y);
    case '*':
      return int64Result(x * y);
    case '/':
      if (y === 0n) throw sqlError('division by zero');
      return int64Result(x / y);
    case '%':
      if (y === 0n) throw sqlError('division by zero');
      return int64Result(x % y);
  }
}

function floatOp(op: ArithOp, a: number, b: number): number {
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      if (r === 0 && a !== 0 && b !== 0) throw sqlError('value out of range: underflow');
      break;
    case '/':
      if (b === 0 && !Number.isNaN(a)) throw sqlError('division by zero');
      r = a / b;
      if (r === 0 && a !== 0 && Number.isFinite(b)) throw sqlError('value out of range: underflow');
      break;
    case '%':
      throw sqlError('operator does not exist: double precision % double precision');
  }
  if (!Number.isFinite(r) && !Number.isNaN(r) && Number.isFinite(a) && Number.isFinite(b)) {
    throw sqlError('value out of range: overflow');
  }
  return r;
}

function decOp(op: ArithOp, a: Decimal, b: Decimal): Decimal {
  switch (op) {
    case '+':
      return decAdd(a, b);
    case '-':
      return decSub(a, b);
    case '*':
      return decMul(a, b);
    case '/':
      return decDiv(a, b);
    case '%':
      return decMod(a, b);
  }
}

/** `a op b` with both operands already of `type` (see operandType); NULL in → NULL out. */
export function applyArithmetic(op: ArithOp, a: Value, b: Value, type: SqlType): Value {
  if (a === null || b === null) return null;
  switch (type.base) {
    case 'INT64':
      return intOp(op, a as number | bigint, b as number | bigint);
    case 'FLOAT64':
      return floatOp(op, a as number, b as number);
    case 'DECIMAL':
      return decOp(op, a as Decimal, b as Decimal);
    default:
      throw noOperator(op, type, type);
  }
}

/** `a op b` for operands of possibly different numeric types: promotes, then applies. */
export function arithmetic(op: ArithOp, a: Value, aType: SqlType, b: Value, bType: SqlType): Value {
  const t = resultType(op, aType, bType);
  if (a === null || b === null) return null;
  return applyArithmetic(op, promoteValue(a, aType, t), promoteValue(b, bType, t), t);
}

/** Unary minus; -(-2^63) is "bigint out of range". */
export function negate(v: Value, type: SqlType): Value {
  if (v === null) return null;
  switch (type.base) {
    case 'INT64':
      return typeof v === 'number' ? 0 - v : int64Result(-(v as bigint));
    case 'FLOAT64':
      return -(v as number);
    case 'DECIMAL':
      return decNeg(v as Decimal);
    default:
      throw sqlError(`operator does not exist: - ${pgTypeName(type)}`);
  }
}

/** `a || b`: text with the other side's text form, or bytea || bytea; NULL if either is NULL. */
export function concat(a: Value, aType: SqlType, b: Value, bType: SqlType): Value {
  const t = resultType('||', aType, bType);
  if (a === null || b === null) return null;
  if (t.base === 'BLOB') {
    const x = a as Uint8Array;
    const y = b as Uint8Array;
    const out = new Uint8Array(x.length + y.length);
    out.set(x, 0);
    out.set(y, x.length);
    return out;
  }
  return valueToText(a, aType) + valueToText(b, bType);
}
