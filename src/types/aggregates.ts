/**
 * Aggregate accumulators: COUNT(*), COUNT, SUM, AVG, MIN, MAX, each optionally DISTINCT. One
 * accumulator per group; `reset()` lets a sorted Aggregate reuse it. Postgres semantics except
 * SUM(INT64), which stays INT64 (exact, bigint accumulation; "bigint out of range" when the final
 * sum leaves int64) where Postgres returns numeric. AVG(INT64|DECIMAL) is numeric division
 * (16+ significant digits, decDiv); AVG(FLOAT64) is float. Empty input: COUNT 0, others NULL.
 */
import { sqlError } from '../util/index.js';
import { Decimal } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { compareValues, hashKey, pgTypeName } from './compare.js';
import { decAdd, decDiv, decFromInt } from './decimal.js';
import { int64Result } from './arithmetic.js';

export type AggregateName = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** Feeds one group's rows; add() ignores NULL (except COUNT(*), whose caller passes any non-null). */
export interface Accumulator {
  add(v: Value): void;
  result(): Value;
  reset(): void;
}

const INT64: SqlType = { base: 'INT64' };
const DECIMAL: SqlType = { base: 'DECIMAL' };
const FLOAT64: SqlType = { base: 'FLOAT64' };

export function isAggregateName(name: string): name is AggregateName {
  return name === 'count' || name === 'sum' || name === 'avg' || name === 'min' || name === 'max';
}

/**
 * Result type of an aggregate; `argType` null means COUNT(*). Throws ERR_SQL for e.g. SUM(text).
 */
export function aggregateResultType(name: AggregateName, argType: SqlType | null): SqlType {
  if (name === 'count') return INT64;
  if (argType === null) throw sqlError(`${name}(*) must be used with COUNT`);
  switch (name) {
    case 'sum':
      if (argType.base === 'INT64') return INT64;
      if (argType.base === 'DECIMAL') return DECIMAL;
      if (argType.base === 'FLOAT64') return FLOAT64;
      break;
    case 'avg':
      if (argType.base === 'INT64' || argType.base === 'DECIMAL') return DECIMAL;
      if (argType.base === 'FLOAT64') return FLOAT64;
      break;
    case 'min':
    case 'max':
      return argType.base === 'DECIMAL' ? DECIMAL : argType;
  }
  throw sqlError(`function ${name}(${pgTypeName(argType)}) does not exist`);
}

class CountAcc implements Accumulator {
  n = 0;
  add(v: Value): void {
    if (v !== null) this.n++;
  }
  result(): Value {
    return this.n;
  }
  reset(): void {
    this.n = 0;
  }
}

/** Exact int64 sum: number while safe, bigint beyond; range checked at the end. */
class IntSumAcc implements Accumulator {
  num = 0;
  big: bigint | null = null;
  count = 0;
  add(v: Value): void {
    if (v === null) return;
    this.count++;
    if (this.big === null && typeof v === 'number') {
      const s = this.num + v;
      if (Number.isSafeInteger(s)) {
        this.num = s;
        return;
      }
      this.big = BigInt(this.num);
    }
    this.big = (this.big ?? BigInt(this.num)) + BigInt(v as number | bigint);
  }
  total(): bigint {
    return this.big ?? BigInt(this.num);
  }
  result(): Value {
    if (this.count === 0) return null;
    return this.big === null ? this.num : int64Result(this.big);
  }
  reset(): void {
    this.num = 0;
    this.big = null;
    this.count = 0;
  }
}

class FloatSumAcc implements Accumulator {
  sum = 0;
  count = 0;
  add(v: Value): void {
    if (v === null) return;
    const x = v as number;
    const s = this.sum + x;
    if (!Number.isFinite(s) && !Number.isNaN(s) && Number.isFinite(this.sum) && Number.isFinite(x)) {
      throw sqlError('value out of range: overflow');
    }
    this.sum = s;
    this.count++;
  }
  result(): Value {
    return this.count === 0 ? null : this.sum;
  }
  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}

class DecSumAcc implements Accumulator {
  sum = new Decimal(0n, 0);
  count = 0;
  add(v: Value): void {
    if (v === null) return;
    this.sum = decAdd(this.sum, v as Decimal);
    this.count++;
  }
  result(): Value {
    return this.count === 0 ? null : this.sum;
  }
  reset(): void {
    this.sum = new Decimal(0n, 0);
    this.count = 0;
  }
}

class AvgAcc implements Accumulator {
  constructor(private readonly inner: IntSumAcc | FloatSumAcc | DecSumAcc) {}
  add(v: Value): void {
    this.inner.add(v);
  }
  result(): Value {
    const inner = this.inner;
    if (inner.count === 0) return null;
    if (inner instanceof FloatSumAcc) return inner.sum / inner.count;
    const sum = inner instanceof IntSumAcc ? new Decimal(inner.total(), 0) : inner.sum;
    return decDiv(sum, decFromInt(inner.count));
  }
  reset(): void {
    this.inner.reset();
  }
}

class MinMaxAcc implements Accumulator {
  best: Value = null;
  constructor(
    private readonly type: SqlType,
    private readonly sign: 1 | -1,
  ) {}
  add(v: Value): void {
    if (v === null) return;
    if (this.best === null || compareValues(v, this.best, this.type) * this.sign > 0) this.best = v;
  }
  result(): Value {
    return this.best;
  }
  reset(): void {
    this.best = null;
  }
}

/** Passes each distinct non-NULL value once to the inner accumulator. */
class DistinctAcc implements Accumulator {
  private readonly seen = new Set<string | number | boolean | null>();
  constructor(
    private readonly inner: Accumulator,
    private readonly type: SqlType,
  ) {}
  add(v: Value): void {
    if (v === null) return;
    const k = hashKey(v, this.type);
    if (this.seen.has(k)) return;
    this.seen.add(k);
    this.inner.add(v);
  }
  result(): Value {
    return this.inner.result();
  }
  reset(): void {
    this.seen.clear();
    this.inner.reset();
  }
}

function sumOf(argType: SqlType): IntSumAcc | FloatSumAcc | DecSumAcc {
  return argType.base === 'INT64' ? new IntSumAcc() : argType.base === 'FLOAT64' ? new FloatSumAcc() : new DecSumAcc();
}

/**
 * A fresh accumulator. COUNT(*) is `name = 'count', argType = null`: the caller adds any
 * non-null marker (e.g. true) per row. Validates types like aggregateResultType.
 */
export function createAccumulator(name: AggregateName, argType: SqlType | null, distinct = false): Accumulator {
  aggregateResultType(name, argType);
  let acc: Accumulator;
  switch (name) {
    case 'count':
      acc = new CountAcc();
      break;
    case 'sum':
      acc = sumOf(argType!);
      break;
    case 'avg':
      acc = new AvgAcc(sumOf(argType!));
      break;
    case 'min':
      acc = new MinMaxAcc(argType!, -1);
      break;
    case 'max':
      acc = new MinMaxAcc(argType!, 1);
      break;
  }
  return distinct && argType !== null ? new DistinctAcc(acc, argType) : acc;
}
