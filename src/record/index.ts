// Layer 5, record: SQL values, the native record codec (format §1.7) and keys derived from
// values (rowids, secondary-index keys and entries, §1.9–1.10). No page layout, no catalog.
export * from './value.js';
export * from './overflow.js';
export * from './record-codec.js';
export * from './index-key.js';
export * from './overflow-store.js';
