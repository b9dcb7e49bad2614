import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/protocol/schemas';
import {
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  requestOk,
} from './helpers/clients';
import { createTestDatabase } from './helpers/database';
import { endpointOf, freePort, spawnServer } from './helpers/process';
import { ADMIN, startServer, type TestServer } from './helpers/server';

const TOKEN = 'metrics-token-for-the-tests';
let server: TestServer;

afterEach(async () => {
  await server.close();
});

async function scrape(token = TOKEN): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, text: await res.text() };
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('/metrics', () => {
  it('exists only with a token, and refuses a wrong one', async () => {
    server = await startServer();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    await server.close();
    server = await startServer(undefined, { metricsToken: TOKEN });
    expect((await scrape('wrong-token-of-the-same-len')).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it('moves with the traffic: messages, events, acks and sockets', async () => {
    server = await startServer(undefined, { metricsToken: TOKEN });
    const before = (await scrape()).text;
    const widget = await connectVisitor(server, await createVisitor(server));
    const agent = await connectAwayAgent(server);
    for (let i = 0; i < 3; i++) {
      await requestOk(widget, 'message:send', { clientId: randomUUID(), body: `hi ${i}` });
    }

    const after = (await scrape()).text;
    expect(value(after, 'parley_messages_total{author="visitor"}')).toBe(
      value(before, 'parley_messages_total{author="visitor"}') + 3,
    );
    expect(
      value(
        after,
        'parley_realtime_events_total{namespace="visitor",event="message:send",outcome="ok"}',
      ),
    ).toBe(3);
    expect(value(after, 'parley_ack_seconds_count{namespace="visitor",event="message:send"}')).toBe(
      3,
    );
    expect(value(after, 'parley_connected_sockets{namespace="visitor"}')).toBe(1);
    expect(value(after, 'parley_connected_sockets{namespace="agent"}')).toBe(1);
    expect(after).toMatch(/^parley_event_loop_delay_p99_seconds \d/m);
    widget.close();
    agent.close();
  });
});

describe('after-commit listeners', () => {
  it('that throw or reject are logged and counted, and lose no acknowledged message', async () => {
    server = await startServer(undefined, { metricsToken: TOKEN });
    server.parley.events.on('message.created', () => {
      throw new Error('a listener that throws');
    });
    server.parley.events.on('message.created', () => Promise.reject(new Error('one that rejects')));
    const widget = await connectVisitor(server, await createVisitor(server));
    const agent = await connectAwayAgent(server);
    const heard = nextEvent<Message>(agent, 'message:new');

    const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
      clientId: randomUUID(),
      body: 'still delivered',
    });

    expect(message.body).toBe('still delivered');
    expect((await heard).id).toBe(message.id);
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      value((await scrape()).text, 'parley_listener_failures_total{event="message.created"}'),
    ).toBe(2);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    widget.close();
    agent.close();
  });
});

describe('the log of a whole chat, at trace level', () => {
  it('has a request id on each request line, and no password, token, cookie or message body', async () => {
    const database = await createTestDatabase();
    const port = await freePort();
    const node = await spawnServer(database, port, { env: { PARLEY_LOG_LEVEL: 'trace' } });
    try {
      const endpoint = await endpointOf(node, database);
      const cookie = await login(endpoint);
      const visitor = await createVisitor(endpoint);
      const widget = await connectVisitor(endpoint, visitor);
      const agent = await connectAwayAgent(endpoint, cookie);
      const { message } = await requestOk<{ message: Message }>(widget, 'message:send', {
        clientId: randomUUID(),
        body: 'my card number is 4242 4242 4242 4242',
      });
      await requestOk(agent, 'message:send', {
        conversationId: message.conversationId,
        clientId: randomUUID(),
        body: 'thanks, never send that here',
      });
      await fetch(`${endpoint.url}/api/v1/conversations?status=open`, { headers: { cookie } });
      await fetch(`${endpoint.url}/api/v1/auth/logout`, {
        method: 'POST',
        headers: { cookie, origin: endpoint.url },
      });
      widget.close();
      agent.close();
      node.child.kill('SIGTERM');
      await node.exited;

      const log = node.output();
      const sessionToken = cookie.slice(cookie.indexOf('=') + 1);
      for (const secret of [
        ADMIN.password,
        sessionToken,
        visitor.token,
        '4242 4242',
        'never send that here',
      ]) {
        expect(log, secret).not.toContain(secret);
      }
      const requests = log
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; reqId?: string; path?: string })
        .filter((line) => line.msg === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(4);
      for (const line of requests) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      node.child.kill('SIGKILL');
      await database.drop();
    }
  });
});
