/**
 * `npm run test:cluster`: three Parley processes on one database (PostgreSQL, then MariaDB) and
 * one Redis, driven by clients that fail over between them as the widget and the console do.
 * What users would notice is asserted: who sees which message, once and in order, and what the
 * database holds; the durations are printed for docs/scaling.md, never asserted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/server/db/database';
import { login, requestOk } from '../helpers/clients';
import { SITE_ORIGIN } from '../helpers/server';
import { CLUSTER_ENGINES, METRICS_TOKEN, newVisitor, startCluster, type Cluster } from './cluster';
import { ClusterAgent, ClusterVisitor, eventually, type ConversationLog } from './failover-client';
import { routingScenarios } from './routing-scenarios';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function report(what: string, value: string): void {
  console.log(`[cluster ${new Date().toISOString()}] ${what}: ${value}`);
}

/** The nodes' limit of new visitors a minute per address, small so that a test reaches it. */
const VISITORS_PER_ADDRESS = 30;

describe.each(CLUSTER_ENGINES)('three nodes on %s and Redis', (engine) => {
  let cluster: Cluster;
  let db: Db;
  let cookie: string;

  beforeAll(async () => {
    cluster = await startCluster(engine, 3, {
      PARLEY_LIMIT_ADDRESS_VISITORS_PER_MINUTE: String(VISITORS_PER_ADDRESS),
    });
    db = await createDb(cluster.database.url, { poolSize: 2 });
    cookie = await login(cluster.endpoints[0]!);
    // The agent is away: routing adds no entry to the conversations whose messages are counted
    // here (routing's own scenario brings its own agents).
    const endpoint = cluster.endpoints[0]!;
    const away = await fetch(`${endpoint.url}/api/v1/presence`, {
      method: 'PUT',
      headers: { cookie, origin: endpoint.url, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect(away.status).toBe(200);
  });

  // A test that failed half-way must not leave the next one a node or Redis short.
  afterEach(async () => {
    await cluster.redis.start();
    await cluster.restore();
  });

  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
  });

  /** What the database holds for a conversation: [seq, client id, body], by seq. */
  async function stored(conversationId: string): Promise<[number, string | null, string][]> {
    const rows = await db
      .selectFrom('messages')
      .select(['seq', 'client_id', 'body'])
      .where('conversation_id', '=', conversationId)
      .orderBy('seq')
      .execute();
    return rows.map((r) => [Number(r.seq), r.client_id, r.body]);
  }

  const view = (log: ConversationLog) =>
    log.messages.map((m): [number, string | null, string] => [m.seq, m.clientId, m.body]);

  /** Every client's picture of every conversation equals the database's, eventually. */
  async function expectEveryoneCaughtUp(visitors: ClusterVisitor[], agent: ClusterAgent) {
    for (const visitor of visitors) {
      const id = visitor.conversationId!;
      const truth = await stored(id);
      await eventually(
        () => visitor.log.cursor >= truth.length && agent.logOf(id).cursor >= truth.length,
        () =>
          `conversation ${id}: visitor at ${visitor.log.cursor}, agent at ${agent.logOf(id).cursor}, ${truth.length} stored`,
      );
      expect(view(visitor.log)).toEqual(truth);
      expect(view(agent.logOf(id))).toEqual(truth);
      // A push may come again (a retried send, a push after the sync that fetched it); the
      // client drops it, but it must be the very message it has at that seq.
      expect(visitor.log.conflicts).toEqual([]);
      expect(agent.logOf(id).conflicts).toEqual([]);
    }
  }

  /** Each acknowledged client id is stored exactly once, and seqs run 1..n without a hole. */
  async function expectStoredOnce(visitor: ClusterVisitor, acked: string[]) {
    const rows = await stored(visitor.conversationId!);
    const ids = rows.map(([, clientId]) => clientId);
    for (const id of acked) expect(ids.filter((c) => c === id)).toHaveLength(1);
    expect(rows.map(([seq]) => seq)).toEqual(rows.map((_, i) => i + 1));
  }

  async function visitorsOnEveryNode(count: number): Promise<ClusterVisitor[]> {
    const { endpoints } = cluster;
    const credentials = await Promise.all(
      Array.from({ length: count }, (_, i) => newVisitor(endpoints[i % endpoints.length]!)),
    );
    return Promise.all(credentials.map((c, i) => new ClusterVisitor(endpoints, c, i).connect()));
  }

  it('carries a chat between a visitor on node 1 and an agent on node 3, both ways', async () => {
    const visitor = await new ClusterVisitor(
      cluster.endpoints,
      await newVisitor(cluster.endpoints[0]!),
      0,
    ).connect();
    const agent = await new ClusterAgent(cluster.endpoints, cookie, 2).connect();
    try {
      const hello = await visitor.send('Hello from node 1', 'v-1');
      const conversationId = hello.conversationId;
      await eventually(
        () => agent.logOf(conversationId).cursor === 1,
        () => 'the agent on node 3 never saw the message',
      );

      await requestOk(visitor.socket!, 'typing', { typing: true });
      await eventually(
        () => agent.typing.some((t) => t.conversationId === conversationId && t.typing),
        () => 'the agent never saw the visitor typing',
      );
      await requestOk(agent.socket!, 'typing', { conversationId, typing: true });
      await eventually(
        () => visitor.typing.includes(true),
        () => 'the visitor never saw the agent typing',
      );

      await agent.send(conversationId, 'Hello from node 3', 'a-1');
      await eventually(
        () => visitor.log.cursor === 2 && agent.logOf(conversationId).cursor === 2,
        () => 'the reply did not reach both',
      );
      expect(view(visitor.log)).toEqual([
        [1, 'v-1', 'Hello from node 1'],
        [2, 'a-1', 'Hello from node 3'],
      ]);
      expect(view(agent.logOf(conversationId))).toEqual(view(visitor.log));

      // Read receipts: each side learns how far the other has read.
      await requestOk(visitor.socket!, 'conversation:read', { seq: 2 });
      await eventually(
        () => agent.visitorReadSeq.get(conversationId) === 2,
        () => 'the agent never learnt the visitor read the reply',
      );
      await visitor.send('Thanks!', 'v-2');
      await requestOk(agent.socket!, 'conversation:read', { conversationId, seq: 3 });
      await eventually(
        () => visitor.agentReadSeq === 3,
        () => 'the visitor never learnt the agent read the thanks',
      );
    } finally {
      visitor.close();
      agent.close();
    }
  });

  it('gives 200 visitors spread over the nodes each of their messages once, in order', async () => {
    // One agent on each node (a socket may send 20 events a second; one agent is not a team).
    const agents = await Promise.all(
      [0, 1, 2].map((at) => new ClusterAgent(cluster.endpoints, cookie, at).connect()),
    );
    const started = performance.now();
    const visitors = await visitorsOnEveryNode(200);
    const connectedAt = performance.now();
    try {
      await Promise.all(
        visitors.map(async (visitor, v) => {
          await visitor.send(`v${v} first`, `v${v}-1`);
          await visitor.send(`v${v} second`, `v${v}-2`);
        }),
      );
      const sentAt = performance.now();
      await Promise.all(
        visitors.map((visitor, v) =>
          agents[v % 3]!.send(visitor.conversationId!, `reply to v${v}`, `a${v}-1`),
        ),
      );
      await Promise.all(visitors.map((visitor, v) => visitor.send(`v${v} third`, `v${v}-3`)));
      for (const agent of agents) await expectEveryoneCaughtUp(visitors, agent);
      const deliveredAt = performance.now();
      for (const [v, visitor] of visitors.entries()) {
        expect(visitor.log.messages.map((m) => m.clientId)).toEqual([
          `v${v}-1`,
          `v${v}-2`,
          `a${v}-1`,
          `v${v}-3`,
        ]);
      }
      report(
        `${engine}: 200 visitors`,
        `created and connected in ${Math.round(connectedAt - started)} ms; 400 visitor ` +
          `messages (2 each, in turn) acked in ${Math.round(sentAt - connectedAt)} ms ` +
          `(${Math.round(400 / ((sentAt - connectedAt) / 1000))} messages/s over 3 nodes); ` +
          `800 messages in all seen by all 3 agents and each visitor ` +
          `${Math.round(deliveredAt - connectedAt)} ms after the first send; sends asked to ` +
          `slow down: ${visitors.reduce((n, v) => n + v.throttled, 0)}; sent again for want of an ` +
          `answer within 5 s: ${visitors.reduce((n, v) => n + v.unanswered, 0)}; repeated pushes ` +
          `dropped by visitors: ${visitors.reduce((n, v) => n + v.log.repeats, 0)}`,
      );
    } finally {
      visitors.forEach((v) => v.close());
      agents.forEach((a) => a.close());
    }
  });

  /** Visitors send `count` messages each, a few ms apart, while `during` runs. */
  async function sendWhile(
    visitors: ClusterVisitor[],
    count: number,
    during: () => Promise<void>,
  ): Promise<string[][]> {
    const acked: string[][] = visitors.map(() => []);
    const sending = Promise.all(
      visitors.map(async (visitor, v) => {
        for (let i = 1; i <= count; i++) {
          const clientId = `load-v${v}-${i}`;
          await visitor.send(`message ${i}`, clientId);
          acked[v]!.push(clientId);
          await pause(20);
        }
      }),
    );
    sending.catch(() => {}); // when `during` fails, the closing clients end the sends
    await during();
    await sending;
    return acked;
  }

  it('loses and duplicates nothing when node 1 is killed while visitors send', async () => {
    const agent = await new ClusterAgent(cluster.endpoints, cookie, 2).connect();
    const visitors = await visitorsOnEveryNode(30);
    const onNode1 = visitors.filter((v) => v.at === 0);
    try {
      const acked = await sendWhile(visitors, 20, async () => {
        await eventually(
          () => visitors.every((v) => v.log.cursor >= 3),
          () => 'the visitors never got going',
        );
        await cluster.kill(0);
      });
      for (const [v, visitor] of visitors.entries()) await expectStoredOnce(visitor, acked[v]!);
      await expectEveryoneCaughtUp(visitors, agent);
      expect(onNode1.every((v) => v.at !== 0 && v.failovers.length === 1)).toBe(true);
      const times = onNode1.flatMap((v) => v.failovers).sort((a, b) => a - b);
      report(
        `${engine}: SIGKILL of node 1`,
        `${onNode1.length} visitors failed over; reconnect + catch-up took ` +
          `${Math.round(times[0]!)}–${Math.round(times.at(-1)!)} ms (median ${Math.round(times[times.length >> 1]!)} ms); ` +
          `gaps mended by sync: visitors ${visitors.reduce((n, v) => n + v.log.gaps, 0)}, ` +
          `agent ${[...agent.logs.values()].reduce((n, l) => n + l.gaps, 0)}`,
      );
    } finally {
      visitors.forEach((v) => v.close());
      agent.close();
      await cluster.start(0);
    }
  });

  it('loses and duplicates nothing in a rolling restart of all three nodes under load', async () => {
    const agent = await new ClusterAgent(cluster.endpoints, cookie, 2).connect();
    const visitors = await visitorsOnEveryNode(30);
    try {
      const started = performance.now();
      const steps: string[] = [];
      const acked = await sendWhile(visitors, 40, async () => {
        for (let i = 0; i < 3; i++) {
          const stopping = performance.now();
          expect(await cluster.stop(i)).toBe(0);
          const starting = performance.now();
          await cluster.start(i);
          steps.push(
            `node ${i + 1} stopped in ${Math.round(starting - stopping)} ms, ` +
              `started in ${Math.round(performance.now() - starting)} ms`,
          );
        }
      });
      report(
        `${engine}: rolling restart`,
        `3 nodes restarted one by one in ${Math.round(performance.now() - started)} ms under ` +
          `30 visitors sending (${steps.join('; ')}); failovers per visitor: ` +
          visitors.map((v) => v.failovers.length).join(','),
      );
      for (const [v, visitor] of visitors.entries()) {
        expect(acked[v]).toHaveLength(40);
        await expectStoredOnce(visitor, acked[v]!);
      }
      await expectEveryoneCaughtUp(visitors, agent);
    } finally {
      visitors.forEach((v) => v.close());
      agent.close();
    }
  });

  it('keeps accepting messages while Redis is down, and everyone catches up when it is back', async () => {
    const agent = await new ClusterAgent(cluster.endpoints, cookie, 2).connect();
    const visitors = await visitorsOnEveryNode(6);
    const onAgentsNode = visitors.find((v) => v.at === 2)!;
    try {
      for (const [v, visitor] of visitors.entries()) await visitor.send('before', `before-${v}`);
      await expectEveryoneCaughtUp(visitors, agent);

      await cluster.redis.stop();
      const stoppedAt = performance.now();
      // Sends are acknowledged with Redis gone, on every node, from both sides.
      for (let round = 1; round <= 3; round++) {
        for (const [v, visitor] of visitors.entries())
          await visitor.send(`during ${round}`, `during-${v}-${round}`);
        for (const visitor of visitors)
          await agent.send(
            visitor.conversationId!,
            `reply ${round}`,
            `reply-${visitor.at}-${round}-${visitor.credentials.visitorId}`,
          );
      }
      // The agent's node still delivers to its own visitors at once.
      await eventually(
        () => onAgentsNode.log.messages.some((m) => m.body === 'reply 3'),
        () => 'a visitor on the agent’s node did not get the reply while Redis was down',
        5000,
      );
      // Signing in counts attempts on the node alone meanwhile.
      expect(await login(cluster.endpoints[1]!)).toMatch(/=/);
      const acceptedIn = performance.now() - stoppedAt;
      await pause(Math.max(0, 10_000 - acceptedIn));
      await cluster.redis.start();
      const backAt = performance.now();

      // Nothing new is sent yet, so no pushed seq can reveal a gap: the nodes must tell.
      await expectEveryoneCaughtUp(visitors, agent);
      const caughtUpIn = performance.now() - backAt;
      for (const [v, visitor] of visitors.entries()) await visitor.send('after', `after-${v}`);
      await expectEveryoneCaughtUp(visitors, agent);
      const repeats =
        visitors.reduce((n, v) => n + v.log.repeats, 0) +
        [...agent.logs.values()].reduce((n, l) => n + l.repeats, 0);
      report(
        `${engine}: Redis down 10 s`,
        `${visitors.length * 6} messages acked during the outage in ${Math.round(acceptedIn)} ms; ` +
          `all clients caught up ${Math.round(caughtUpIn)} ms after Redis returned; ` +
          `reconnects: visitors ${visitors.map((v) => v.failovers.length).join(',')}, agent ${agent.failovers.length}; ` +
          `repeated pushes ignored: ${repeats}`,
      );
    } finally {
      visitors.forEach((v) => v.close());
      agent.close();
    }
  });

  it('holds one address to one visitor-creation budget, whichever node it reaches', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= VISITORS_PER_ADDRESS; i++) {
      const endpoint = cluster.endpoints[i % 3]!;
      const res = await fetch(`${endpoint.url}/api/v1/widget/visitors`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: SITE_ORIGIN,
          'x-forwarded-for': '192.0.2.7',
        },
        body: JSON.stringify({ siteKey: endpoint.widgetKey }),
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(VISITORS_PER_ADDRESS);
    expect(statuses.at(-1)).toBe(429);
  });

  it('counts the traffic in /metrics', async () => {
    const endpoint = cluster.endpoints[1]!;
    const scrape = async () => {
      const res = await fetch(`${endpoint.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    expect((await fetch(`${endpoint.url}/metrics`)).status).toBe(401);

    const before = await scrape();
    const visitors = await Promise.all(
      [0, 1].map(async () =>
        new ClusterVisitor([endpoint], await newVisitor(endpoint), 0).connect(),
      ),
    );
    try {
      for (const [v, visitor] of visitors.entries()) {
        await visitor.send('one', `m-${v}-1`);
        await visitor.send('two', `m-${v}-2`);
      }
      const after = await scrape();
      const sent = 'parley_messages_total{author="visitor"}';
      expect(value(after, sent) - value(before, sent)).toBe(4);
      const connected = 'parley_connected_visitors';
      expect(value(after, connected) - value(before, connected)).toBe(2);
      const acks = 'parley_ack_seconds_count{namespace="visitor",event="message:send"}';
      expect(value(after, acks) - value(before, acks)).toBe(4);
      const delivered = 'parley_delivery_seconds_count{namespace="visitor"}';
      expect(value(after, delivered)).toBeGreaterThan(value(before, delivered));
      expect(after).toMatch(/^parley_connected_agents \d+$/m);
      expect(after).toMatch(/^parley_db_pool_connections\{state="total"\} \d+$/m);
      expect(after).toMatch(/^parley_event_loop_delay_p99_seconds [\d.e-]+$/m);
    } finally {
      visitors.forEach((v) => v.close());
    }
  });

  routingScenarios(() => ({ cluster, db }));
});
