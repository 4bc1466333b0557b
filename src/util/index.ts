// Layer 0, util: bytes, varints, CRC-32C, assert and the error class. No I/O, no state.
// Everything above imports these through this file.
export * from './errors.js';
export * from './assert.js';
export * from './bytes.js';
export * from './crc32c.js';
export * from './varint.js';
