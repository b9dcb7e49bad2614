/**
 * The bench report, in Markdown: the write-path goals of issue 7 (Parley on SQLite against the
 * relay of the same run), then every engine's figures beside the relay's, every comparison a ratio.
 */
import type { Engine } from '../src/server/db/database-url';
import type { CommitCost } from './probes/commit-cost';
import type { BenchOptions } from './options';
import type { ProfileSummary } from './profile-summary';
import type { LoadShape, ScenarioResult } from './scenarios/visitor-to-agent';

export const ENGINE_LABELS: Record<Engine, string> = {
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  mysql: 'MySQL/MariaDB',
};

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  kernel: string;
  /** One-minute load average as the bench started and as it ended: how busy the machine was. */
  loadAverage: { before: number; after: number };
}

export interface Diagnostics {
  /** Parley on SQLite again at the high load, its data directory on tmpfs (fsync costs nothing). */
  parleyOnTmpfs: ScenarioResult;
  /** The filesystem of Parley's data directory in the main run. */
  diskFilesystem: string;
  commitOnDisk: CommitCost;
  commitOnTmpfs: CommitCost;
}

/** Everything measured at one load: the relay, then Parley on each engine that ran. */
export interface LoadRuns {
  shape: LoadShape;
  relay: ScenarioResult;
  parley: Map<Engine, ScenarioResult>;
}

export interface BenchReport {
  startedAt: Date;
  machine: Machine;
  options: BenchOptions;
  high: LoadRuns;
  low: LoadRuns;
  /** Engines that were not run, and why. */
  skipped: Map<Engine, string>;
  /** RSS of an idle `node --import tsx` process, KiB: the floor both servers start from. */
  runtimeFloorKiB: number;
  /** Or why there are none. */
  diagnostics: Diagnostics | string;
}

/** The goals of issue 7, as ratios to the relay in the same run. */
export const GOALS = {
  throughputRatioAtHigh: 0.95,
  ackP99AtHighMs: 50,
  ackP99OverRelayAtLowMs: 10,
  cpuRatio: 3,
} as const;

/** Below this share of the offered load, a run was saturated: its latencies are mostly queueing. */
const KEPT_UP = 0.9;
/** A load generator this late (p99) against its schedule was itself a bottleneck. */
const SLIP_WARNING_MS = 20;

interface Row {
  metric: string;
  value: (r: ScenarioResult) => number;
  format: (n: number) => string;
  /** Whether a ratio to the relay means something on this row. */
  ratio: boolean;
}

const ms = (n: number) => fixed(n, n < 1 ? 3 : n < 10 ? 2 : 1);
const cpuMs = (n: number) => fixed(n, 3);
const mib = (kib: number) => fixed(kib / 1024, 1);
const count = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : '—');
const percent = (n: number) => `${fixed(100 * n, 0)}%`;

const row = (metric: string, value: Row['value'], format: Row['format'], ratio = true): Row => ({
  metric,
  value,
  format,
  ratio,
});

const FIGURE_ROWS: Row[] = [
  row('Throughput, acked msg/s', (r) => r.throughput, count),
  row('Ack latency p50, ms', (r) => r.ack.p50, ms),
  row('Ack latency p95, ms', (r) => r.ack.p95, ms),
  row('Ack latency p99, ms', (r) => r.ack.p99, ms),
  row('Ack latency max, ms', (r) => r.ack.max, ms),
  row('Delivery latency p50, ms', (r) => r.delivery.p50, ms),
  row('Delivery latency p99, ms', (r) => r.delivery.p99, ms),
  row('Server CPU per message, ms (all threads)', (r) => r.serverCpuPerMessage, cpuMs),
  row('Event loop user CPU per message, ms', (r) => r.eventLoopCpuPerMessage.user, cpuMs),
  row('Event loop system CPU per message, ms', (r) => r.eventLoopCpuPerMessage.system, cpuMs),
  row('Server peak RSS, MiB', (r) => r.serverMemory.peak, mib),
  row('Load generator CPU per message, ms', (r) => r.loadCpuPerMessage, cpuMs),
  row('Sent', (r) => r.sent, count, false),
  row('Acked', (r) => r.acked, count, false),
  row('Delivered to the agent', (r) => r.delivered, count, false),
  row('Send slip p99, ms (load generator late)', (r) => r.scheduleSlip.p99, ms, false),
];

