// Decodes the cells of one leaf page (spec/native-format.md §1.4) into arrays reused from leaf
// to leaf, for mergeSorted: it rewrites many leaves, and a PageView per leaf (fresh arrays, a
// cache entry) made the garbage collector a large share of a batched load. Bounds every count,
// offset and id like PageView (ERR_CORRUPTION naming the page). Does not cache or modify pages.
import { ByteReader, corrupt, readU16, readU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { FLAG_DELTA_KEYS, PAGE_HEADER_SIZE, PAGE_LEAF } from './page-view.js';
import { keyAdd } from './key.js';

/** The cells of the last decoded leaf: cell i is bytes [cellOff[i], cellOff[i + 1]), its payload (control varint + value) starts at payOff[i]. */
export class LeafCells {
  count = 0;
  flags = 0;
  link = 0;
  /** Exactly `count` keys are meaningful; the array is reused. */
  readonly keys: U64[] = [];
  cellOff = new Int32Array(257);
  payOff = new Int32Array(256);
  private readonly reader = new ByteReader();

  /** Decodes `buf`, the image of leaf `pageNo`; page ids above `limit` are corruption. */
  decode(buf: Uint8Array, pageNo: number, limit: number): void {
    if (buf[0] !== PAGE_LEAF) throw corrupt(pageNo, `leaf expected at the leaf level, found page type ${buf[0]}`);
    const size = buf.length;
    const flags = buf[1]!;
    const count = readU16(buf, 2);
    if (count > (size - PAGE_HEADER_SIZE) >> 1) throw corrupt(pageNo, `cell count ${count} cannot fit the page`);
    const link = readU32(buf, 4);
    if (link > limit) throw corrupt(pageNo, `next leaf ${link} out of range`);
    if (this.payOff.length < count) {
      this.payOff = new Int32Array(count * 2);
      this.cellOff = new Int32Array(count * 2 + 1);
    }
    const keys = this.keys;
    const payOff = this.payOff;
    const cellOff = this.cellOff;
    const delta = flags === FLAG_DELTA_KEYS;
    let prev: U64 = 0;
    let pos = PAGE_HEADER_SIZE;
    for (let i = 0; i < count; i++) {
      cellOff[i] = pos;
      // Key varint: inline up to 7 bytes (exact in a double), else ByteReader (u64, bounded).
      let raw: U64 = 0;
      let mul = 1;
      let b = 0x80;
      const start = pos;
      while (b >= 0x80 && mul < 0x2000000000000) {
        if (pos >= size) throw corrupt(pageNo, `truncated varint in cell ${i}`);
        b = buf[pos++]!;
        raw += (b & 0x7f) * mul;
        mul *= 128;
      }
      if (b >= 0x80) {
        const r = this.reader.reset(buf, start, size, pageNo);
        raw = r.varint();
        pos = r.pos;
      }
      let key: U64;
      if (delta) {
        const k: U64 | undefined = typeof prev === 'number' && typeof raw === 'number' && prev + raw <= Number.MAX_SAFE_INTEGER ? prev + raw : keyAdd(prev, raw);
        if (k === undefined) throw corrupt(pageNo, `delta key of cell ${i} passes 2^64`);
        key = k;
      } else {
        key = raw;
        if (i > 0 && (typeof key === typeof prev ? key < prev : typeof key === 'number')) throw corrupt(pageNo, `keys out of order at cell ${i}`);
      }
      keys[i] = key;
      prev = key;
      payOff[i] = pos;
      // Control varint: at most 5 bytes (≤ 0x1ffffffff: a u32 overflow head, or a length).
      let ctl = 0;
      mul = 1;
      b = 0x80;
      for (let n = 0; b >= 0x80; n++) {
        if (pos >= size || n >= 5) throw corrupt(pageNo, `bad leaf control varint in cell ${i}`);
        b = buf[pos++]!;
        ctl += (b & 0x7f) * mul;
        mul *= 128;
      }
      if (ctl > 0x1ffffffff) throw corrupt(pageNo, `leaf control ${ctl} out of range in cell ${i}`);
      if (ctl % 2 === 0) {
        pos += ctl / 2;
        if (pos > size) throw corrupt(pageNo, `value of cell ${i} passes the page end`);
      } else {
        const head = (ctl - 1) / 2;
        if (head < 1 || head > limit) throw corrupt(pageNo, `overflow head ${head} out of range in cell ${i}`);
      }
    }
    cellOff[count] = pos;
    this.count = count;
    this.flags = flags;
    this.link = link;
  }
}
