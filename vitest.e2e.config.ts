import { defineConfig } from 'vitest/config';

/** End-to-end: the built app in a real server process, driven through headless Chromium. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
