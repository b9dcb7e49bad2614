/** The bench report, in Markdown: Parley beside the baseline, every comparison a ratio. */
import type { CommitCost } from './probes/commit-cost';
import type { BenchOptions } from './options';
import type { ScenarioResult } from './scenarios/visitor-to-agent';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  kernel: string;
}

export interface Diagnostics {
  /** Parley again, its data directory on tmpfs, where fsync costs next to nothing. */
  parleyOnTmpfs: ScenarioResult;
  /** The filesystem of Parley's data directory in the main run. */
  diskFilesystem: string;
  commitOnDisk: CommitCost;
  commitOnTmpfs: CommitCost;
}

export interface BenchReport {
  startedAt: Date;
  machine: Machine;
  options: BenchOptions;
  parley: ScenarioResult;
  baseline: ScenarioResult;
  /** RSS of an idle `node --import tsx` process, KiB: the floor both servers start from. */
  runtimeFloorKiB: number;
  /** Or why there are none. */
  diagnostics: Diagnostics | string;
}

interface Row {
  metric: string;
  better: 'higher' | 'lower';
  value: (r: ScenarioResult) => number;
  format: (n: number) => string;
}

/** Below this share of the offered load, a run was saturated: its latencies are mostly queueing. */
const KEPT_UP = 0.9;

const ms = (n: number) => fixed(n, n < 1 ? 3 : n < 10 ? 2 : 1);
const cpuMs = (n: number) => fixed(n, 3);
const mib = (kib: number) => fixed(kib / 1024, 1);
const perSecond = (n: number) => fixed(n, 0);

const row = (
  metric: string,
  better: Row['better'],
  value: Row['value'],
  format: Row['format'],
): Row => ({ metric, better, value, format });

const LOAD_ROWS = [
  row('Throughput, acked msg/s', 'higher', (r) => r.throughput, perSecond),
  row('Ack latency p50, ms', 'lower', (r) => r.ack.p50, ms),
  row('Ack latency p95, ms', 'lower', (r) => r.ack.p95, ms),
  row('Ack latency p99, ms', 'lower', (r) => r.ack.p99, ms),
  row('Delivery latency p50, ms', 'lower', (r) => r.delivery.p50, ms),
  row('Delivery latency p95, ms', 'lower', (r) => r.delivery.p95, ms),
  row('Delivery latency p99, ms', 'lower', (r) => r.delivery.p99, ms),
];

const CPU_ROW = row('Server CPU per message, ms', 'lower', (r) => r.serverCpuPerMessage, cpuMs);

const COST_ROWS = [
  row('Server RSS after run, MiB', 'lower', (r) => r.serverMemory.rss, mib),
  row('Server peak RSS, MiB', 'lower', (r) => r.serverMemory.peak, mib),
  CPU_ROW,
  row('Load generator CPU per message, ms', 'lower', (r) => r.loadCpuPerMessage, cpuMs),
];

const EVENT_LOOP_ROWS = [
  row('Event loop: user CPU per message, ms', 'lower', (r) => r.eventLoopCpuPerMessage.user, cpuMs),
  row(
    'Event loop: system CPU per message, ms',
    'lower',
    (r) => r.eventLoopCpuPerMessage.system,
    cpuMs,
  ),
];

/** One thread runs the event loop, so saturated it gives each message 1 / throughput of its time. */
const eventLoopTime = (r: ScenarioResult) => 1000 / r.throughput;
const offCpu = (r: ScenarioResult) =>
  eventLoopTime(r) - r.eventLoopCpuPerMessage.user - r.eventLoopCpuPerMessage.system;

const SATURATION_ROWS = [
  row(
    'Event loop: time per message at saturation, ms (1000 / throughput)',
    'lower',
    eventLoopTime,
    ms,
  ),
  row('Event loop: off the CPU (blocked) per message at saturation, ms', 'lower', offCpu, cpuMs),
];

