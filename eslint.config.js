import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: {
      // Every text a person reads goes through vue-i18n.
      'vue/no-bare-strings-in-template': 'error',
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Services hold the rules and know no transport.
    files: ['src/server/modules/**/*.service.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fastify', 'socket.io'],
          patterns: ['**/realtime/**', '**/plugins/**', '**/http/**', '**/*.routes'],
        },
      ],
    },
  },
  {
    // Repositories are queries: no transport, no rules, no presentation.
    files: ['src/server/modules/**/*.repository.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fastify', 'socket.io'],
          patterns: [
            '**/realtime/**',
            '**/plugins/**',
            '**/http/**',
            '**/*.routes',
            '**/*.service',
            '**/presenters',
          ],
        },
      ],
    },
  },
  {
    // Transport (routes, sockets, HTTP plumbing) is thin: it calls services and knows no SQL.
    files: [
      'src/server/**/*.routes.ts',
      'src/server/realtime/**',
      'src/server/plugins/**',
      'src/server/http/**',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kysely', 'better-sqlite3', 'pg', 'mysql2'],
          patterns: ['**/db/**', '**/*.repository'],
        },
      ],
    },
  },
  {
    // The widget and the console must not pull server code (or zod) into a browser bundle.
    files: ['src/widget/**', 'src/console/**', 'src/client/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['zod'], patterns: ['**/server/**'] }],
    },
  },
  prettier,
);
