// The browser end-to-end suite: `npm run test:e2e` (= `npx vitest run --config e2e/vitest.config.ts`
// after .ci/install-chromium.sh). One file at a time (each starts Chromium and a Vite server; the
// machine has 2 cores). Ends with the same plain `tests: N passed, N failed` line as the unit run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
