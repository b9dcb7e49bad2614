/** Bench options, from argv (`--visitors 200`) or the environment (`BENCH_VISITORS=200`). */
import { parseArgs } from 'node:util';
import { SOCKET_EVENT_RATE } from '../src/protocol/limits';
import type { LoadShape } from './scenarios/visitor-to-agent';

export interface BenchOptions extends LoadShape {
  /** Also run Parley on tmpfs and time bare SQLite commits, to show what fsync costs. */
  diagnostics: boolean;
  /** Write a CPU profile of each Parley server to bench/results/profiles/. */
  profile: boolean;
}

export const USAGE = `Usage: npm run bench -- [--visitors N] [--messages N] [--rate N] [--no-diagnostics] [--profile]

  --visitors N       visitor connections (default 50; env BENCH_VISITORS)
  --messages N       messages each visitor sends (default 20; env BENCH_MESSAGES)
  --rate N           messages per second per visitor (default 10, at most ${SOCKET_EVENT_RATE.perSecond},
                     Parley's per-socket limit; env BENCH_RATE)
  --no-diagnostics   skip the fsync diagnostics (Parley on tmpfs, bare SQLite commits;
                     env BENCH_DIAGNOSTICS=0)
  --profile          write a CPU profile of each Parley server to bench/results/profiles/
                     (open it in Chrome DevTools); a profiled server runs slower, so do not
                     compare its numbers with an unprofiled run`;

export class OptionsError extends Error {}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const values = readArgs(argv);
  return {
    visitors: integer('visitors', values.visitors ?? env.BENCH_VISITORS ?? '50', 1, 5_000),
    messages: integer('messages', values.messages ?? env.BENCH_MESSAGES ?? '20', 1, 10_000),
    rate: number('rate', values.rate ?? env.BENCH_RATE ?? '10', SOCKET_EVENT_RATE.perSecond),
    diagnostics: !values['no-diagnostics'] && env.BENCH_DIAGNOSTICS !== '0',
    profile: values.profile,
  };
}

function readArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        visitors: { type: 'string' },
        messages: { type: 'string' },
        rate: { type: 'string' },
        'no-diagnostics': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new OptionsError(error instanceof Error ? error.message : String(error));
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new OptionsError(`--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

// Above Parley's per-socket limit the server refuses sends by design; that measures nothing.
function number(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new OptionsError(`--${name} must be above 0 and at most ${max}, not "${text}"`);
  }
  return value;
}
