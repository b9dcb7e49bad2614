import { defineConfig } from 'vitest/config';

/** The security suite: each attack found against Parley, replayed over real HTTP and sockets. */
export default defineConfig({
  test: {
    include: ['test/security/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
