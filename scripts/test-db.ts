/**
 * `npm run test:db`: the server's integration, fault and fuzz tests (vitest.db.config.ts) on
 * SQLite, PostgreSQL and MariaDB/MySQL in turn, each test in a database of its own.
 *
 *   npm run test:db                          # all three engines
 *   npm run test:db -- postgres              # one engine
 *   npm run test:db -- mysql test/delivery.test.ts   # one engine, one file
 *
 * PostgreSQL and MySQL are reached as PARLEY_TEST_POSTGRES_URL and PARLEY_TEST_MYSQL_URL say
 * (see test/helpers/database.ts); the user there must be allowed to create databases.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ENGINES } from '../test/helpers/database';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const chosen = args.filter((a) => (ENGINES as string[]).includes(a));
const vitestArgs = args.filter((a) => !(ENGINES as string[]).includes(a));
const engines = chosen.length > 0 ? chosen : ENGINES;

const results: string[] = [];
let failed = false;
for (const engine of engines) {
  console.log(`\n== test:db on ${engine} ==`);
  const started = Date.now();
  const run = spawnSync(
    path.join(root, 'node_modules/.bin/vitest'),
    ['run', '--config', 'vitest.db.config.ts', ...vitestArgs],
    { cwd: root, stdio: 'inherit', env: { ...process.env, PARLEY_TEST_DATABASE: engine } },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  const ok = run.status === 0;
  failed ||= !ok;
  results.push(`  ${engine.padEnd(8)} ${ok ? 'passed' : 'FAILED'} in ${seconds} s`);
}
console.log(`\ntest:db\n${results.join('\n')}`);
process.exit(failed ? 1 : 0);
