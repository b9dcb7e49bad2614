/**
 * `npm run test:db`: the server's integration, fault and fuzz tests (vitest.db.config.ts) on
 * SQLite, PostgreSQL and MariaDB/MySQL in turn, each test in a database of its own.
 *
 *   npm run test:db                          # all three engines
 *   npm run test:db -- postgres              # one engine
 *   npm run test:db -- mysql test/delivery.test.ts   # one engine, one file
 *   npm run test:db -- --parallel postgres mysql     # engines at once, each printed when done
 *
 * Vitest runs one test file at a time on a 2-core machine (cores - 1 workers); the tests mostly
 * wait on sockets and the database, so two engines at once use the second core (CI does this).
 *
 * PostgreSQL and MySQL are reached as PARLEY_TEST_POSTGRES_URL and PARLEY_TEST_MYSQL_URL say
 * (see test/helpers/database.ts); the user there must be allowed to create databases.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ENGINES } from '../test/helpers/database';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const parallel = args.includes('--parallel');
const chosen = args.filter((a) => (ENGINES as string[]).includes(a));
const vitestArgs = args.filter((a) => !(ENGINES as string[]).includes(a) && a !== '--parallel');
const engines = chosen.length > 0 ? chosen : ENGINES;
const vitest = path.join(root, 'node_modules/.bin/vitest');
const vitestRun = ['run', '--config', 'vitest.db.config.ts', ...vitestArgs];
const envFor = (engine: string) => ({ ...process.env, PARLEY_TEST_DATABASE: engine });

interface Outcome {
  engine: string;
  ok: boolean;
  seconds: number;
}

/** One engine with its output on ours as it comes. */
function runInline(engine: string): Outcome {
  console.log(`\n== test:db on ${engine} ==`);
  const started = Date.now();
  const run = spawnSync(vitest, vitestRun, { cwd: root, stdio: 'inherit', env: envFor(engine) });
  return { engine, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) };
}

/** One engine beside the others: its output is kept and printed whole when it ends. */
function runBuffered(engine: string): Promise<Outcome> {
  const started = Date.now();
  const output: Buffer[] = [];
  const child = spawn(vitest, vitestRun, { cwd: root, env: envFor(engine) });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      console.log(`\n== test:db on ${engine} ==`);
      process.stdout.write(Buffer.concat(output));
      resolve({ engine, ok: code === 0, seconds: Math.round((Date.now() - started) / 1000) });
    });
  });
}

const outcomes = parallel ? await Promise.all(engines.map(runBuffered)) : engines.map(runInline);
const results = outcomes.map(
  ({ engine, ok, seconds }) => `  ${engine.padEnd(8)} ${ok ? 'passed' : 'FAILED'} in ${seconds} s`,
);
console.log(`\ntest:db${parallel ? ' (engines at once)' : ''}\n${results.join('\n')}`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);
