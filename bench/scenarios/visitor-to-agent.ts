/**
 * Scenario "visitor→agent delivery": V visitors each send M messages at a steady rate while one
 * agent listens. Sending is open-loop (on a fixed schedule, not after the previous ack), so a slow
 * server shows up as growing latency instead of quietly lowering the load it is offered.
 *
 * A short warm-up at the same rate comes first and is not measured: it opens every visitor's
 * conversation and lets the JIT settle, so the numbers are of the common case, a message in a
 * conversation that is already open, and not of a cold start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cpuSince,
  readEventLoopCpu,
  readMemoryKiB,
  readProcessCpu,
  type CpuSeconds,
  type MemoryKiB,
} from '../proc-stats';
import type { ProfileSummary } from '../profile-summary';
import { summarize, type LatencySummary } from '../stats';
import type { ChatTarget, Connection, VisitorConnection } from '../target';

export interface LoadShape {
  visitors: number;
  /** Per visitor. */
  messages: number;
  /** Messages per second, per visitor. */
  rate: number;
}

export interface ScenarioResult {
  target: string;
  sent: number;
  acked: number;
  delivered: number;
  /** Reason → count, for sends that were refused or never acknowledged. */
  failures: Record<string, number>;
  /** Acknowledged messages per second, from the first send to the last ack. */
  throughput: number;
  /** Send → ack, ms. */
  ack: LatencySummary;
  /** Send → the agent's copy, ms. */
  delivery: LatencySummary;
  /** How late the load generator sent against its schedule, ms: large means it was the bottleneck. */
  scheduleSlip: LatencySummary;
  /** Server CPU time per acknowledged message, ms, all threads. */
  serverCpuPerMessage: number;
  /** The server's event-loop thread alone, per acknowledged message, ms. */
  eventLoopCpuPerMessage: CpuSeconds;
  /** Load generator CPU time per acknowledged message, ms. */
  loadCpuPerMessage: number;
  /** Server memory once the load is over, every connection still open. */
  serverMemory: MemoryKiB;
  /**
   * When the measured part ran, in µs of the monotonic clock (`process.hrtime`), which is the
   * clock V8's CPU profiles stamp their samples with: the profile summary keeps this window only.
   */
  window: { startUs: number; endUs: number };
  /** With --profile: the server's CPU profile summed up, or why there is none. */
  profile?: ProfileSummary | string;
}

const CONNECT_BATCH = 25;
const WARMUP_MESSAGES = 5;
const DELIVERY_GRACE_MS = 10_000;
const BODY = 'Hello! Is the blue kettle in stock, and can it ship to Lyon by Friday?';

interface SendRecord {
  clientId: string;
  scheduledAt: number;
  sentAt: number;
  ackedAt?: number;
  failure?: string;
}

