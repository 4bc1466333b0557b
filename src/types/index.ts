// Layer 5½, types: the SQL value semantics — total order and three-valued comparison,
// exact INT64/DECIMAL arithmetic, casts, TIMESTAMP text, LIKE/ILIKE, scalar functions and
// aggregate accumulators — with Postgres as the reference (test/diff checks it against PGlite).
// Pure functions over src/record Values: no storage, no plans. Planner and executor use them.
export * from './compare.js';
export * from './arithmetic.js';
export * from './cast.js';
export * from './datetime.js';
export * from './decimal.js';
export * from './like.js';
export * from './functions.js';
export * from './aggregates.js';
