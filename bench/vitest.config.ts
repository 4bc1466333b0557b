// Unit tests of the bench harness itself (stats, PRNG, generator, SQL splitter):
// `npx vitest run --config bench/vitest.config.ts`. Not part of `npm test`'s include list.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: new URL('..', import.meta.url).pathname, include: ['bench/**/*.test.ts'], testTimeout: 60_000 },
});
