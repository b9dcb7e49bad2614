/**
 * Finding 4: 520 visitors from 20 addresses, one message each, pushed a real customer out of the
 * agents' list, which stopped at 500 with no paging. Lists now page with cursors; agents can block
 * a visitor (and their address); and one address can open only so many conversations an hour.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../src/protocol/schemas';
import { DEFAULT_LIMITS, type Config } from '../../src/server/env';
import {
  agentSocket,
  connected,
  createVisitor,
  login,
  request,
  requestOk,
  visitorSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from '../helpers/clients';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';

let server: TestServer;
let cookie: string;
const sockets: { close(): void }[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server.close();
});

async function start(limits: Partial<Config['limits']> = {}) {
  server = await startServer(undefined, {
    trustProxy: 1,
    limits: { ...DEFAULT_LIMITS, ...limits },
  });
  cookie = await login(server);
}

const from = (address: string) => ({ 'x-forwarded-for': address });

async function newVisitor(address: string): Promise<VisitorCredentials> {
  return createVisitor(server, SITE_ORIGIN, from(address));
}

async function open(visitor: VisitorCredentials, address: string): Promise<VisitorSocket> {
  const socket = visitorSocket(server, { token: visitor.token }, SITE_ORIGIN, from(address));
  sockets.push(socket);
  return connected(socket);
}

async function say(socket: VisitorSocket, body: string) {
  return request<{ message: Message }>(socket, 'message:send', { clientId: randomUUID(), body });
}

interface Page {
  conversations: Conversation[];
  nextCursor: string | null;
}

async function restPage(status: string, cursor?: string): Promise<Page> {
  const query = new URLSearchParams({ status, ...(cursor ? { cursor } : {}) });
  const res = await fetch(`${server.url}/api/v1/conversations?${query}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

async function allPages(fetchPage: (cursor?: string) => Promise<Page>): Promise<Conversation[]> {
  const all: Conversation[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await fetchPage(cursor);
    all.push(...page.conversations);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
  throw new Error('the list never ended');
}

async function openConversationIds(): Promise<string[]> {
  return (await allPages((cursor) => restPage('open', cursor))).map((c) => c.id);
}

describe('an inbox flooded by 520 visitors', () => {
  it('still shows the real customer, page by page, over REST and the socket', async () => {
    await start({ addressConversationsPerHour: 1000 });
    const customer = await open(await newVisitor('203.0.113.1'), '203.0.113.1');
    const real = await say(customer, 'Where is my order?');
    if (!real.ok) throw new Error('the customer could not write');

    for (let batch = 0; batch < 26; batch++) {
      await Promise.all(
        Array.from({ length: 20 }, async (_, a) => {
          const address = `198.51.100.${a}`;
          const socket = await open(await newVisitor(address), address);
          expect((await say(socket, 'spam')).ok).toBe(true);
          socket.close();
        }),
      );
    }

    const overRest = await openConversationIds();
    expect(overRest).toHaveLength(521);
    expect(new Set(overRest).size).toBe(521);
    expect(overRest).toContain(real.data.message.conversationId);

    // Away before the console connects: routing hands out nothing while the two lists are read.
    const away = await fetch(`${server.url}/api/v1/presence`, {
      method: 'PUT',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect(away.status).toBe(200);
    const agent = await connected(agentSocket(server, cookie, server.url));
    sockets.push(agent);
    const overSocket = await allPages((cursor) =>
      requestOk<Page>(agent, 'conversation:list', { status: 'open', cursor }),
    );
    expect(overSocket.map((c) => c.id)).toEqual(overRest);
  });

  it('pages of at most the asked size, newest first', async () => {
    await start();
    for (let i = 0; i < 5; i++) {
      const address = `198.51.100.${i}`;
      expect((await say(await open(await newVisitor(address), address), `hi ${i}`)).ok).toBe(true);
    }
    const res = await fetch(`${server.url}/api/v1/conversations?status=open&limit=2`, {
      headers: { cookie },
    });
    const page = (await res.json()) as Page;
    expect(page.conversations.map((c) => c.lastMessage?.body)).toEqual(['hi 4', 'hi 3']);
    expect(page.nextCursor).toEqual(expect.any(String));

    const bad = await fetch(`${server.url}/api/v1/conversations?status=open&cursor=forged`, {
      headers: { cookie },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_payload' } });
  });
});

describe('new conversations per address', () => {
  it('are capped per hour, and nothing of the refused is stored', async () => {
    await start({ addressConversationsPerHour: 5 });
    const acks = [];
    for (let i = 0; i < 6; i++) {
      acks.push(await say(await open(await newVisitor('198.51.100.7'), '198.51.100.7'), 'hi'));
    }
    expect(acks.slice(0, 5).every((a) => a.ok)).toBe(true);
    expect(acks[5]).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(await openConversationIds()).toHaveLength(5);

    // Someone already chatting is not held up by the cap, nor is another address.
    const first = sockets[0] as VisitorSocket;
    expect((await say(first, 'still here')).ok).toBe(true);
    expect((await say(await open(await newVisitor('198.51.100.8'), '198.51.100.8'), 'hi')).ok).toBe(
      true,
    );
  });
});

describe('blocking a visitor', () => {
  async function block(visitorId: string, body: unknown) {
    return fetch(`${server.url}/api/v1/visitors/${visitorId}/block`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('stops their messages at the door and hides their conversations', async () => {
    await start();
    const spammer = await newVisitor('198.51.100.9');
    const socket = await open(spammer, '198.51.100.9');
    const sent = await say(socket, 'buy cheap watches');
    if (!sent.ok) throw new Error('could not write');
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));

    const res = await block(spammer.visitorId, { address: false });

    expect(res.status).toBe(200);
    await gone;
    const again = visitorSocket(
      server,
      { token: spammer.token },
      SITE_ORIGIN,
      from('198.51.100.9'),
    );
    sockets.push(again);
    await expect(connected(again)).rejects.toMatchObject({ data: { code: 'forbidden' } });
    expect(await openConversationIds()).toEqual([]);
    const blocked = await restPage('blocked');
    expect(blocked.conversations.map((c) => c.id)).toEqual([sent.data.message.conversationId]);
    expect(blocked.conversations[0]?.visitor.blocked).toBe(true);
    // Another visitor of the same address is not affected.
    expect((await say(await open(await newVisitor('198.51.100.9'), '198.51.100.9'), 'hi')).ok).toBe(
      true,
    );
  });

  it('with their address refuses new visitors and connections from it, until unblocked', async () => {
    await start();
    const spammer = await newVisitor('198.51.100.10');
    const neighbour = await newVisitor('198.51.100.10');
    expect((await say(await open(spammer, '198.51.100.10'), 'spam')).ok).toBe(true);

    expect((await block(spammer.visitorId, { address: true })).status).toBe(200);

    await expect(newVisitor('198.51.100.10')).rejects.toThrow(/403/);
    const refused = visitorSocket(
      server,
      { token: neighbour.token },
      SITE_ORIGIN,
      from('198.51.100.10'),
    );
    sockets.push(refused);
    await expect(connected(refused)).rejects.toMatchObject({ data: { code: 'forbidden' } });
    expect(
      (await say(await open(await newVisitor('198.51.100.11'), '198.51.100.11'), 'hi')).ok,
    ).toBe(true);

    const unblock = await fetch(`${server.url}/api/v1/visitors/${spammer.visitorId}/block`, {
      method: 'DELETE',
      headers: { cookie, origin: server.url },
    });
    expect(unblock.status).toBe(204);
    expect((await say(await open(spammer, '198.51.100.10'), 'sorry')).ok).toBe(true);
    expect(await newVisitor('198.51.100.10')).toMatchObject({ token: expect.any(String) });
  });

  it('is refused for a visitor of another organization', async () => {
    await start();
    const res = await block(randomUUID(), { address: true });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
