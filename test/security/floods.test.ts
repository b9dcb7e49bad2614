/**
 * Finding 3: the only message limit was per socket, so one visitor with ten sockets stored
 * ~14,000 messages a minute, reconnecting refilled the bucket, and ~200 `typing` events a second
 * reached every agent. Limits now hold per visitor (across sockets and reconnects), per address
 * and per site, and typing is coalesced before it reaches agents.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AckResult } from '../../src/protocol/events';
import type { Message } from '../../src/protocol/schemas';
import { DEFAULT_LIMITS, type Config } from '../../src/server/env';
import {
  collect,
  connectAgent,
  connected,
  createVisitor,
  login,
  request,
  visitorSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from '../helpers/clients';
import { SITE_ORIGIN, startServer, type TestServer } from '../helpers/server';

let server: TestServer;
const sockets: { close(): void }[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await server.close();
});

async function start(limits: Partial<Config['limits']> = {}, overrides: Partial<Config> = {}) {
  server = await startServer(undefined, { limits: { ...DEFAULT_LIMITS, ...limits }, ...overrides });
}

async function open(visitor: VisitorCredentials, headers: Record<string, string> = {}) {
  const socket = visitorSocket(server, { token: visitor.token }, SITE_ORIGIN, headers);
  sockets.push(socket);
  return connected(socket);
}

function send(socket: VisitorSocket, body = 'hi'): Promise<AckResult<{ message: Message }>> {
  return request(socket, 'message:send', { clientId: randomUUID(), body });
}

async function storedCount(): Promise<number> {
  return (await server.parley.db.selectFrom('messages').select('id').execute()).length;
}

describe('messages from one visitor', () => {
  it('are limited per visitor across all their sockets, and the refused are not stored', async () => {
    await start({ visitorMessagesPerMinute: 60 });
    const visitor = await createVisitor(server);
    const tabs = await Promise.all(Array.from({ length: 10 }, () => open(visitor)));

    const acks = await Promise.all(
      tabs.flatMap((tab) => Array.from({ length: 40 }, () => send(tab))),
    );

    const accepted = acks.filter((a) => a.ok);
    const refused = acks.filter((a) => !a.ok);
    // A burst of 10 (ten seconds' worth), plus what refills while the test runs.
    expect(accepted.length).toBeGreaterThanOrEqual(10);
    expect(accepted.length).toBeLessThanOrEqual(15);
    for (const ack of refused) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      if (!ack.ok) expect(ack.error.retryAfter).toBeGreaterThanOrEqual(1);
    }
    expect(await storedCount()).toBe(accepted.length);
  });

  it('do not get a fresh budget by reconnecting', async () => {
    await start({ visitorMessagesPerMinute: 60 });
    const visitor = await createVisitor(server);
    let socket = await open(visitor);
    const first = await Promise.all(Array.from({ length: 10 }, () => send(socket)));
    expect(first.every((a) => a.ok)).toBe(true);

    socket.close();
    socket = await open(visitor);
    const again = await Promise.all(Array.from({ length: 10 }, () => send(socket)));

    expect(again.filter((a) => a.ok).length).toBeLessThanOrEqual(2);
  });

  it('follow the limit a site sets for its visitors', async () => {
    await start();
    const cookie = await login(server);
    const { sites } = (await (
      await fetch(`${server.url}/api/v1/sites`, { headers: { cookie } })
    ).json()) as { sites: { id: string }[] };
    const res = await fetch(`${server.url}/api/v1/sites/${sites[0]!.id}`, {
      method: 'PATCH',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: JSON.stringify({ visitorMessagesPerMinute: 6 }),
    });
    expect(res.status).toBe(200);

    const socket = await open(await createVisitor(server));
    const acks = await Promise.all(Array.from({ length: 3 }, () => send(socket)));

    // Six a minute: a burst of one.
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
  });
});

describe('messages from one address and one site', () => {
  it('are limited per address, across visitors', async () => {
    await start({ addressMessagesPerMinute: 30 });
    const tabs = await Promise.all(
      Array.from({ length: 5 }, async () => open(await createVisitor(server))),
    );

    const acks = await Promise.all(
      tabs.flatMap((tab) => Array.from({ length: 5 }, () => send(tab))),
    );

    // Thirty a minute from 127.0.0.1: a burst of five, whoever sends them.
    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(7);
    expect(await storedCount()).toBe(acks.filter((a) => a.ok).length);
  });

  it('are limited per site, across addresses', async () => {
    await start({ siteMessagesPerMinute: 12 }, { trustProxy: 1 });
    const tabs = await Promise.all(
      Array.from({ length: 6 }, async (_, i) =>
        open(await createVisitor(server), { 'x-forwarded-for': `198.51.100.${i}` }),
      ),
    );

    const acks = await Promise.all(tabs.flatMap((tab) => [send(tab), send(tab)]));

    expect(acks.filter((a) => a.ok).length).toBeLessThanOrEqual(3);
  });
});

describe('typing', () => {
  it('reaches agents at most a few times a second, however fast a visitor sends it', async () => {
    await start();
    const visitor = await createVisitor(server);
    const tabs = await Promise.all(Array.from({ length: 10 }, () => open(visitor)));
    expect((await send(tabs[0]!)).ok).toBe(true); // typing needs a conversation
    const agent = await connectAgent(server);
    sockets.push(agent);
    const heard = collect<{ typing: boolean }>(agent, 'typing');

    let last = false;
    for (let round = 0; round < 40; round++) {
      last = round % 2 === 0;
      for (const tab of tabs) tab.emit('typing', { typing: last });
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));

    expect(heard.length).toBeLessThanOrEqual(4);
    // The last state sent is the one agents are left with.
    expect(heard.at(-1)?.typing).toBe(last);
  });
});
