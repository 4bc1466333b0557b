/**
 * Progress of long imports on stderr: rows so far and rows/s, redrawn in place (`\r`) at most
 * every `intervalMs` (a few times per second), and a final line. Silent unless enabled (the
 * caller enables it when stderr is a terminal or `--progress` is given). The clock is injected.
 */

export interface ProgressOptions {
  readonly enabled: boolean;
  readonly write: (text: string) => void;
  readonly now: () => number;
  readonly intervalMs?: number;
  readonly label?: string;
  /** What is counted (default 'rows'). */
  readonly unit?: string;
}

export class Progress {
  private readonly startMs: number;
  private lastMs: number;
  private drawn = false;
  /** Lines drawn so far (tests assert the rate limit with it). */
  draws = 0;

  constructor(private readonly options: ProgressOptions) {
    this.startMs = options.now();
    this.lastMs = this.startMs;
  }

  /** Reports `rows` done; draws only when the interval has passed. Cheap to call per row. */
  update(rows: number): void {
    if (!this.options.enabled) return;
    const t = this.options.now();
    if (t - this.lastMs < (this.options.intervalMs ?? 250)) return;
    this.lastMs = t;
    this.draw(rows, t, '\r');
  }

  /** The final line (when enabled). */
  done(rows: number): void {
    if (!this.options.enabled) return;
    this.draw(rows, this.options.now(), '\r');
    this.options.write('\n');
  }

  private draw(rows: number, t: number, prefix: string): void {
    const secs = Math.max(t - this.startMs, 1) / 1000;
    const rate = Math.round(rows / secs);
    const unit = this.options.unit ?? 'rows';
    this.options.write(`${this.drawn ? prefix : ''}${this.options.label ?? 'imported'} ${rows} ${unit} (${rate} ${unit}/s)`);
    this.drawn = true;
    this.draws++;
  }
}
