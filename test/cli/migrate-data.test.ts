/**
 * `parley migrate-data` from a seeded SQLite installation to the engine under test (PostgreSQL and
 * MariaDB in `npm run test:db`), interrupted once and resumed, then compared table by table.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, SyncResult, VisitorConversation } from '../../src/protocol/schemas';
import { migrateData } from '../../src/cli/migrate-data';
import { summarizeTable } from '../../src/cli/transfer/checksum';
import { createDb, type Db } from '../../src/server/db/database';
import { PARLEY_TABLES } from '../../src/server/db/tables';
import {
  connectAwayAgent,
  connected,
  connectVisitor,
  createVisitor,
  login,
  requestOk,
  visitorSocket,
  type VisitorCredentials,
} from '../helpers/clients';
import { runParley } from '../helpers/cli';
import { createTestDatabase, TEST_ENGINE, type TestDatabase } from '../helpers/database';
import { SITE_ORIGIN, startServer } from '../helpers/server';

let source: TestDatabase;
let target: TestDatabase;
let visitor: VisitorCredentials;
const pools: Db[] = [];

const BODIES = ['Hello! 你好，我的订单在哪里？', 'Order #1234 😀👩‍👩‍👧‍👦', 'e\u0301 𝄞 <b>not html</b>'];

/**
 * An installation with a row in every table: visitors, replies, a note, a block, sessions, a
 * refused origin.
 */
beforeAll(async () => {
  source = await createTestDatabase('sqlite');
  target = await createTestDatabase();
  // Behind a proxy, so the visitor blocked below has an address of its own to block.
  const server = await startServer(source, { trustProxy: 1 });
  visitor = await createVisitor(server);
  const widget = await connectVisitor(server, visitor);
  const agent = await connectAwayAgent(server);
  let conversationId = '';
  for (const body of BODIES) {
    const sent = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body,
    });
    conversationId = sent.message.conversationId;
    await requestOk(agent, 'message:send', {
      conversationId,
      clientId: randomUUID(),
      body: `re: ${body}`,
    });
  }
  await requestOk(agent, 'message:send', {
    conversationId,
    clientId: 'note',
    body: 'VIP',
    internal: true,
  });
  await requestOk(agent, 'conversation:read', { conversationId, seq: 2 });
  await requestOk(agent, 'conversation:resolve', { conversationId });
  for (let i = 0; i < 4; i++) {
    const other = await connectVisitor(server, await createVisitor(server));
    await requestOk(other, 'message:send', { clientId: `c${i}`, body: `visitor ${i}` });
    other.close();
  }
  const elsewhere = { 'x-forwarded-for': '203.0.113.7' };
  const blocked = await createVisitor(server, SITE_ORIGIN, elsewhere);
  await connected(visitorSocket(server, { token: blocked.token }, SITE_ORIGIN, elsewhere)).then(
    (s) => s.close(),
  );
  const cookie = await login(server);
  const res = await fetch(`${server.url}/api/v1/visitors/${blocked.visitorId}/block`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ address: true }),
  });
  expect(res.status).toBe(200);
  // A shop that embedded the widget before its origin was allowed.
  const refused = await fetch(`${server.url}/api/v1/widget/config?site=${server.widgetKey}`, {
    headers: { origin: 'https://new-shop.example' },
  });
  expect(await refused.json()).toMatchObject({ allowed: false });
  // Settings: an invitation, and an agent's recovery codes and password-reset link.
  const invite = await fetch(`${server.url}/api/v1/team/invites`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, origin: server.url },
    body: JSON.stringify({ email: 'invited@shop.test' }),
  });
  expect(invite.status).toBe(201);
  const db = server.parley.db;
  const admin = await db.selectFrom('agents').select('id').executeTakeFirstOrThrow();
  const at = new Date().toISOString();
  await db
    .insertInto('recovery_codes')
    .values({ id: randomUUID(), agent_id: admin.id, code_hash: 'a'.repeat(64), created_at: at })
    .execute();
  await db
    .insertInto('password_resets')
    .values({
      id: randomUUID(),
      agent_id: admin.id,
      token_hash: 'b'.repeat(64),
      created_at: at,
      expires_at: at,
    })
    .execute();
  // Routing: a department with the admin in it.
  const org = await db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
  const departmentId = randomUUID();
  await db
    .insertInto('departments')
    .values({
      id: departmentId,
      org_id: org.id,
      name: 'Sales',
      strategy: 'least_busy',
      created_at: at,
    })
    .execute();
  await db
    .insertInto('agent_departments')
    .values({
      id: randomUUID(),
      agent_id: admin.id,
      department_id: departmentId,
      org_id: org.id,
      created_at: at,
    })
    .execute();
  // A transfer of the conversation to that department, still waiting.
  await db
    .insertInto('transfers')
    .values({
      id: randomUUID(),
      org_id: org.id,
      conversation_id: conversationId,
      from_agent_id: admin.id,
      to_agent_id: null,
      to_department_id: departmentId,
      status: 'requested',
      accepted_by: null,
      created_at: at,
      expires_at: at,
      decided_at: null,
    })
    .execute();
  // Visitors (issue 11): a visit with a page view and a custom event, a second device's token,
  // and an invitation.
  const site = await db.selectFrom('sites').select('id').executeTakeFirstOrThrow();
  const visitId = randomUUID();
  const ofVisitor = { org_id: org.id, visitor_id: visitor.visitorId };
  await db
    .insertInto('visits')
    .values({
      ...ofVisitor,
      id: visitId,
      site_id: site.id,
      started_at: at,
      last_seen_at: at,
      ended_at: null,
      referrer: 'https://search.example/?q=鞋',
      landing_url: 'https://shop.example/鞋?utm_source=news',
      current_url: 'https://shop.example/鞋',
      current_title: 'Chaussures — 鞋 😀',
      utm_source: 'news',
      utm_medium: null,
      utm_campaign: null,
      utm_term: null,
      utm_content: null,
      address: '203.0.113.0',
    })
    .execute();
  await db
    .insertInto('page_views')
    .values({
      ...ofVisitor,
      id: randomUUID(),
      visit_id: visitId,
      url: 'https://shop.example/鞋',
      title: 'Chaussures — 鞋 😀',
      referrer: null,
      viewed_at: at,
    })
    .execute();
  await db
    .insertInto('visitor_events')
    .values({
      ...ofVisitor,
      id: randomUUID(),
      visit_id: visitId,
      name: 'cart',
      data: '{"items":2}',
      at,
    })
    .execute();
  await db
    .insertInto('visitor_tokens')
    .values({ ...ofVisitor, token_hash: 'c'.repeat(64), created_at: at, last_seen_at: at })
    .execute();
  await db
    .insertInto('invitations')
    .values({
      ...ofVisitor,
      id: randomUUID(),
      site_id: site.id,
      visit_id: visitId,
      agent_id: admin.id,
      rule_id: null,
      message: 'Besoin d’aide ? 需要帮助吗？',
      created_at: at,
      shown_at: at,
      dismissed_at: null,
      answered_at: null,
      conversation_id: null,
    })
    .execute();
  // Translation (issue 12): a message's translation, a cached answer, a glossary term and
  // the provider settings.
  const said = await db
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', conversationId)
    .where('internal', '=', 0)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('message_translations')
    .values({
      id: randomUUID(),
      message_id: said.id,
      org_id: org.id,
      conversation_id: conversationId,
      language: 'zh-Hans',
      status: 'done',
      body: '你好 😀',
      provider: 'deepl',
      attempts: 1,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto('translation_cache')
    .values({ key: 'd'.repeat(64), org_id: org.id, body: '你好 😀', created_at: at })
    .execute();
  await db
    .insertInto('glossary_terms')
    .values({ id: randomUUID(), org_id: org.id, term: 'Parley', translation: null, created_at: at })
    .execute();
  await db
    .updateTable('organizations')
    .set({ translation_settings: '{"provider":"deepl","url":"https://api.deepl.com","key":"k"}' })
    .where('id', '=', org.id)
    .execute();
  // The organization's routing row, made by the passes its new conversations ran.
  await server.parley.routing.route(org.id);
  await db
    .updateTable('org_routing')
    .set({ last_assigned_agent_id: admin.id })
    .where('org_id', '=', org.id)
    .execute();
  widget.close();
  agent.close();
  await server.close();
}, 60_000);

