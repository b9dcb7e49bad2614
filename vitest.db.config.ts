import { defineConfig } from 'vitest/config';

/**
 * The server's tests that reach a database — integration, fault, fuzz, and the store's own — on
 * the engine PARLEY_TEST_DATABASE names. `npm run test:db` runs this once per engine.
 */
export default defineConfig({
  test: {
    include: ['src/server/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/cluster/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
