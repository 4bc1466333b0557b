import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('draws at most once per interval and a final line', () => {
    let t = 0;
    let out = '';
    const p = new Progress({ enabled: true, write: (s) => (out += s), now: () => t, intervalMs: 250 });
    for (let rows = 1; rows <= 1000; rows++) {
      t += 1; // 1 ms per row: 1000 ms in all
      p.update(rows);
    }
    expect(p.draws).toBe(4);
    p.done(1000);
    expect(p.draws).toBe(5);
    expect(out.endsWith('\rimported 1000 rows (1000 rows/s)\n')).toBe(true);
  });

  it('writes nothing when disabled', () => {
    let out = '';
    const p = new Progress({ enabled: false, write: (s) => (out += s), now: () => 1e9 });
    p.update(10);
    p.done(10);
    expect(out).toBe('');
  });
});
