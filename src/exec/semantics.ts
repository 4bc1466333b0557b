// SQL value semantics and the external sort of layer 9 (exec): comparison, casts, arithmetic,
// LIKE, scalar functions, aggregates, TIMESTAMP text. The lead merges these re-exports into
// src/exec/index.ts; Postgres is the reference (test/diff/ checks it against PGlite).
export * from './compare.js';
export * from './arithmetic.js';
export * from './cast.js';
export * from './datetime.js';
export * from './decimal.js';
export * from './like.js';
export * from './functions.js';
export * from './aggregates.js';
export * from './external-sort.js';
