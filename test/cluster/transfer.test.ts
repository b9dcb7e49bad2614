/**
 * Transfers across nodes: the request on one node reaches the department's members on the
 * others, and two members accepting at the same instant on two nodes leave one assignee.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/server/db/database';
import type { AckResult } from '../../src/protocol/events';
import type { Message } from '../../src/protocol/schemas';
import type { Transfer } from '../../src/protocol/transfer-schemas';
import {
  connectAgent,
  connectVisitor,
  login,
  nextEvent,
  request,
  requestOk,
  type AgentSocket,
} from '../helpers/clients';
import { createAgent } from '../helpers/factories';
import { CLUSTER_ENGINES, newVisitor, startCluster, type Cluster } from './cluster';

const PASSWORD = 'a long enough password';

describe.each(CLUSTER_ENGINES)('transfers on two nodes on %s and Redis', (engine) => {
  let cluster: Cluster;
  let db: Db;
  const sockets: { close(): void }[] = [];

  beforeAll(async () => {
    cluster = await startCluster(engine, 2);
    db = await createDb(cluster.database.url, { poolSize: 2 });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await db?.destroy();
    await cluster?.close();
  });

  /** A new agent of the organization, signed in on node `node` (0 or 1). */
  async function agentOn(node: number, name: string, orgId: string) {
    const email = `${name}-${randomUUID().slice(0, 8)}@shop.test`;
    const id = await createAgent(db, orgId, { email, password: PASSWORD, role: 'agent' });
    // Away: routing leaves the chat unassigned, so any agent may transfer it.
    await db.updateTable('agents').set({ chosen_status: 'away' }).where('id', '=', id).execute();
    const endpoint = cluster.endpoints[node]!;
    const socket: AgentSocket = await connectAgent(
      endpoint,
      await login(endpoint, { email, password: PASSWORD }),
    );
    sockets.push(socket);
    return { id, socket };
  }

  it('reaches the members on the other node, and of two accepting at once on two nodes one wins', async () => {
    const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const ana = await agentOn(0, 'ana', org.id);
    const bo = await agentOn(1, 'bo', org.id);
    const cy = await agentOn(0, 'cy', org.id);
    const departmentId = randomUUID();
    const at = new Date().toISOString();
    await db
      .insertInto('departments')
      .values({
        id: departmentId,
        org_id: org.id,
        name: 'Sales',
        strategy: 'round_robin',
        created_at: at,
      })
      .execute();
    for (const member of [bo, cy]) {
      await db
        .insertInto('agent_departments')
        .values({
          id: randomUUID(),
          agent_id: member.id,
          department_id: departmentId,
          org_id: org.id,
          created_at: at,
        })
        .execute();
    }
    const widget = await connectVisitor(
      cluster.endpoints[1]!,
      await newVisitor(cluster.endpoints[1]!),
    );
    sockets.push(widget);
    const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body: 'Hello from node 2',
    });
    const conversationId = message.conversationId;

    const told = [bo, cy].map((member) => nextEvent<Transfer>(member.socket, 'transfer:requested'));
    const { transfer } = await requestOk<{ transfer: Transfer }>(ana.socket, 'transfer:request', {
      conversationId,
      toDepartmentId: departmentId,
      note: 'Sales question',
    });
    for (const heard of await Promise.all(told)) expect(heard.id).toBe(transfer.id);

    const acks: AckResult<unknown>[] = await Promise.all(
      [bo, cy].map((member) =>
        request(member.socket, 'transfer:accept', { transferId: transfer.id }),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
    expect(acks.map((ack) => (ack.ok ? 'ok' : ack.error.code)).sort()).toEqual([
      'ok',
      'transfer_not_pending',
    ]);
    const winner = acks[0]!.ok ? bo.id : cy.id;
    const row = await db
      .selectFrom('conversations')
      .select('assignee_id')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect(row.assignee_id).toBe(winner);
    const joined = await db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('meta', 'like', '%"joined"%')
      .execute();
    expect(joined).toHaveLength(1);
  });
});
