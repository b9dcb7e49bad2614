/** A process's memory and CPU time, read from Linux's /proc; NaN where /proc is not there. */
import fs from 'node:fs';

// /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 for user space.
const TICKS_PER_SECOND = 100;

export interface MemoryKiB {
  /** Resident set size now (VmRSS). */
  rss: number;
  /** The highest resident set size the process has had (VmHWM). */
  peak: number;
}

export interface CpuSeconds {
  user: number;
  /** In the kernel on the process's behalf: socket writes, and the writeback an fsync waits for. */
  system: number;
}

export function readMemoryKiB(pid: number): MemoryKiB {
  const status = readProcFile(`/proc/${pid}/status`);
  return { rss: statusField(status, 'VmRSS'), peak: statusField(status, 'VmHWM') };
}

/** CPU time of all the process's threads: the event loop, GC helpers, libuv's pool, tsx's loader. */
export function readProcessCpu(pid: number): CpuSeconds {
  return parseStat(readProcFile(`/proc/${pid}/stat`));
}

/** CPU time of the event-loop thread alone: Node runs it on the main thread, whose id is the pid. */
export function readEventLoopCpu(pid: number): CpuSeconds {
  return parseStat(readProcFile(`/proc/${pid}/task/${pid}/stat`));
}

export function cpuSince(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return { user: after.user - before.user, system: after.system - before.system };
}

function parseStat(stat: string): CpuSeconds {
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15; field 3 is the first after the parenthesis.
  return {
    user: Number(fields[11]) / TICKS_PER_SECOND,
    system: Number(fields[12]) / TICKS_PER_SECOND,
  };
}

function readProcFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) : NaN;
}
