/**
 * `npm run bench`: at each of the two loads of the write-path goals, the visitor→agent scenario
 * against the bare `ws` relay (the baseline) and then against Parley on each engine, one server at
 * a time, each in its own child process; then, unless told not to, Parley again on tmpfs and bare
 * SQLite commits, to show what fsync costs. Prints Markdown and writes bench/results/latest.md.
 * Progress goes to stderr, so stdout is the report alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { Engine } from '../src/server/db/database-url';
import { createTestDatabase } from '../test/helpers/database';
import { killAllChildrenNow, stopAllChildren } from './children';
import { OptionsError, USAGE, parseOptions, type BenchOptions } from './options';
import { describeFilesystem, measureCommitCost } from './probes/commit-cost';
import { measureRuntimeFloor } from './probes/runtime-floor';
import { findProfile, summarizeProfile, type ProfileSummary } from './profile-summary';
import { ENGINE_LABELS, renderReport, type Diagnostics, type LoadRuns } from './report';
import {
  runVisitorToAgent,
  type LoadShape,
  type ScenarioResult,
} from './scenarios/visitor-to-agent';
import type { ChatTarget } from './target';
import { startParley } from './targets/parley';
import { startRelay } from './targets/relay';
import { renderIdleTracked, runIdleTracked } from './scenarios/idle-tracked';

const RESULTS_DIR = path.join(import.meta.dirname, 'results');
const RESULTS_FILE = path.join(RESULTS_DIR, 'latest.md');
const PROFILES_DIR = path.join(RESULTS_DIR, 'profiles');
const LOGS_DIR = path.join(RESULTS_DIR, 'logs');
const TMPFS_DIR = '/dev/shm';

/** Run at exit, even on failure or Ctrl-C: temp dirs removed, throwaway databases dropped. */
const cleanups: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void console.log(USAGE);
  const options = parseOptions(process.argv.slice(2), process.env);
  const startedAt = new Date();
  const loadAverageBefore = os.loadavg();
  if (options.profile) fs.rmSync(PROFILES_DIR, { recursive: true, force: true });
  fs.rmSync(LOGS_DIR, { recursive: true, force: true });

  const skipped = await checkEngines(options);
  const engines = options.engines.filter((e) => !skipped.has(e));
  const runtimeFloorKiB = await measureRuntimeFloor();

  const runAt = async (load: 'high' | 'low'): Promise<LoadRuns> => {
    const shape = options.loads[load];
    const relay = await measure(() => startRelay(), shape);
    const parley = new Map<Engine, ScenarioResult>();
    for (const engine of engines) {
      parley.set(engine, await measureParley(engine, load, shape, options));
    }
    return { shape, relay, parley };
  };
  const high = await runAt('high');
  const low = await runAt('low');
  const diagnostics = options.diagnostics
    ? await diagnose(options.loads.high, options)
    : options.quick
      ? 'Skipped (--quick).'
      : 'Skipped (--no-diagnostics).';

  const report = renderReport({
    startedAt,
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: os.availableParallelism(),
      node: process.versions.node,
      kernel: os.release(),
      loadAverage: { before: loadAverageBefore[0] ?? NaN, after: os.loadavg()[0] ?? NaN },
    },
    options,
    high,
    low,
    skipped,
    runtimeFloorKiB,
    diagnostics,
  });
  progress('idle tracked visitors: 5,000');
  const tracked = renderIdleTracked(await runIdleTracked(5000));
  // Aligned tables read better in a terminal, and `prettier --check .` then passes on the file.
  const markdown = await format(`${report}\n${tracked}`, {
    ...(await resolveConfig(RESULTS_FILE)),
    parser: 'markdown',
  });
  process.stdout.write(markdown);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(RESULTS_FILE, markdown);
  progress(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

/**
 * PostgreSQL and MySQL are benched when they answer. Asked for by name, one that does not is an
 * error; by default it is skipped, and the report says why.
 */
async function checkEngines(options: BenchOptions): Promise<Map<Engine, string>> {
  const skipped = new Map<Engine, string>();
  for (const engine of options.engines) {
    if (engine === 'sqlite') continue;
    try {
      const database = await createTestDatabase(engine);
      await database.drop();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (options.enginesExplicit) {
        throw new Error(`${ENGINE_LABELS[engine]} was asked for and does not answer: ${reason}`, {
          cause: error,
        });
      }
      progress(`skipping ${ENGINE_LABELS[engine]}: ${reason}`);
      skipped.set(engine, reason);
    }
  }
  return skipped;
}

/** Parley on a throwaway database of `engine`, dropped again once the run is over. */
async function measureParley(
  engine: Engine,
  load: string,
  shape: LoadShape,
  options: BenchOptions,
): Promise<ScenarioResult> {
  const database = await createTestDatabase(engine);
  cleanups.push(database.drop);
  const profileDir = options.profile ? path.join(PROFILES_DIR, `${load}-${engine}`) : undefined;
  return measure(
    () =>
      startParley({
        name: `Parley (${ENGINE_LABELS[engine]})`,
        database,
        visitorCount: shape.visitors,
        profileDir,
      }),
    shape,
    profileDir,
  );
}

/** One server at a time, so the two never compete for the cores. */
async function measure(
  start: () => Promise<ChatTarget>,
  shape: LoadShape,
  profileDir?: string,
): Promise<ScenarioResult> {
  const target = await start();
  let result: ScenarioResult;
  try {
    progress(
      `${target.name}: ${shape.visitors} visitors × ${shape.messages} messages at ${shape.rate}/s…`,
    );
    result = await runVisitorToAgent(target, shape);
  } finally {
    await target.stop();
    keepLog(target, shape);
  }
  // The profiler writes its file as the server exits.
  return profileDir ? { ...result, profile: profileOf(profileDir, target.pid, result) } : result;
}

/** What the server printed (warnings and errors at most), for a run with failures to explain. */
function keepLog(target: ChatTarget, shape: LoadShape): void {
  const output = target.output();
  if (output.trim() === '') return;
  const name = `${shape.visitors * shape.rate}-${target.name.replace(/[^A-Za-z0-9]+/g, '-')}.log`;
  fs.mkdirSync(LOGS_DIR, { recursive: true });
  fs.writeFileSync(path.join(LOGS_DIR, name.replace(/-+\.log$/, '.log')), output);
}

function profileOf(dir: string, pid: number, result: ScenarioResult): ProfileSummary | string {
  const file = findProfile(dir, pid);
  if (!file)
    return `no profile in ${path.relative(process.cwd(), dir)} (did the server exit cleanly?)`;
  return summarizeProfile(file, result.window);
}

async function diagnose(shape: LoadShape, options: BenchOptions): Promise<Diagnostics | string> {
  if (!fs.existsSync(TMPFS_DIR) || !describeFilesystem(TMPFS_DIR).startsWith('tmpfs')) {
    return `Skipped: no tmpfs at ${TMPFS_DIR} to compare with.`;
  }
  const tmpfsDir = fs.mkdtempSync(path.join(TMPFS_DIR, 'parley-bench-'));
  cleanups.push(async () => fs.rmSync(tmpfsDir, { recursive: true, force: true }));
  const profileDir = options.profile ? path.join(PROFILES_DIR, 'high-sqlite-tmpfs') : undefined;
  const parleyOnTmpfs = await measure(
    () =>
      startParley({
        name: 'Parley (SQLite on tmpfs)',
        database: { url: `sqlite:${path.join(tmpfsDir, 'parley.sqlite')}`, dataDir: tmpfsDir },
        visitorCount: shape.visitors,
        profileDir,
      }),
    shape,
    profileDir,
  );
  progress('timing bare SQLite commits…');
  return {
    parleyOnTmpfs,
    diskFilesystem: describeFilesystem(os.tmpdir()),
    commitOnDisk: measureCommitCost(os.tmpdir()),
    commitOnTmpfs: measureCommitCost(TMPFS_DIR),
  };
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch((error: unknown) => progress(`clean-up failed: ${String(error)}`));
  }
}

process.on('exit', killAllChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  process.exitCode = 1;
  console.error(error instanceof OptionsError ? `${error.message}\n\n${USAGE}` : error);
} finally {
  await cleanUp();
}
