/**
 * Text files through the Vfs for import/export (CSV, SQL scripts, shell history): a chunked
 * UTF-8 reader (a generator, so a script never has to fit in memory at once) and a buffered
 * writer. Synchronous like the rest of the engine; tests run them on MemoryVfs.
 */
import type { Vfs, VfsFile } from '../vfs/index.js';

const CHUNK_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** The file's text in chunks (UTF-8, a leading BOM dropped). */
export function* readTextChunks(vfs: Vfs, path: string, chunkBytes = CHUNK_BYTES): Generator<string, void, undefined> {
  const file = vfs.open(path, { mode: 'open', readOnly: true });
  try {
    const size = file.size();
    const decoder = new TextDecoder('utf-8');
    const buf = new Uint8Array(chunkBytes);
    for (let offset = 0; offset < size; offset += chunkBytes) {
      const n = Math.min(chunkBytes, size - offset);
      file.read(buf, offset);
      const text = decoder.decode(buf.subarray(0, n), { stream: true });
      if (text !== '') yield text;
    }
    const tail = decoder.decode();
    if (tail !== '') yield tail;
  } finally {
    file.close();
  }
}

/** The whole file as text. */
export function readText(vfs: Vfs, path: string): string {
  let s = '';
  for (const c of readTextChunks(vfs, path)) s += c;
  return s;
}

/** Writes text to a new (truncated) file in large sequential writes. */
export class TextFileWriter {
  private readonly file: VfsFile;
  private offset = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(vfs: Vfs, path: string) {
    this.file = vfs.open(path, { mode: 'create' });
  }

  write(text: string): void {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= CHUNK_BYTES) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const bytes = encoder.encode(this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
    this.file.write(bytes, this.offset);
    this.offset += bytes.length;
  }

  /** Flushes, syncs and closes. */
  close(): void {
    try {
      this.flush();
      this.file.sync();
    } finally {
      this.file.close();
    }
  }
}