export async function runVisitorToAgent(
  target: ChatTarget,
  shape: LoadShape,
): Promise<ScenarioResult> {
  const deliveredAt = new Map<string, number>();
  const connections: Connection[] = [];
  try {
    connections.push(
      await target.connectAgent((clientId) => {
        if (!deliveredAt.has(clientId)) deliveredAt.set(clientId, performance.now());
      }),
    );
    const visitors = await connectVisitors(target, shape.visitors, connections);

    await sendOnSchedule(visitors, { ...shape, messages: WARMUP_MESSAGES }, 'w');

    const serverCpuBefore = readProcessCpu(target.pid);
    const eventLoopCpuBefore = readEventLoopCpu(target.pid);
    const loadCpuBefore = process.cpuUsage();
    const startUs = monotonicUs();
    const records = await sendOnSchedule(visitors, shape, 'm');
    await waitForDeliveries(records, deliveredAt);
    const endUs = monotonicUs();
    const serverCpu = cpuSince(serverCpuBefore, readProcessCpu(target.pid));
    const eventLoopCpu = cpuSince(eventLoopCpuBefore, readEventLoopCpu(target.pid));
    const loadCpu = process.cpuUsage(loadCpuBefore);
    const serverMemory = readMemoryKiB(target.pid);

    const acked = records.filter((r) => r.ackedAt !== undefined);
    const firstSend = Math.min(...records.map((r) => r.sentAt));
    const lastAck = Math.max(firstSend, ...acked.map((r) => r.ackedAt ?? 0));
    const delivered = records.flatMap((r) => {
      const at = deliveredAt.get(r.clientId);
      return at === undefined ? [] : [at - r.sentAt];
    });
    return {
      target: target.name,
      sent: records.length,
      acked: acked.length,
      delivered: delivered.length,
      failures: countFailures(records),
      throughput: acked.length === 0 ? 0 : acked.length / ((lastAck - firstSend) / 1000),
      ack: summarize(acked.map((r) => (r.ackedAt ?? 0) - r.sentAt)),
      delivery: summarize(delivered),
      scheduleSlip: summarize(records.map((r) => r.sentAt - r.scheduledAt)),
      serverCpuPerMessage: ((serverCpu.user + serverCpu.system) * 1000) / acked.length,
      eventLoopCpuPerMessage: {
        user: (eventLoopCpu.user * 1000) / acked.length,
        system: (eventLoopCpu.system * 1000) / acked.length,
      },
      loadCpuPerMessage: (loadCpu.user + loadCpu.system) / 1000 / acked.length,
      serverMemory,
      window: { startUs, endUs },
    };
  } finally {
    for (const connection of connections) connection.close();
  }
}

/** In small batches, so the handshakes do not all land at once; each joins `connections`. */
async function connectVisitors(
  target: ChatTarget,
  count: number,
  connections: Connection[],
): Promise<VisitorConnection[]> {
  const visitors: VisitorConnection[] = [];
  for (let first = 0; first < count; first += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - first) }, (_, i) =>
      target.connectVisitor(first + i),
    );
    const settled = await Promise.allSettled(batch);
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') {
        visitors.push(outcome.value);
        connections.push(outcome.value);
      }
    }
    const failed = settled.find((o) => o.status === 'rejected');
    if (failed) throw new Error(`a visitor could not connect: ${String(failed.reason)}`);
  }
  return visitors;
}

/**
 * Visitor i sends its k-th message at start + (i / V + k) / rate: each visitor at the given rate,
 * and the visitors spread evenly over one interval rather than all sending on the same tick.
 */
async function sendOnSchedule(
  visitors: VisitorConnection[],
  shape: LoadShape,
  /** Warm-up or measured: keeps the client ids of the two rounds apart. */
  round: 'w' | 'm',
): Promise<SendRecord[]> {
  const records: SendRecord[] = [];
  const interval = 1000 / shape.rate;
  const start = performance.now() + 50;

  const sendAll = async (visitor: VisitorConnection, index: number) => {
    const acks: Promise<void>[] = [];
    for (let k = 0; k < shape.messages; k++) {
      const scheduledAt = start + (index / visitors.length + k) * interval;
      const wait = scheduledAt - performance.now();
      if (wait > 0) await sleep(wait);
      const record: SendRecord = {
        clientId: `v${index}-${round}${k}`,
        scheduledAt,
        sentAt: performance.now(),
      };
      records.push(record);
      acks.push(
        visitor.send(record.clientId, BODY).then(
          () => void (record.ackedAt = performance.now()),
          (error: unknown) =>
            void (record.failure = error instanceof Error ? error.message : String(error)),
        ),
      );
    }
    await Promise.all(acks);
  };

  await Promise.all(visitors.map(sendAll));
  return records;
}

/** Until the agent has every acknowledged message, or a grace period is over. */
async function waitForDeliveries(
  records: SendRecord[],
  deliveredAt: Map<string, number>,
): Promise<void> {
  const deadline = performance.now() + DELIVERY_GRACE_MS;
  const expected = records.filter((r) => r.ackedAt !== undefined);
  while (performance.now() < deadline) {
    if (expected.every((r) => deliveredAt.has(r.clientId))) return;
    await sleep(20);
  }
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function countFailures(records: SendRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { failure } of records) if (failure) counts[failure] = (counts[failure] ?? 0) + 1;
  return counts;
}
