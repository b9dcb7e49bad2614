import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The chat frame. The server serves `dist/widget/index.html` at /widget/frame and the hashed
 * assets under /widget/, so they can be cached for good.
 */
export default defineConfig({
  root: fileURLToPath(new URL('src/widget/app', import.meta.url)),
  base: '/widget/',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('dist/widget', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
  },
});
