// Layer 6, catalog: what the catalog B+Tree stores (format §1.8): keys, table/index/view/
// trigger/stats records, the columns string and CHECK JSON; reading the catalog tree.
export * from './catalog-types.js';
export * from './columns-string.js';
export * from './catalog-records.js';
export * from './catalog-read.js';
