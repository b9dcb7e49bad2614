/** Bench options, from argv (`--engines sqlite`) or the environment (`BENCH_ENGINES=sqlite`). */
import { parseArgs } from 'node:util';
import type { Engine } from '../src/server/db/database-url';
import type { LoadShape } from './scenarios/visitor-to-agent';

/** The two loads the write-path goals of issue 7 are stated at. */
export interface Loads {
  /** 2,000 messages/s offered: throughput and ack p99 there. */
  high: LoadShape;
  /** 500 messages/s offered: ack p99 against the relay's. */
  low: LoadShape;
}

export interface BenchOptions {
  /** Parley's stores to run on; every one is measured at both loads. */
  engines: Engine[];
  /** Whether `engines` was asked for: then an engine that does not answer is an error, not a skip. */
  enginesExplicit: boolean;
  loads: Loads;
  /** Seconds of measured sending per run (after the warm-up). */
  seconds: number;
  quick: boolean;
  /** Also run Parley on tmpfs and time bare SQLite commits, to show what fsync costs. */
  diagnostics: boolean;
  /** Write a CPU profile of each Parley server to bench/results/profiles/ and summarize it. */
  profile: boolean;
}

const ALL_ENGINES: readonly Engine[] = ['sqlite', 'postgres', 'mysql'];
const ENGINE_NAMES: Record<string, Engine> = { mariadb: 'mysql', postgresql: 'postgres' };

/**
 * 200 visitors × 10/s and 50 × 10/s: half of Parley's per-socket limit of 20 events/s (burst 40).
 * At the limit itself, a server that stalls for a moment takes a backlog of a socket's sends at
 * once and refuses some as rate_limited: the bench would measure the limiter, not the write path.
 */
const HIGH: Omit<LoadShape, 'messages'> = { visitors: 200, rate: 10 };
const LOW: Omit<LoadShape, 'messages'> = { visitors: 50, rate: 10 };

const DEFAULT_SECONDS = 6;
const QUICK_SECONDS = 2;

export const USAGE = `Usage: npm run bench -- [--engines LIST] [--seconds N] [--quick] [--no-diagnostics] [--profile]

Runs the bare ws relay and Parley, one after the other, at ${HIGH.visitors * HIGH.rate} messages/s offered
(${HIGH.visitors} visitors × ${HIGH.rate}/s) and at ${LOW.visitors * LOW.rate}/s (${LOW.visitors} × ${LOW.rate}/s), and reports the
write-path goals (Parley on SQLite against the relay of the same run) and every engine's figures.

  --engines LIST     comma-separated: sqlite, postgres, mysql (or mariadb); default all three,
                     skipping PostgreSQL or MySQL with the reason when it does not answer
                     (env BENCH_ENGINES; admin URLs: PARLEY_TEST_POSTGRES_URL, PARLEY_TEST_MYSQL_URL)
  --seconds N        seconds of measured sending per run (default ${DEFAULT_SECONDS}; env BENCH_SECONDS)
  --quick            ${QUICK_SECONDS} s per run and no diagnostics: a smoke run, too short for a p99 to mean much
  --no-diagnostics   skip the fsync diagnostics (Parley on tmpfs, bare SQLite commits;
                     env BENCH_DIAGNOSTICS=0)
  --profile          write a CPU profile of each Parley server to bench/results/profiles/ and
                     add its top self-time functions to the report; a profiled server runs
                     slower, so do not compare its numbers with an unprofiled run`;

export class OptionsError extends Error {}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const values = readArgs(argv);
  const quick = values.quick;
  const secondsText = values.seconds ?? env.BENCH_SECONDS;
  const seconds =
    secondsText === undefined
      ? quick
        ? QUICK_SECONDS
        : DEFAULT_SECONDS
      : integer('seconds', secondsText, 1, 600);
  const enginesText = values.engines ?? env.BENCH_ENGINES;
  const loadFor = (shape: Omit<LoadShape, 'messages'>): LoadShape => ({
    ...shape,
    messages: Math.round(seconds * shape.rate),
  });
  return {
    engines: enginesText === undefined ? [...ALL_ENGINES] : engines(enginesText),
    enginesExplicit: enginesText !== undefined,
    loads: { high: loadFor(HIGH), low: loadFor(LOW) },
    seconds,
    quick,
    diagnostics: !quick && !values['no-diagnostics'] && env.BENCH_DIAGNOSTICS !== '0',
    profile: values.profile,
  };
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        engines: { type: 'string' },
        seconds: { type: 'string' },
        quick: { type: 'boolean', default: false },
        'no-diagnostics': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new OptionsError(error instanceof Error ? error.message : String(error));
  }
}

function engines(text: string): Engine[] {
  const chosen = new Set<Engine>();
  for (const part of text.split(',')) {
    const name = part.trim().toLowerCase();
    const engine = ENGINE_NAMES[name] ?? ALL_ENGINES.find((e) => e === name);
    if (!engine) {
      throw new OptionsError(
        `--engines: "${part}" is not one of sqlite, postgres, mysql (or mariadb)`,
      );
    }
    chosen.add(engine);
  }
  // Always in the same order, so reports of different runs line up.
  return ALL_ENGINES.filter((e) => chosen.has(e));
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}
