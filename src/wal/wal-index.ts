/**
 * WalIndex: page number → committed versions (commit LSN, payload offset) in ascending LSN
 * order (spec/native-format.md §2.4). Holds offsets only, never page images. Only committed
 * frames enter it; a transaction that wrote a page twice keeps one entry (its last frame).
 */
import type { CheckpointPage, LogVersion } from '../pager/index.js';

export class WalIndex {
  private readonly pages = new Map<number, LogVersion[]>();
  maxPageNo = 0;

  get pageCount(): number {
    return this.pages.size;
  }

  add(pageNo: number, lsn: number, offset: number): void {
    let list = this.pages.get(pageNo);
    if (list === undefined) {
      list = [];
      this.pages.set(pageNo, list);
    }
    const last = list[list.length - 1];
    if (last !== undefined && last.lsn === lsn) list[list.length - 1] = { lsn, offset };
    else list.push({ lsn, offset });
    if (pageNo > this.maxPageNo) this.maxPageNo = pageNo;
  }

  /** Newest version with lsn ≤ snapshotLsn (lists are short; scan from the newest). */
  find(pageNo: number, snapshotLsn: number): LogVersion | undefined {
    const list = this.pages.get(pageNo);
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const v = list[i]!;
      if (v.lsn <= snapshotLsn) return v;
    }
    return undefined;
  }

  plan(safeLsn: number): CheckpointPage[] {
    const out: CheckpointPage[] = [];
    for (const [pageNo, list] of this.pages) {
      let chosen: LogVersion | undefined;
      for (const v of list) {
        if (v.lsn <= safeLsn) chosen = v;
        else break;
      }
      if (chosen !== undefined) out.push({ pageNo, version: chosen });
    }
    return out;
  }

  prune(plan: readonly CheckpointPage[]): void {
    for (const { pageNo, version } of plan) {
      const list = this.pages.get(pageNo);
      if (list === undefined) continue;
      let k = 0;
      while (k < list.length && list[k]!.lsn <= version.lsn) k++;
      if (k === list.length) this.pages.delete(pageNo);
      else list.splice(0, k);
    }
  }

  clear(): void {
    this.pages.clear();
    this.maxPageNo = 0;
  }
}