export function renderReport(report: BenchReport): string {
  const { options: o, machine: m, high, low, diagnostics } = report;
  const load = (l: LoadShape) =>
    `${count(offered(l))} msg/s offered (${l.visitors} visitors × ${l.rate}/s, ` +
    `${count(l.visitors * l.messages)} messages)`;
  return [
    '# Bench: visitor→agent delivery',
    '',
    `${report.startedAt.toISOString()} · ${m.cpu} × ${m.cores} cores · Node ${m.node} · ` +
      `Linux ${m.kernel} · load average ${fixed(m.loadAverage.before, 1)} at the start, ` +
      `${fixed(m.loadAverage.after, 1)} at the end`,
    '',
    `Two loads: ${load(high.shape)}, and ${load(low.shape)}; ${o.seconds} s of measured sending ` +
      'each, after an unmeasured warm-up at the same rate that opens every conversation. At each ' +
      'load the baseline (a bare `ws` relay: no store, no auth, no rooms) runs first, then Parley ' +
      'on each engine, each server a child process of its own, one at a time, against the same ' +
      'load generator. Every comparison is with the relay of the same load in this run.',
    '',
    ...(m.loadAverage.before > m.cores || m.loadAverage.after > m.cores
      ? [
          `**The machine was busy** (load average above its ${m.cores} cores): absolute figures ` +
            'move from run to run; the ratios to the relay of the same run move less.',
          '',
        ]
      : []),
    ...(o.profile
      ? [
          '**Profiled run** (--profile): the Parley servers ran under the CPU profiler, slower ' +
            'than they otherwise would. Do not compare these numbers with an unprofiled run.',
          '',
        ]
      : []),
    ...(o.quick
      ? [
          `**Quick run** (--quick): ${o.seconds} s per run, too few messages for a p99 to mean much.`,
          '',
        ]
      : []),
    ...skippedSection(report.skipped),
    ...goalsSection(high, low),
    ...figuresSection(high),
    ...figuresSection(low),
    `Every server runs under \`node --import tsx\`, as \`npm start\` runs Parley; an idle process ` +
      `run that way holds ${mib(report.runtimeFloorKiB)} MiB, a floor under every RSS figure. ` +
      'Throughput is counted from the first send to the last ack, so a server that keeps up comes ' +
      'out a little under the offered rate. "Send slip" is how late the load generator sent ' +
      'against its schedule; when it is large, the load generator, not the server, was the ' +
      'bottleneck. PostgreSQL and MySQL run with Parley’s default pool (10 connections) on the ' +
      'services of this machine, each on a throwaway database dropped after the run.',
    '',
    ...diagnosticsSection(diagnostics, high),
    ...(o.profile ? profileSection(high, low, diagnostics) : []),
  ].join('\n');
}

function goalsSection(high: LoadRuns, low: LoadRuns): string[] {
  const heading = '## Write-path goals: Parley on SQLite against the relay of this run';
  const atHigh = high.parley.get('sqlite');
  const atLow = low.parley.get('sqlite');
  if (!atHigh || !atLow) return [heading, '', 'Not measured: SQLite was not among --engines.', ''];
  const [h, l] = [high.relay, low.relay];
  const highLoad = `${count(offered(high.shape))} msg/s offered`;
  const lowLoad = `${count(offered(low.shape))} msg/s offered`;
  const throughputRatio = atHigh.throughput / h.throughput;
  const lowOverRelay = atLow.ack.p99 - l.ack.p99;
  const rows = [
    [
      `(a) Acked throughput at ${highLoad}`,
      `${count(atHigh.throughput)} msg/s`,
      `${count(h.throughput)} msg/s`,
      `${fixed(throughputRatio, 2)}× the relay`,
      `≥ ${GOALS.throughputRatioAtHigh}× the relay`,
      verdict(throughputRatio >= GOALS.throughputRatioAtHigh, throughputRatio),
    ],
    [
      `(a) Ack p99 at ${highLoad}`,
      `${ms(atHigh.ack.p99)} ms`,
      `${ms(h.ack.p99)} ms`,
      `${ms(atHigh.ack.p99)} ms`,
      `< ${GOALS.ackP99AtHighMs} ms`,
      verdict(atHigh.ack.p99 < GOALS.ackP99AtHighMs, atHigh.ack.p99),
    ],
    [
      `(b) Ack p99 at ${lowLoad}`,
      `${ms(atLow.ack.p99)} ms`,
      `${ms(l.ack.p99)} ms`,
      `the relay's + ${ms(lowOverRelay)} ms`,
      `≤ the relay's + ${GOALS.ackP99OverRelayAtLowMs} ms`,
      verdict(lowOverRelay <= GOALS.ackP99OverRelayAtLowMs, lowOverRelay),
    ],
    cpuGoalRow(highLoad, atHigh, h),
    cpuGoalRow(lowLoad, atLow, l),
  ];
  return [
    heading,
    '',
    '| Goal | Parley (SQLite) | Relay | Parley measured | Goal | Result |',
    '|---|---:|---:|---:|---|---|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    'CPU per message is all the server’s threads (user + system, from `/proc`) over the measured ' +
      'part, divided by the messages acknowledged; the goal is checked at both loads.',
    '',
    ...warnings([atHigh, h, atLow, l], [high.shape, high.shape, low.shape, low.shape]),
  ];
}

