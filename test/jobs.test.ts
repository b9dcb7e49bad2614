/**
 * Jobs in the running server: a job's system messages take their seq among everyone else's, and
 * a job that fails for good is logged, counted, and shown to its organization's owners and
 * admins — and to nobody else.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FailedJobPage, Message } from '../src/protocol/schemas';
import {
  enqueueSystemMessage,
  SYSTEM_MESSAGE_JOB,
} from '../src/server/modules/messages/messages.jobs';
import {
  collect,
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  login,
  requestOk,
  eventually,
  seqsAfterFirst,
  writeAtOnce,
  type AgentSocket,
  type VisitorSocket,
} from './helpers/clients';
import { createAgent, createOrganization } from './helpers/factories';
import { startServer, type TestServer } from './helpers/server';

const METRICS_TOKEN = 'metrics-token-for-the-tests';
let server: TestServer;
let orgId: string;

beforeEach(async () => {
  server = await startServer(undefined, { metricsToken: METRICS_TOKEN });
  orgId = (
    await server.parley.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()
  ).id;
});

afterEach(async () => {
  await server.close();
});

async function jobStatuses(): Promise<string[]> {
  const rows = await server.parley.db
    .selectFrom('jobs')
    .select('status')
    .where('type', '=', SYSTEM_MESSAGE_JOB)
    .execute();
  return rows.map((r) => r.status);
}

describe('system messages from jobs', () => {
  let widget: VisitorSocket;
  let agent: AgentSocket;

  afterEach(() => {
    widget.close();
    agent.close();
  });

  it('interleave with a visitor and an agent writing: every client sees one gap-free sequence, each message once', async () => {
    widget = await connectVisitor(server, await createVisitor(server));
    agent = await connectAwayAgent(server);
    const { message: first } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body: 'Hello',
    });
    const conversationId = first.conversationId;
    const visitorHears = collect<Message>(widget, 'message:new');
    const agentHears = collect<Message>(agent, 'message:new');

    // System messages from jobs, half enqueued in a transaction of their own, as a feature
    // enqueues them with its change.
    const job = (i: number) =>
      i % 2 === 0
        ? enqueueSystemMessage(server.parley.jobs, server.parley.db, {
            orgId,
            conversationId,
            body: `s${i}`,
          })
        : server.parley.db.transaction().execute((trx) =>
            enqueueSystemMessage(server.parley.jobs, trx, {
              orgId,
              conversationId,
              body: `s${i}`,
            }),
          );
    await writeAtOnce(15, widget, agent, conversationId, job);
    await eventually(async () => expect(await jobStatuses()).toEqual(Array(15).fill('done')));

    const total = 1 + 15 * 3;
    const later = Array.from({ length: total - 1 }, (_, i) => i + 2);
    await eventually(() => expect(seqsAfterFirst(visitorHears)).toEqual(later));
    await eventually(() => expect(seqsAfterFirst(agentHears)).toEqual(later));
    for (const socket of [widget, agent]) {
      const sync = await requestOk<{ messages: Message[] }>(socket, 'conversation:sync', {
        conversationId,
        afterSeq: 0,
      });
      expect(sync.messages.map((m) => m.seq)).toEqual([1, ...later]);
      const system = sync.messages.filter((m) => m.author.type === 'system');
      expect(system.map((m) => m.body).sort()).toEqual(
        Array.from({ length: 15 }, (_, i) => `s${i}`).sort(),
      );
    }
  });
});

describe('failed jobs', () => {
  async function failedPage(cookie: string | undefined, query = '') {
    const res = await fetch(`${server.url}/api/v1/jobs/failed${query}`, {
      headers: cookie ? { cookie } : {},
    });
    return { status: res.status, body: (await res.json()) as FailedJobPage & { error?: unknown } };
  }

  it('end as failed without stopping the server, are counted, and only their organization’s owners and admins see them', async () => {
    const other = await createOrganization(
      server.parley.db,
      'other',
      { email: 'owner@other.test', password: 'a long enough password' },
      'http://other.test',
    );
    await createAgent(server.parley.db, orgId, {
      email: 'agent@shop.test',
      password: 'a long enough password',
      role: 'agent',
    });
    // Conversations that do not exist: the rules refuse, so each fails at its first attempt.
    const ours = [];
    for (let i = 0; i < 3; i++) {
      ours.push(
        await enqueueSystemMessage(server.parley.jobs, server.parley.db, {
          orgId,
          conversationId: randomUUID(),
          body: `lost ${i}`,
        }),
      );
    }
    const theirs = await enqueueSystemMessage(server.parley.jobs, server.parley.db, {
      orgId: other.orgId,
      conversationId: randomUUID(),
      body: 'theirs',
    });
    await eventually(async () => expect(await jobStatuses()).toEqual(Array(4).fill('failed')));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const owner = await login(server);
    const page1 = await failedPage(owner, '?limit=2');
    expect(page1.status).toBe(200);
    expect(page1.body.jobs.map((j) => j.id)).toEqual([ours[2], ours[1]]);
    expect(page1.body.jobs[0]).toMatchObject({
      type: 'conversation.system-message',
      attempts: 1,
      lastError: 'Error: Conversation not found',
    });
    const page2 = await failedPage(owner, `?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body).toMatchObject({ jobs: [{ id: ours[0] }], nextCursor: null });

    const otherOwner = await login(server, {
      email: 'owner@other.test',
      password: 'a long enough password',
    });
    expect((await failedPage(otherOwner)).body.jobs.map((j) => j.id)).toEqual([theirs]);

    const agentCookie = await login(server, {
      email: 'agent@shop.test',
      password: 'a long enough password',
    });
    expect(await failedPage(agentCookie)).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });
    expect(await failedPage(undefined)).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect(await failedPage(owner, "?cursor=' or 1=1 --")).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_payload' } },
    });

    const metrics = await (
      await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      })
    ).text();
    expect(metrics).toContain(
      'parley_jobs_total{type="conversation.system-message",outcome="failed"} 4',
    );
    expect(metrics).toContain('parley_jobs_queued 0');
  });
});
