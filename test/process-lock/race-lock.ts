// Child process for process-lock.test.ts: tries NodeVfs.lock(argv[2]) once, prints "won" or
// "lost CODE", then holds what it got until stdin ends. Many of these race for one stale lock.
import { NodeVfs } from '../../src/index.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: race-lock.ts DB');
let held: { release(): void } | undefined;
try {
  held = new NodeVfs().lock(path);
  process.stdout.write('won\n');
} catch (e) {
  process.stdout.write(`lost ${(e as { code?: string }).code ?? String(e)}\n`);
}
process.stdin.resume();
process.stdin.on('end', () => {
  held?.release();
  process.exit(0);
});
