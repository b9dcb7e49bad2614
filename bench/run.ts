/**
 * `npm run bench`: the visitor→agent scenario against the bare `ws` relay (the baseline) and then
 * against Parley, each server in its own child process; then, unless told not to, Parley again on
 * tmpfs and bare SQLite commits, to show what fsync costs. Prints Markdown and writes
 * bench/results/latest.md. Progress goes to stderr, so stdout is the report alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { killAllChildrenNow, stopAllChildren } from './children';
import { OptionsError, USAGE, parseOptions, type BenchOptions } from './options';
import { describeFilesystem, measureCommitCost } from './probes/commit-cost';
import { measureRuntimeFloor } from './probes/runtime-floor';
import { renderReport, type Diagnostics } from './report';
import { runVisitorToAgent, type ScenarioResult } from './scenarios/visitor-to-agent';
import type { ChatTarget } from './target';
import { startParley } from './targets/parley';
import { startRelay } from './targets/relay';

const RESULTS_DIR = path.join(import.meta.dirname, 'results');
const RESULTS_FILE = path.join(RESULTS_DIR, 'latest.md');
const TMPFS_DIR = '/dev/shm';

const tempDirs: string[] = [];

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void console.log(USAGE);
  const options = parseOptions(process.argv.slice(2), process.env);
  const startedAt = new Date();
  const diskDir = tempDir(os.tmpdir());
  const profileDir = profileDirFor(options);

  const runtimeFloorKiB = await measureRuntimeFloor();
  const baseline = await measure(() => startRelay(), options);
  const parley = await measure(
    () =>
      startParley({ name: 'Parley', dataDir: diskDir, visitorCount: options.visitors, profileDir }),
    options,
  );
  const diagnostics = options.diagnostics ? await diagnose(options) : 'Skipped (--no-diagnostics).';

  const report = renderReport({
    startedAt,
    machine: {
      cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
      cores: os.availableParallelism(),
      node: process.versions.node,
      kernel: os.release(),
    },
    options,
    parley,
    baseline,
    runtimeFloorKiB,
    diagnostics,
  });
  // Aligned tables read better in a terminal, and `prettier --check .` then passes on the file.
  const markdown = await format(report, {
    ...(await resolveConfig(RESULTS_FILE)),
    parser: 'markdown',
  });
  process.stdout.write(markdown);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(RESULTS_FILE, markdown);
  progress(`written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

/** One server at a time, so the two never compete for the cores. */
async function measure(
  start: () => Promise<ChatTarget>,
  options: BenchOptions,
): Promise<ScenarioResult> {
  const target = await start();
  try {
    progress(`${target.name}: ${options.visitors} visitors × ${options.messages} messages…`);
    return await runVisitorToAgent(target, options);
  } finally {
    await target.stop();
  }
}

async function diagnose(options: BenchOptions): Promise<Diagnostics | string> {
  if (!fs.existsSync(TMPFS_DIR) || !describeFilesystem(TMPFS_DIR).startsWith('tmpfs')) {
    return `Skipped: no tmpfs at ${TMPFS_DIR} to compare with.`;
  }
  const tmpfsDir = tempDir(TMPFS_DIR);
  const parleyOnTmpfs = await measure(
    () =>
      startParley({
        name: 'Parley (data on tmpfs)',
        dataDir: tmpfsDir,
        visitorCount: options.visitors,
        profileDir: profileDirFor(options),
      }),
    options,
  );
  progress('timing bare SQLite commits…');
  return {
    parleyOnTmpfs,
    diskFilesystem: describeFilesystem(os.tmpdir()),
    commitOnDisk: measureCommitCost(os.tmpdir()),
    commitOnTmpfs: measureCommitCost(TMPFS_DIR),
  };
}

function profileDirFor(options: BenchOptions): string | undefined {
  return options.profile ? path.join(RESULTS_DIR, 'profiles') : undefined;
}

function tempDir(parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, 'parley-bench-'));
  tempDirs.push(dir);
  return dir;
}

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function cleanUp(): Promise<void> {
  await stopAllChildren();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
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
