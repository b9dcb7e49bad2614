import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

const fromRoot = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The agent console: served by the Parley server at /console, same origin as /api and /socket.io. */
export default defineConfig({
  root: fromRoot('./src/console'),
  base: '/console/',
  plugins: [
    vue({
      features: { optionsAPI: false, prodDevtools: false, prodHydrationMismatchDetails: false },
    }),
  ],
  define: {
    // Composition mode only: drops vue-i18n's legacy API and global components from the bundle.
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: fromRoot('./dist/console'),
    emptyOutDir: true,
  },
  server: {
    // `vite --config vite.console.config.ts` against a server running on the default port.
    proxy: {
      '/api': 'http://localhost:8080',
      '/socket.io': { target: 'http://localhost:8080', ws: true },
    },
  },
});
