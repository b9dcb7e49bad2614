/**
 * The servers under test run as child processes, so they never share the load generator's event
 * loop. Every child is tracked from the moment it is spawned, so a failed start, a failed run or
 * Ctrl-C still ends it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanEnv } from '../test/helpers/process';

export const ROOT = path.resolve(import.meta.dirname, '..');

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LIMIT = 16 * 1024;

export interface ChildServer {
  pid: number;
  /** The last few KB the child printed, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited in `stopTimeoutMs`; resolves once it is gone. */
  stop(): Promise<void>;
}

interface Tracked {
  child: ChildProcess;
  gone: boolean;
  exited: Promise<void>;
  stopTimeoutMs: number;
}

const running = new Set<Tracked>();

/** Runs a TypeScript entry point of this repository with tsx and waits until `isReady` says so. */
export async function startChildServer(options: {
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
  isReady: () => Promise<boolean>;
  /** Extra flags for node, such as `--cpu-prof`. */
  nodeArgs?: string[];
  /**
   * How long a SIGTERM may take before SIGKILL (default 5 s). A profiled server writes its
   * profile only if it exits by itself, which can take longer after a run that left work queued.
   */
  stopTimeoutMs?: number;
}): Promise<ChildServer> {
  const args = [...(options.nodeArgs ?? []), '--import', 'tsx', options.script];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Without the shell's PARLEY_* (such as PARLEY_TEST_POSTGRES_URL, which the bench reads
    // itself): Parley refuses a setting it does not know, and the bench sets all it needs.
    env: { ...cleanEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-OUTPUT_LIMIT));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const tracked: Tracked = {
    child,
    gone: false,
    exited: Promise.resolve(),
    stopTimeoutMs: options.stopTimeoutMs ?? STOP_TIMEOUT_MS,
  };
  tracked.exited = new Promise((resolve) => {
    const done = () => {
      tracked.gone = true;
      running.delete(tracked);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (error) => {
      output += `\n${error.message}`;
      done();
    });
  });
  running.add(tracked);

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (tracked.gone) throw new Error(`${options.name} exited during start:\n${output}`);
    if (await options.isReady().catch(() => false)) {
      const pid = child.pid;
      if (pid === undefined) throw new Error(`${options.name} has no process id`);
      return { pid, output: () => output, stop: () => stop(tracked) };
    }
    await sleep(100);
  }
  throw new Error(`${options.name} did not start within ${START_TIMEOUT_MS} ms:\n${output}`);
}

/** Stops every child still running. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map(stop));
}

/** Last resort on process exit, where nothing asynchronous runs any more. */
export function killAllChildrenNow(): void {
  for (const { child } of running) child.kill('SIGKILL');
}

async function stop(tracked: Tracked): Promise<void> {
  if (tracked.gone) return;
  tracked.child.kill('SIGTERM');
  const timer = setTimeout(() => tracked.child.kill('SIGKILL'), tracked.stopTimeoutMs);
  await tracked.exited;
  clearTimeout(timer);
}
