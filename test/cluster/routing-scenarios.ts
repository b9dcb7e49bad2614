/**
 * Routing across three nodes (issue 10): capacity holds when conversations arrive everywhere at
 * once, and two claims of one conversation at the same instant leave one assignee. Run from
 * cluster.test.ts on its cluster, in an organization of their own (the suite's other tests leave
 * conversations waiting in the seeded one).
 */
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { Db } from '../../src/server/db/database';
import { api, codeOf } from '../helpers/api';
import { login } from '../helpers/clients';
import { createAgent, createOrganization } from '../helpers/factories';
import { SITE_ORIGIN, type ServerEndpoint } from '../helpers/server';
import { newVisitor, type Cluster } from './cluster';
import { ClusterVisitor, eventually } from './failover-client';

const PASSWORD = 'a long enough password';
const MAX_CHATS = 15;

export function routingScenarios(context: () => { cluster: Cluster; db: Db }): void {
  /** A new organization whose three agents are online with room for MAX_CHATS each. */
  async function team(db: Db, endpoints: ServerEndpoint[]) {
    const name = `routing-${randomUUID().slice(0, 8)}`;
    const owner = { email: `owner@${name}.test`, password: PASSWORD };
    const { orgId, widgetKey } = await createOrganization(db, name, owner, SITE_ORIGIN);
    const agents: string[] = [];
    for (const n of [1, 2, 3]) {
      const email = `agent${n}@${name}.test`;
      agents.push(await createAgent(db, orgId, { email, password: PASSWORD, role: 'agent' }));
    }
    // Presence is the presence module's job; routing reads the column, so it is set here.
    await db
      .updateTable('agents')
      .set({ presence: 'online', max_chats: MAX_CHATS })
      .where('id', 'in', agents)
      .execute();
    const ours = endpoints.map((e) => ({ url: e.url, widgetKey }));
    return { orgId, owner, agents, endpoints: ours, name };
  }

  it('gives no agent more than their maximum when 60 conversations arrive at once on three nodes', async () => {
    const { cluster, db } = context();
    const { orgId, agents, endpoints, name } = await team(db, cluster.endpoints);
    const credentials = await Promise.all(
      Array.from({ length: 60 }, (_, i) => newVisitor(endpoints[i % 3]!)),
    );
    const visitors = await Promise.all(
      credentials.map((c, i) => new ClusterVisitor(endpoints, c, i).connect()),
    );
    try {
      await Promise.all(visitors.map((v, i) => v.send('Hello', `first-${i}`)));
      const loads = async () => {
        const rows = await db
          .selectFrom('conversations')
          .select((eb) => ['assignee_id', eb.fn.countAll<number>().as('n')])
          .where('org_id', '=', orgId)
          .where('assignee_id', 'is not', null)
          .groupBy('assignee_id')
          .execute();
        return Object.fromEntries(rows.map((r) => [r.assignee_id!, Number(r.n)]));
      };
      let seen: Record<string, number> = {};
      await eventually(
        async () => {
          seen = await loads();
          const assigned = Object.values(seen).reduce((a, b) => a + b, 0);
          return assigned >= 3 * MAX_CHATS || over(seen);
        },
        () => `loads never reached ${MAX_CHATS} each: ${JSON.stringify(seen)}`,
      );
      expect(await loads()).toEqual(Object.fromEntries(agents.map((id) => [id, MAX_CHATS])));
      const waiting = await db
        .selectFrom('conversations')
        .select('id')
        .where('org_id', '=', orgId)
        .where('queued_at', 'is not', null)
        .where('assignee_id', 'is', null)
        .execute();
      expect(waiting).toHaveLength(60 - 3 * MAX_CHATS);
      // One reason per assignment: nobody was assigned twice.
      const reasons = await db
        .selectFrom('messages')
        .select('conversation_id')
        .where('org_id', '=', orgId)
        .where('meta', 'like', '%"kind":"assignment"%')
        .execute();
      expect(new Set(reasons.map((r) => r.conversation_id)).size).toBe(reasons.length);
      expect(reasons).toHaveLength(3 * MAX_CHATS);

      // Two agents (room to spare) claim one waiting conversation at once, on nodes 1 and 2.
      const claimers = [];
      for (const n of [4, 5]) {
        const email = `agent${n}@${name}.test`;
        claimers.push(await createAgent(db, orgId, { email, password: PASSWORD, role: 'agent' }));
      }
      const cookies = await Promise.all(
        [4, 5].map((n) =>
          login(endpoints[0]!, { email: `agent${n}@${name}.test`, password: PASSWORD }),
        ),
      );
      const target = waiting[0]!.id;
      const replies = await Promise.all(
        cookies.map((cookie, i) =>
          api(endpoints[i]!, cookie, 'POST', `/api/v1/conversations/${target}/claim`),
        ),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(codeOf(replies.find((r) => r.status === 409)!)).toBe('already_assigned');
      const winner = claimers[replies.findIndex((r) => r.status === 200)];
      const row = await db
        .selectFrom('conversations')
        .select('assignee_id')
        .where('id', '=', target)
        .executeTakeFirstOrThrow();
      expect(row.assignee_id).toBe(winner);
      const claims = await db
        .selectFrom('messages')
        .select('meta')
        .where('conversation_id', '=', target)
        .where('meta', 'like', '%"kind":"claimed"%')
        .execute();
      expect(claims).toHaveLength(1);
    } finally {
      visitors.forEach((v) => v.close());
    }
  });
}

/** Someone went past their maximum: stop waiting, the assertion after says who. */
function over(loads: Record<string, number>): boolean {
  return Object.values(loads).some((n) => n > MAX_CHATS);
}