afterAll(async () => {
  for (const pool of pools) await pool.destroy();
  await source?.drop();
  await target?.drop();
});

async function open(url: string): Promise<Db> {
  const db = await createDb(url, { poolSize: 2 });
  pools.push(db);
  return db;
}

describe(`parley migrate-data sqlite → ${TEST_ENGINE}`, () => {
  it('moves every row, resuming after an interruption, with equal counts and checksums', async () => {
    let batches = 0;
    const interrupted = migrateData(
      {
        from: source.url,
        to: target.url,
        batchSize: 2,
        onBatch: () => {
          if (++batches === 4) throw new Error('the power went out');
        },
      },
      { err: () => {} },
    );
    await expect(interrupted).rejects.toThrow('the power went out');

    const run = await runParley([
      'migrate-data',
      '--from',
      source.url,
      '--to',
      target.url,
      '--batch-size',
      '2',
    ]);

    expect(run.stderr).toContain('Going on with the move');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('every count and checksum matches');
    const [from, to] = [await open(source.url), await open(target.url)];
    for (const { name, key } of PARLEY_TABLES) {
      const rows = async (db: Db) =>
        (await db.selectFrom(name).selectAll().execute()).sort((a, b) =>
          String((a as Record<string, unknown>)[key]) < String((b as Record<string, unknown>)[key])
            ? -1
            : 1,
        );
      const [expected, got] = [await rows(from), await rows(to)];
      expect(got, name).toEqual(expected);
      expect(expected.length, `${name} has rows to move`).toBeGreaterThan(0);
      const summary = await summarizeTable(to, name, key);
      expect(summary).toEqual(await summarizeTable(from, name, key));
      expect(run.stdout).toMatch(
        new RegExp(`${name}\\s+${summary.rows}\\s+${summary.checksum}\\s+ok`),
      );
    }
  }, 60_000);

  it('serves the moved installation: the visitor’s history is there, in order, byte for byte', async () => {
    const server = await startServer(target);
    try {
      const widget = await connectVisitor(server, visitor);
      const history = await requestOk<SyncResult<VisitorConversation>>(
        widget,
        'conversation:sync',
        {
          afterSeq: 0,
        },
      );
      widget.close();
      expect(history.conversation).toMatchObject({ status: 'resolved', lastSeq: 7 });
      expect(history.messages.map((m) => m.body)).toEqual(BODIES.flatMap((b) => [b, `re: ${b}`]));
    } finally {
      await server.close();
    }
  });

  it('refuses to move into a database that already holds an installation', async () => {
    const run = await runParley(['migrate-data', '--from', source.url, '--to', target.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[database_not_empty]');
  });
});
