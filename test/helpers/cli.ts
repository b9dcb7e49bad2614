/** Runs `parley` (bin/parley.js) as an operator would, in a child process. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cleanEnv } from './process';

const BIN = path.resolve(import.meta.dirname, '../../bin/parley.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runParley(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...cleanEnv(), PARLEY_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** `runParley` on the database at `url`, as PARLEY_DATABASE_URL. */
export function parleyOn(
  url: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return runParley(args, { ...options, env: { PARLEY_DATABASE_URL: url, ...options.env } });
}
