import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: three server processes on one PostgreSQL (then MariaDB) and one Redis
 * of the suite's own. One file at a time: the nodes are the load.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
