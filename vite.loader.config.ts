import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The embed script `widget.js`: one small classic script (IIFE) on every page of a customer's
 * site. Its name never changes, so no hash; the server sets its cache lifetime.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: 'dist/loader',
    emptyOutDir: true,
    minify: true,
    sourcemap: false,
    lib: {
      entry: fileURLToPath(new URL('src/widget/loader/loader.ts', import.meta.url)),
      name: 'ParleyLoader',
      formats: ['iife'],
      fileName: () => 'widget.js',
    },
  },
});