export function renderReport(report: BenchReport): string {
  const { options: o, machine: m, parley, baseline, diagnostics } = report;
  const offered = o.visitors * o.rate;
  const runs =
    typeof diagnostics === 'string'
      ? [parley, baseline]
      : [parley, baseline, diagnostics.parleyOnTmpfs];
  return [
    '# Bench: visitor→agent delivery',
    '',
    `${report.startedAt.toISOString()} · ${m.cpu} × ${m.cores} cores · Node ${m.node} · Linux ${m.kernel}`,
    '',
    `${o.visitors} visitors × ${o.messages} messages at ${o.rate}/s each ` +
      `(offered ${perSecond(offered)} msg/s, ${o.visitors * o.messages} messages), one agent, ` +
      'after an unmeasured warm-up at the same rate that opens every conversation. ' +
      'Parley and the baseline (a bare `ws` relay: no store, no auth, no rooms) each run as a ' +
      'child process, one after the other, against the same load generator.',
    '',
    ...(o.profile
      ? [
          '**Profiled run** (--profile): the Parley servers ran under the CPU profiler, slower ' +
            'than they otherwise would. Do not compare these numbers with an unprofiled run.',
          '',
        ]
      : []),
    '**Ratio = Parley / baseline on every row.** The last column says which way is better for ' +
      'Parley: for throughput above 1× is better; for latency, memory and CPU below 1× is.',
    '',
    ...comparisonTable(['Parley', 'Baseline', 'Parley / baseline'], parley, baseline, [
      ...LOAD_ROWS,
      ...COST_ROWS,
    ]),
    '',
    `Both servers run under \`node --import tsx\`, as \`npm start\` runs Parley; an idle process ` +
      `run that way holds ${mib(report.runtimeFloorKiB)} MiB, a floor under both RSS figures ` +
      '(give or take a few MiB: RSS moves with the garbage collector).',
    '',
    ...outcomeTable(runs, offered),
    '',
    keptUp(parley, offered)
      ? 'Parley kept up with the offered load, so the throughput ratio says only that; ' +
        'raise --visitors or --rate to find its ceiling.'
      : `**Parley did not keep up with the offered ${perSecond(offered)} msg/s:** its latencies ` +
        'above are mostly time spent queued, and its throughput is its ceiling on this machine. ' +
        'For latency without saturation, lower --rate or --visitors.',
    '',
    ...diagnosticsSection(diagnostics, parley, offered),
  ].join('\n');
}

function comparisonTable(
  headers: [string, string, string],
  a: ScenarioResult,
  b: ScenarioResult,
  rows: Row[],
): string[] {
  return [
    `| Metric | ${headers.join(' | ')} | Better |`,
    '|---|---:|---:|---:|---|',
    ...rows.map(({ metric, value, format, better }) => {
      const [x, y] = [value(a), value(b)];
      return `| ${metric} | ${format(x)} | ${format(y)} | ${ratio(x, y)} | ${better} |`;
    }),
  ];
}

function outcomeTable(runs: ScenarioResult[], offered: number): string[] {
  return [
    '| Run | Sent | Acked | Delivered to agent | Failed | Throughput / offered | Send slip p99, ms |',
    '|---|---:|---:|---:|---|---:|---:|',
    ...runs.map(
      (r) =>
        `| ${r.target} | ${r.sent} | ${r.acked} | ${r.delivered} | ${failures(r)} | ` +
        `${fixed((100 * r.throughput) / offered, 0)}% | ${ms(r.scheduleSlip.p99)} |`,
    ),
    '',
    'Throughput is measured from the first send to the last ack, so a server that keeps up ' +
      'comes out at about 100%. "Send slip" is how late the load generator sent against its schedule; when it is large, ' +
      'the load generator, not the server, was the bottleneck.',
  ];
}

function diagnosticsSection(
  diagnostics: Diagnostics | string,
  parley: ScenarioResult,
  offered: number,
): string[] {
  const heading = "## Where Parley's time goes: fsync";
  if (typeof diagnostics === 'string') return [heading, '', diagnostics, ''];
  const d = diagnostics;
  const onTmpfs = d.parleyOnTmpfs;
  return [
    heading,
    '',
    'Parley commits every message with `synchronous=FULL`: the WAL is fsynced before the ack, ' +
      'and better-sqlite3 does that on the event loop. The same run again with the data ' +
      'directory on tmpfs, where fsync costs next to nothing, shows what the disk costs. ' +
      '**Ratio = on disk / on tmpfs.**',
    '',
    ...comparisonTable(
      [`Parley, data on ${d.diskFilesystem}`, 'Parley, data on tmpfs', 'disk / tmpfs'],
      parley,
      onTmpfs,
      [
        ...LOAD_ROWS,
        CPU_ROW,
        ...EVENT_LOOP_ROWS,
        ...(keptUp(parley, offered) || keptUp(onTmpfs, offered) ? [] : SATURATION_ROWS),
      ],
    ),
    '',
    'A bare SQLite commit of one row (WAL, better-sqlite3, mean of 300, no other load):',
    '',
    '| Filesystem | synchronous=FULL, ms | synchronous=NORMAL, ms | FULL / NORMAL |',
    '|---|---:|---:|---:|',
    ...[d.commitOnDisk, d.commitOnTmpfs].map(
      (c) =>
        `| ${c.filesystem} | ${fixed(c.fullMs, 3)} | ${fixed(c.normalMs, 3)} | ${ratio(c.fullMs, c.normalMs)} |`,
    ),
    '',
    'The event-loop rows split the time of the one thread that runs every handler: user ' +
      '(JavaScript, and SQLite working in memory), system (the kernel: socket writes, and the ' +
      'writeback an fsync does) and, when both runs are saturated, off the CPU (blocked, such as ' +
      'waiting for the disk). What differs between the two columns is what the disk costs. ' +
      `A FULL commit alone costs ${fixed(d.commitOnDisk.fullMs - d.commitOnDisk.normalMs, 3)} ms ` +
      'more than a NORMAL one on this disk when nothing else runs.',
    '',
  ];
}

function keptUp(r: ScenarioResult, offered: number): boolean {
  return r.throughput >= KEPT_UP * offered;
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
