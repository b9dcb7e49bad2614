/**
 * A short summary of a V8 CPU profile (`node --cpu-prof`): where the server's main thread spent its
 * time while the load ran — the functions with the most self time, and the same grouped by
 * package. Only the samples inside the measured window count, so start-up (tsx compiling, the
 * migrations, seeding) does not crowd out the write path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './children';

export interface ProfileSummary {
  /** Relative to the repository. */
  file: string;
  /** Whether the samples could be cut to the measured window (otherwise the whole run). */
  windowed: boolean;
  /** Sampled time on the main thread, ms, idle included. */
  sampledMs: number;
  /** Of which idle: waiting in the event loop for I/O or timers. */
  idleMs: number;
  /** Most self time first; shares are of the busy (non-idle) time. */
  functions: Entry[];
  packages: Entry[];
}

export interface Entry {
  name: string;
  selfMs: number;
  share: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

const TOP = 12;
const TOP_PACKAGES = 8;

/** The main thread's profile that process `pid` wrote into `dir`, if it wrote one. */
export function findProfile(dir: string, pid: number): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile; the main thread is thread 0.
  const name = fs
    .readdirSync(dir)
    .find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.0.`));
  return name === undefined ? undefined : path.join(dir, name);
}

export function summarizeProfile(
  file: string,
  window: { startUs: number; endUs: number },
): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));

  // Sample i was taken at startTime + the deltas up to i; it stands for the time until the next.
  const times: number[] = [];
  let t = profile.startTime;
  for (const delta of profile.timeDeltas) times.push((t += delta));
  const inWindow = (i: number) => times[i]! >= window.startUs && times[i]! <= window.endUs;
  const windowed = profile.samples.some((_, i) => inWindow(i));

  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let sampledMs = 0;
  let idleMs = 0;
  profile.samples.forEach((nodeId, i) => {
    if (windowed && !inWindow(i)) return;
    const next = times[i + 1] ?? profile.endTime;
    const ms = Math.max(0, next - times[i]!) / 1000;
    const frame = frames.get(nodeId);
    if (!frame) return;
    sampledMs += ms;
    if (frame.functionName === '(idle)') return void (idleMs += ms);
    add(byFunction, describeFunction(frame), ms);
    add(byPackage, packageOf(frame), ms);
  });

  const busyMs = sampledMs - idleMs;
  const top = (map: Map<string, number>, n: number): Entry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, selfMs]) => ({ name, selfMs, share: selfMs / busyMs }));
  return {
    file: path.relative(ROOT, file),
    windowed,
    sampledMs,
    idleMs,
    functions: top(byFunction, TOP),
    packages: top(byPackage, TOP_PACKAGES),
  };
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function describeFunction(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/**
 * `(garbage collector)`, native code (C++ bindings such as a socket's `writev`), Node's own
 * JavaScript, a package under node_modules, or a folder of `src/`. A synchronous native call
 * made from JavaScript, such as better-sqlite3 running a statement (and the fsync of a commit),
 * counts as self time of the JavaScript function that made it: V8 does not see into it.
 */
function packageOf(frame: CallFrame): string {
  if (!frame.url) {
    return frame.functionName.startsWith('(') ? frame.functionName : '(native code)';
  }
  if (frame.url.startsWith('node:')) return 'node: (Node.js internals)';
  const url = shortUrl(frame.url);
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1]) return inModules[1];
  const dir = /^(src\/[^/]+\/[^/]+)\//.exec(url);
  return dir?.[1] ?? url;
}

function shortUrl(url: string): string {
  const file = url.replace(/^file:\/\//, '');
  const relative = file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
  return relative.replace(/^.*node_modules\//, 'node_modules/');
}
