/**
 * Presence on two nodes sharing a database and Redis: an agent's "last tab" is counted across
 * nodes, so a tab still open on node 2 keeps them online when their tab on node 1 closes.
 */
import { setTimeout as pause } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/server/db/database';
import type { PresenceStatus } from '../../src/protocol/routing-schemas';
import { collect, connectAgent, login } from '../helpers/clients';
import { createAgent } from '../helpers/factories';
import { CLUSTER_ENGINES, startCluster, type Cluster } from './cluster';
import { eventually } from './failover-client';

const GRACE_MS = 1000;
const PASSWORD = 'a long enough password';

describe.each(CLUSTER_ENGINES)('presence on two nodes on %s and Redis', (engine) => {
  let cluster: Cluster;
  let db: Db;

  beforeAll(async () => {
    cluster = await startCluster(engine, 2, { PARLEY_PRESENCE_GRACE_MS: String(GRACE_MS) });
    db = await createDb(cluster.database.url, { poolSize: 2 });
  });

  afterAll(async () => {
    await db?.destroy();
    await cluster?.close();
  });

  const stored = async (agentId: string): Promise<PresenceStatus> =>
    (
      await db
        .selectFrom('agents')
        .select('presence')
        .where('id', '=', agentId)
        .executeTakeFirstOrThrow()
    ).presence;

  it("keeps an agent online while a tab on node 2 is open after node 1's closes", async () => {
    const one = cluster.endpoints[0]!;
    const two = cluster.endpoints[1]!;
    const { id: orgId } = await db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    const nadia = await createAgent(db, orgId, {
      email: 'nadia@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    const colleague = await connectAgent(two, await login(two));
    const heard = collect<{ agentId: string; presence: PresenceStatus }>(
      colleague,
      'agent:presence',
    );
    const seen = () => heard.filter((p) => p.agentId === nadia).map((p) => p.presence);
    const cookie = await login(one, { email: 'nadia@shop.test', password: PASSWORD });
    const onNodeOne = await connectAgent(one, cookie);
    const onNodeTwo = await connectAgent(two, cookie);
    try {
      await eventually(
        () => seen().length === 1,
        () => `the colleague on node 2 saw ${JSON.stringify(seen())}`,
      );
      expect(seen()).toEqual(['online']);

      onNodeOne.close();
      // Node 1's grace timer runs out and asks node 2 through Redis: a tab is still open there.
      await pause(GRACE_MS * 3);
      expect(await stored(nadia)).toBe('online');
      expect(seen()).toEqual(['online']);

      onNodeTwo.close();
      await eventually(
        async () => (await stored(nadia)) === 'offline' && seen().length === 2,
        () => `stored ${JSON.stringify(seen())}`,
      );
      expect(seen()).toEqual(['online', 'offline']);
    } finally {
      onNodeOne.close();
      onNodeTwo.close();
      colleague.close();
    }
  });

  it('turns offline an agent whose only tab was on a node that died', async () => {
    const one = cluster.endpoints[0]!;
    const two = cluster.endpoints[1]!;
    const { id: orgId } = await db
      .selectFrom('organizations')
      .select('id')
      .executeTakeFirstOrThrow();
    const omar = await createAgent(db, orgId, {
      email: 'omar@shop.test',
      password: PASSWORD,
      role: 'agent',
    });
    const colleague = await connectAgent(two, await login(two));
    const heard = collect<{ agentId: string; presence: PresenceStatus }>(
      colleague,
      'agent:presence',
    );
    const seen = () => heard.filter((p) => p.agentId === omar).map((p) => p.presence);
    const tab = await connectAgent(
      one,
      await login(one, { email: 'omar@shop.test', password: PASSWORD }),
    );
    try {
      await eventually(
        async () => (await stored(omar)) === 'online',
        () => 'never online',
      );
      // Its grace timer dies with it: the periodic sweep on the node left must notice.
      await cluster.kill(0);
      await eventually(
        async () => (await stored(omar)) === 'offline' && seen().at(-1) === 'offline',
        () => `stored ${JSON.stringify(seen())}`,
        100_000,
      );
    } finally {
      tab.close();
      colleague.close();
      await cluster.start(0);
    }
  }, 180_000);
});