function cpuGoalRow(load: string, parley: ScenarioResult, relay: ScenarioResult): string[] {
  const times = parley.serverCpuPerMessage / relay.serverCpuPerMessage;
  return [
    `(c) Server CPU per message at ${load}`,
    `${cpuMs(parley.serverCpuPerMessage)} ms`,
    `${cpuMs(relay.serverCpuPerMessage)} ms`,
    `${fixed(times, 2)}× the relay`,
    `≤ ${GOALS.cpuRatio}× the relay`,
    verdict(times <= GOALS.cpuRatio, times),
  ];
}

function verdict(met: boolean, value: number): string {
  if (!Number.isFinite(value)) return '**not measured**';
  return met ? 'met' : '**NOT MET**';
}

/** What makes a goal row read differently from what it says: failures, a late load generator. */
function warnings(runs: ScenarioResult[], shapes: LoadShape[]): string[] {
  const lines = runs.flatMap((r, i) => {
    const shape = shapes[i]!;
    const out: string[] = [];
    if (r.acked < r.sent) {
      out.push(
        `- ${r.target} at ${count(offered(shape))} msg/s: ${r.sent - r.acked} of ${r.sent} ` +
          `messages were not acknowledged (${failures(r)}).`,
      );
    }
    if (r.delivered < r.acked) {
      out.push(
        `- ${r.target} at ${count(offered(shape))} msg/s: the agent received ${r.delivered} of ` +
          `the ${r.acked} acknowledged messages within the bench's grace period.`,
      );
    }
    if (r.throughput < KEPT_UP * offered(shape)) {
      out.push(
        `- ${r.target} at ${count(offered(shape))} msg/s did not keep up ` +
          `(${percent(r.throughput / offered(shape))} of the offered load): its latencies are ` +
          'mostly time spent queued.',
      );
    }
    if (r.scheduleSlip.p99 > SLIP_WARNING_MS) {
      out.push(
        `- ${r.target} at ${count(offered(shape))} msg/s: the load generator sent up to ` +
          `${ms(r.scheduleSlip.p99)} ms late (p99), so it, or the busy machine, was part of the ` +
          'bottleneck.',
      );
    }
    return out;
  });
  return lines.length === 0 ? [] : ['Read with care:', '', ...lines, ''];
}

function figuresSection(runs: LoadRuns): string[] {
  const engines = [...runs.parley.keys()];
  const results = engines.map((e) => runs.parley.get(e)!);
  return [
    `## Figures at ${count(offered(runs.shape))} msg/s offered (${runs.shape.visitors} visitors × ` +
      `${runs.shape.rate}/s)`,
    '',
    'Each Parley cell is its figure and, in brackets, its ratio to the relay’s.',
    '',
    `| Metric | Relay | ${engines.map((e) => `Parley (${ENGINE_LABELS[e]})`).join(' | ')} |`,
    `|---|---:|${engines.map(() => '---:').join('|')}|`,
    ...FIGURE_ROWS.map(({ metric, value, format, ratio: withRatio }) => {
      const base = value(runs.relay);
      const cells = results.map((r) => {
        const x = value(r);
        return withRatio ? `${format(x)} (${ratio(x, base)})` : format(x);
      });
      return `| ${metric} | ${format(base)} | ${cells.join(' | ')} |`;
    }),
    '',
    ...[runs.relay, ...results].flatMap((r) =>
      Object.keys(r.failures).length > 0
        ? [`${r.target} failures: ${failures(r)} (its output: bench/results/logs/).`, '']
        : [],
    ),
  ];
}

function skippedSection(skipped: Map<Engine, string>): string[] {
  if (skipped.size === 0) return [];
  return [
    ...[...skipped].map(([engine, why]) => `**${ENGINE_LABELS[engine]} was skipped:** ${why}`),
    '',
  ];
}

