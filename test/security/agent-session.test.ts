/**
 * Finding 1: an agent's session taken over from a same-site page. A `<script>` on a sibling
 * subdomain loads Engine.IO's JSONP polling with the agent's SameSite=Lax cookie and no Origin,
 * joins `/agent`, and reads and writes as the agent. Every variant here must be refused.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OWN_PAGE_HEADER } from '../../src/protocol/events';
import type { Conversation } from '../../src/protocol/schemas';
import {
  agentSocket,
  connectVisitor,
  connected,
  createVisitor,
  login,
  requestOk,
} from '../helpers/clients';
import { isSession, openPolling, pollingGet, pollingUrl } from '../helpers/engine-io';
import { startServer, type TestServer } from '../helpers/server';

let server: TestServer;
let cookie: string;
let host: string;

beforeEach(async () => {
  server = await startServer();
  cookie = await login(server);
  host = new URL(server.url).host;
  // Something to steal: a visitor's conversation.
  const widget = await connectVisitor(server, await createVisitor(server));
  await requestOk(widget, 'message:send', { clientId: 'c1', body: 'my address is 1 Main St' });
  widget.close();
});

afterEach(async () => {
  await server.close();
});

/** The fetch metadata Chromium sends for a `<script>` loaded from a sibling subdomain. */
const SIBLING_SCRIPT = {
  'sec-fetch-site': 'same-site',
  'sec-fetch-mode': 'no-cors',
  'sec-fetch-dest': 'script',
};

async function storedAgentMessages(): Promise<number> {
  const rows = await server.parley.db
    .selectFrom('messages')
    .select('id')
    .where('author_type', '=', 'agent')
    .execute();
  return rows.length;
}

/** The handshake error a refused namespace connect carries, or 'connected'. */
async function connectOutcome(origin: string | null): Promise<unknown> {
  const socket = agentSocket(server, cookie, origin);
  try {
    await connected(socket);
    return 'connected';
  } catch (error) {
    return (error as { data?: unknown }).data;
  } finally {
    socket.close();
  }
}

