/**
 * Prometheus metrics of one Parley process (`GET /metrics`, behind PARLEY_METRICS_TOKEN). One
 * registry per app, so tests that build several apps do not share counts.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly messages = new Counter({
    name: 'parley_messages_total',
    help: 'Messages stored, by author type',
    labelNames: ['author'] as const,
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'parley_realtime_events_total',
    help: 'Realtime events clients sent, by namespace, event and outcome (ok or an error code)',
    labelNames: ['namespace', 'event', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly ackSeconds = new Histogram({
    name: 'parley_ack_seconds',
    help: 'From a realtime event arriving to its ack (for message:send: stored and committed)',
    labelNames: ['namespace', 'event'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly deliverySeconds = new Histogram({
    name: 'parley_delivery_seconds',
    help: 'From a message being committed (on any node) to its push leaving for one socket here',
    labelNames: ['namespace'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly listenerFailures = new Counter({
    name: 'parley_listener_failures_total',
    help: 'After-commit listeners that threw or rejected, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'parley_jobs_total',
    help: 'Job runs that ended, by type and outcome: done, retry (failed, will run again) or failed (gave up)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Reads the number of queued jobs; the job queue sets it (see countQueuedJobs). */
  private queuedJobs: (() => Promise<number>) | undefined;

  readonly slowReadersClosed = new Counter({
    name: 'parley_slow_readers_closed_total',
    help: 'Sockets closed because they stopped reading what the server sent',
    registers: [this.registry],
  });

  private readonly loopDelay = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
    const queued = () => this.queuedJobs?.();
    new Gauge({
      name: 'parley_jobs_queued',
      help: 'Jobs waiting to run (due or backing off), in the whole database: every node reports the same',
      registers: [this.registry],
      async collect() {
        // A scrape while the database is away reports the last count rather than failing.
        const count = await queued()?.catch(() => undefined);
        if (count !== undefined) this.set(count);
      },
    });
    this.loopDelay.enable();
    const delay = this.loopDelay;
    new Gauge({
      name: 'parley_event_loop_delay_p99_seconds',
      help: 'The 99th percentile of event-loop delay since the previous scrape',
      registers: [this.registry],
      collect() {
        this.set(delay.percentile(99) / 1e9);
        delay.reset();
      },
    });
  }

  /** Where `parley_jobs_queued` comes from: counted in the database at each scrape. */
  countQueuedJobs(read: () => Promise<number>): void {
    this.queuedJobs = read;
  }

  /** A gauge read at scrape time, e.g. connected sockets per namespace. */
  gauge(name: string, help: string, labelName: string, read: () => Record<string, number>): void {
    new Gauge({
      name,
      help,
      labelNames: [labelName],
      registers: [this.registry],
      collect() {
        for (const [label, value] of Object.entries(read()))
          this.set({ [labelName]: label }, value);
      },
    });
  }

  /** An unlabelled gauge read at scrape time. */
  value(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  close(): void {
    this.loopDelay.disable();
    this.registry.clear();
  }
}