function diagnosticsSection(diagnostics: Diagnostics | string, high: LoadRuns): string[] {
  const heading = "## Where Parley's time goes on SQLite: fsync";
  if (typeof diagnostics === 'string') return [heading, '', diagnostics, ''];
  const d = diagnostics;
  const onDisk = high.parley.get('sqlite');
  if (!onDisk) return [heading, '', 'Not measured: SQLite was not among --engines.', ''];
  const rows = FIGURE_ROWS.filter((r) => r.ratio);
  return [
    heading,
    '',
    'Parley commits with `synchronous=FULL`: the WAL is fsynced before the ack, and ' +
      'better-sqlite3 does that on the event loop; writes that wait together share one commit ' +
      '(group commit). The high load again with the data directory on tmpfs, where fsync costs ' +
      'next to nothing, shows what the disk costs. **Ratio = on disk / on tmpfs.**',
    '',
    `| Metric | Parley, data on ${d.diskFilesystem} | Parley, data on tmpfs | disk / tmpfs |`,
    '|---|---:|---:|---:|',
    ...rows.map(({ metric, value, format }) => {
      const [x, y] = [value(onDisk), value(d.parleyOnTmpfs)];
      return `| ${metric} | ${format(x)} | ${format(y)} | ${ratio(x, y)} |`;
    }),
    '',
    'A bare SQLite commit of one row (WAL, better-sqlite3, mean of 300, no other load from the bench):',
    '',
    '| Filesystem | synchronous=FULL, ms | synchronous=NORMAL, ms | FULL / NORMAL |',
    '|---|---:|---:|---:|',
    ...[d.commitOnDisk, d.commitOnTmpfs].map(
      (c) =>
        `| ${c.filesystem} | ${fixed(c.fullMs, 3)} | ${fixed(c.normalMs, 3)} | ${ratio(c.fullMs, c.normalMs)} |`,
    ),
    '',
  ];
}

function profileSection(
  high: LoadRuns,
  low: LoadRuns,
  diagnostics: Diagnostics | string,
): string[] {
  const detailed = [...high.parley.values()];
  const brief = [
    ...low.parley.values(),
    ...(typeof diagnostics === 'string' ? [] : [diagnostics.parleyOnTmpfs]),
  ];
  return [
    "## Profiles: where the server's main thread spent the measured window",
    '',
    'Self time (time in the function itself, not its callees) from V8’s sampling profiler, ' +
      'only the samples taken while the load ran. Shares are of the busy (not idle) time. A ' +
      'synchronous native call counts as self time of the JavaScript function that made it: on ' +
      "SQLite, kysely's `executeQuery` in `sqlite-driver.js` holds better-sqlite3 running the " +
      'statements, and the fsync of each commit. "(native code)" is C++ called on its own, such ' +
      "as a socket's `writev`. Open the files in Chrome DevTools (Performance → Load profile) " +
      'for the call trees.',
    '',
    ...detailed.flatMap((r) =>
      profileTables(r, `${r.target} at ${count(offered(high.shape))} msg/s`),
    ),
    ...brief.flatMap((r) => profileLine(r, r.target)),
    '',
  ];
}

function profileTables(r: ScenarioResult, title: string): string[] {
  const p = r.profile;
  if (p === undefined) return [];
  if (typeof p === 'string') return [`### ${title}`, '', `No profile: ${p}.`, ''];
  return [
    `### ${title}`,
    '',
    `${p.file}: ${busyLine(p)}`,
    '',
    '| By package | Self ms | Share |',
    '|---|---:|---:|',
    ...p.packages.map((e) => `| ${e.name} | ${fixed(e.selfMs, 0)} | ${percent(e.share)} |`),
    '',
    '| Function | Self ms | Share |',
    '|---|---:|---:|',
    ...p.functions.map((e) => `| \`${e.name}\` | ${fixed(e.selfMs, 0)} | ${percent(e.share)} |`),
    '',
  ];
}

function profileLine(r: ScenarioResult, title: string): string[] {
  const p = r.profile;
  if (p === undefined) return [];
  if (typeof p === 'string') return [`- ${title}: no profile: ${p}.`];
  const top = p.packages
    .slice(0, 4)
    .map((e) => `${e.name} ${percent(e.share)}`)
    .join(', ');
  return [`- ${title} (${p.file}): ${busyLine(p)} Top packages: ${top}.`];
}

function busyLine(p: ProfileSummary): string {
  const busy = p.sampledMs - p.idleMs;
  return (
    `${fixed(busy, 0)} ms busy of ${fixed(p.sampledMs, 0)} ms sampled ` +
    `(${percent(busy / p.sampledMs)})` +
    (p.windowed ? '.' : ', the whole run: no sample fell in the measured window.')
  );
}

function offered(shape: LoadShape): number {
  return shape.visitors * shape.rate;
}

function failures(r: ScenarioResult): string {
  const entries = Object.entries(r.failures);
  return entries.length === 0 ? '0' : entries.map(([why, n]) => `${n} ${why}`).join(', ');
}

function ratio(x: number, y: number): string {
  return Number.isFinite(x / y) ? `${fixed(x / y, 2)}×` : '—';
}

function fixed(n: number, digits: number): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
}
