/**
 * An in-process stand-in for navigator.locks (exclusive mode, ifAvailable, signal) where each
 * simulated tab gets its own view, so a test can "crash" a tab: every lock it holds is
 * released at once, as the browser does when a worker dies. For Node tests only.
 */
import type { LockManagerLike } from '../owner-election.js';

interface Waiter {
  readonly tab: number;
  readonly grant: () => void;
}

export class FakeLockRegistry {
  private readonly held = new Map<string, { tab: number; release: () => void }>();
  private readonly queues = new Map<string, Waiter[]>();
  private nextTab = 1;

  /** A LockManager as seen from one tab; `crash()` frees every lock that tab holds. */
  tab(): LockManagerLike & { crash(): void } {
    const tab = this.nextTab++;
    return {
      request: <T>(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal },
        callback: (lock: unknown) => Promise<T> | T): Promise<T> => this.request(tab, name, options, callback),
      crash: () => this.crash(tab),
    };
  }

  private request<T>(tab: number, name: string, options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = (): void => {
        let released = false;
        const release = (): void => {
          if (released) return;
          released = true;
          if (this.held.get(name)?.tab === tab) this.held.delete(name);
          this.next(name);
        };
        this.held.set(name, { tab, release });
        Promise.resolve()
          .then(() => callback({ name }))
          .then((v) => {
            release();
            resolve(v);
          }, (e: unknown) => {
            release();
            reject(e);
          });
      };
      if (!this.held.has(name)) {
        run();
        return;
      }
      if (options.ifAvailable === true) {
        Promise.resolve(callback(null)).then(resolve, reject);
        return;
      }
      const waiter: Waiter = { tab, grant: run };
      const q = this.queues.get(name) ?? [];
      q.push(waiter);
      this.queues.set(name, q);
      options.signal?.addEventListener('abort', () => {
        const i = q.indexOf(waiter);
        if (i >= 0) {
          q.splice(i, 1);
          reject(new Error('AbortError'));
        }
      });
    });
  }

  private next(name: string): void {
    if (this.held.has(name)) return;
    const w = this.queues.get(name)?.shift();
    w?.grant();
  }

  private crash(tab: number): void {
    for (const q of this.queues.values()) {
      for (let i = q.length - 1; i >= 0; i--) if (q[i]?.tab === tab) q.splice(i, 1);
    }
    for (const [, h] of [...this.held]) if (h.tab === tab) h.release();
  }
}