describe('agent session takeover through JSONP polling', () => {
  it('refuses the JSONP transport, so a script tag on another page gets no session', async () => {
    const reply = await pollingGet(pollingUrl(server.url, '&j=0'), { cookie, ...SIBLING_SCRIPT });

    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('___eio');
    expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 'invalid_payload' } });
  });

  it('reads nothing and writes nothing when the whole attack is played out', async () => {
    // 1. <script src="/socket.io/?EIO=4&transport=polling&j=0">: the engine handshake.
    const handshake = await pollingGet(pollingUrl(server.url, '&j=0'), {
      cookie,
      ...SIBLING_SCRIPT,
    });
    // The JSONP reply is `___eio[0]("0{\\"sid\\":\\"…\\",…}");`: a script the page runs.
    const sid = /sid\\?":\\?"([^"\\]+)/.exec(handshake.body)?.[1];
    if (sid) {
      // 2. a no-cors fetch POSTs the namespace connect and an event, 3. another script reads.
      const url = pollingUrl(server.url, `&j=0&sid=${sid}`);
      const post = (packet: string) =>
        fetch(url, {
          method: 'POST',
          headers: {
            cookie,
            origin: 'http://blog.shop.test',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: `d=${encodeURIComponent(packet)}`,
        });
      await post('40/agent,');
      await pollingGet(url, { cookie, ...SIBLING_SCRIPT });
      await post('42/agent,1["conversation:list",{"status":"open"}]');
      await post('42/agent,2["message:send",{"conversationId":"x","clientId":"evil","body":"hi"}]');
      const stolen = await pollingGet(url, { cookie, ...SIBLING_SCRIPT });
      expect(stolen.body).not.toContain('my address is 1 Main St');
    }
    expect(sid).toBeUndefined();
    expect(await storedAgentMessages()).toBe(0);
  });

  it('refuses a same-site page that polls without JSONP and without an Origin', async () => {
    const session = await openPolling(server.url, {
      cookie,
      'sec-fetch-site': 'same-site',
      'sec-fetch-mode': 'no-cors',
      'sec-fetch-dest': 'empty',
    });
    if (!isSession(session)) throw new Error(`engine handshake refused: ${session.status}`);
    await session.post('40/agent,');
    const packets = await session.poll();

    expect(packets[0]).toMatch(/^44\/agent,/);
    expect(packets[0]).toContain('forbidden_origin');
  });

  it('sends nosniff on every /socket.io/ response, so no reply is ever run as a script', async () => {
    const ok = await pollingGet(pollingUrl(server.url), { 'sec-fetch-site': 'same-origin' });
    const refused = await pollingGet(pollingUrl(server.url, '&j=0'), {});
    const unknown = await pollingGet(pollingUrl(server.url, '&sid=nope'), {});
    for (const reply of [ok, refused, unknown]) {
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('the Origin of an agent handshake', () => {
  it('must be exactly Parley’s own origin: scheme, host and port', async () => {
    const variants = [
      `https://${host}`,
      `ws://${host}`,
      `HTTP://${host.toUpperCase()}`,
      `http://user@${host}`,
      `http://${host}/console`,
      `http://${host}.evil.example`,
      'null',
    ];
    for (const origin of variants) {
      expect(await connectOutcome(origin), origin).toMatchObject({ code: 'forbidden_origin' });
    }
    expect(await connectOutcome(server.url)).toBe('connected');
  });

  it('is required: a handshake without one is refused', async () => {
    expect(await connectOutcome(null)).toMatchObject({ code: 'forbidden_origin' });
  });

  it('may be absent only on a same-origin browser request (the long-polling fallback)', async () => {
    // Browsers send no Origin on a same-origin GET, but always Sec-Fetch-Site, which pages cannot set.
    const session = await openPolling(
      server.url,
      { cookie, 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
      { origin: server.url },
    );
    if (!isSession(session)) throw new Error(`engine handshake refused: ${session.status}`);
    await session.post('40/agent,');
    const [connect] = await session.poll();
    expect(connect).toMatch(/^40\/agent,\{"sid":/);

    await session.post('42/agent,1["conversation:list",{"status":"open"}]');
    const [ack] = await session.poll();
    const [reply] = JSON.parse(ack!.replace(/^43\/agent,1/, '')) as [
      { ok: true; data: { conversations: Conversation[] } },
    ];
    expect(reply.data.conversations).toHaveLength(1);
  });
});

describe('the header of our own pages (polling over plain HTTP, where browsers send no Sec-Fetch-Site)', () => {
  it('lets an Origin-less polling handshake in, and reads the list', async () => {
    const session = await openPolling(server.url, { cookie, [OWN_PAGE_HEADER]: '1' });
    if (!isSession(session)) throw new Error(`engine handshake refused: ${session.status}`);
    await session.post('40/agent,');
    const [connect] = await session.poll();
    expect(connect).toMatch(/^40\/agent,\{"sid":/);
  });

  it('cannot be added by another page: its preflight is not granted', async () => {
    const preflight = await fetch(pollingUrl(server.url), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://blog.example.com',
        'access-control-request-method': 'GET',
        'access-control-request-headers': OWN_PAGE_HEADER,
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('does not help a page that sends its own Origin', async () => {
    const session = await openPolling(server.url, {
      cookie,
      [OWN_PAGE_HEADER]: '1',
      origin: 'http://blog.example.com',
    });
    if (!isSession(session)) throw new Error(`engine handshake refused: ${session.status}`);
    await session.post('40/agent,');
    const [connect] = await session.poll();
    expect(connect).toContain('forbidden_origin');
  });
});

describe('cookie-authenticated REST writes', () => {
  const resolveWith = async (headers: Record<string, string>) => {
    const list = (await (
      await fetch(`${server.url}/api/v1/conversations`, { headers: { cookie } })
    ).json()) as { conversations: Conversation[] };
    const id = list.conversations[0]!.id;
    return fetch(`${server.url}/api/v1/conversations/${id}/resolve`, {
      method: 'POST',
      headers: { cookie, ...headers },
    });
  };

  it('are refused without an Origin or with one that is not exactly ours', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { origin: `https://${host}` },
      { origin: `http://user@${host}` },
      { origin: `HTTP://${host.toUpperCase()}` },
    ]) {
      const res = await resolveWith(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
    }
    expect((await resolveWith({ origin: server.url })).status).toBe(200);
  });
});
