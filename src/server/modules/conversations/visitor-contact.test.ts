import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api } from '../../../../test/helpers/api';
import {
  connectAgent,
  connectVisitor,
  createVisitor,
  login,
  nextEvent,
  request,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { startServer, type TestServer } from '../../../../test/helpers/server';
import type { Conversation, Message, VisitorContact } from '../../../protocol/schemas';
import type { SiteSettings } from '../../../protocol/settings-schemas';

let server: TestServer;
let owner: string;
const sockets: (VisitorSocket | AgentSocket)[] = [];

beforeEach(async () => {
  server = await startServer();
  owner = await login(server);
});
afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.close());
  await server.close();
});

async function requirePreChat(name: string, email: string): Promise<void> {
  const { body } = await api<{ sites: SiteSettings[] }>(server, owner, 'GET', '/api/v1/sites');
  const res = await api(server, owner, 'PATCH', `/api/v1/sites/${body.sites[0]!.id}`, {
    widget: { preChat: { name, email } },
  });
  expect(res.status).toBe(200);
}

async function newWidget(): Promise<VisitorSocket> {
  const socket = await connectVisitor(server, await createVisitor(server));
  sockets.push(socket);
  return socket;
}

const send = (widget: VisitorSocket, clientId: string) =>
  request<{ message: Message }>(widget, 'message:send', { clientId, body: 'Hello' });
const identify = (widget: VisitorSocket, payload: unknown) =>
  request<{ contact: VisitorContact }>(widget, 'visitor:identify', payload);

describe('the pre-chat contact', () => {
  it('refuses a first message without the required email, and takes it once given', async () => {
    await requirePreChat('optional', 'required');
    const widget = await newWidget();

    const refused = await send(widget, 'c1');
    expect(refused).toMatchObject({ ok: false, error: { code: 'contact_required' } });
    // A name alone is not enough when the email is what is required.
    expect(await identify(widget, { name: 'Ada' })).toMatchObject({ ok: true });
    expect(await send(widget, 'c2')).toMatchObject({ error: { code: 'contact_required' } });

    const agent = await connectAgent(server, owner);
    sockets.push(agent);
    const created = nextEvent<Conversation>(agent, 'conversation:created');
    const contact = await requestOk<{ contact: VisitorContact }>(widget, 'visitor:identify', {
      email: ' ada@example.com ',
    });
    expect(contact.contact).toEqual({ name: 'Ada', email: 'ada@example.com' });
    expect(await send(widget, 'c3')).toMatchObject({ ok: true });
    expect((await created).visitor).toMatchObject({ name: 'Ada', email: 'ada@example.com' });
  });

  it('never refuses a conversation already open when the site starts to require a contact', async () => {
    const widget = await newWidget();
    expect(await send(widget, 'c1')).toMatchObject({ ok: true });
    await requirePreChat('required', 'required');
    expect(await send(widget, 'c2')).toMatchObject({ ok: true });
  });

  it('answers a flood of identify events with rate_limited, like every visitor event', async () => {
    const widget = await newWidget();
    const acks = await Promise.all(
      Array.from({ length: 200 }, (_, i) => identify(widget, { name: `Ada ${i}` })),
    );
    const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
    expect(codes).toContain('rate_limited');
  });

  it('lets anyone chat when nothing is required', async () => {
    await requirePreChat('optional', 'optional');
    expect(await send(await newWidget(), 'c1')).toMatchObject({ ok: true });
  });

  it.each([
    ['an address without @', { email: 'ada.example.com' }, 'invalid_email'],
    ['an address with a space', { email: 'ada @example.com' }, 'invalid_email'],
    ['an address too long', { email: `${'a'.repeat(250)}@x.io` }, 'invalid_payload'],
    ['a name too long', { name: 'A'.repeat(101) }, 'invalid_payload'],
    ['U+0000 in a name', { name: 'A\u0000da' }, 'invalid_payload'],
    ['another visitor’s id', { visitorId: 'x', name: 'Eve' }, 'invalid_payload'],
  ])('refuses %s with a stable code, and stores nothing', async (_what, payload, code) => {
    await requirePreChat('required', 'required');
    const widget = await newWidget();
    expect(await identify(widget, payload)).toMatchObject({ ok: false, error: { code } });
    expect(await send(widget, 'c1')).toMatchObject({ error: { code: 'contact_required' } });
  });

  it('stores the contact on the sending visitor only, and shows agents the change', async () => {
    await requirePreChat('optional', 'optional');
    const alice = await newWidget();
    const mallory = await newWidget();
    await requestOk(alice, 'message:send', { clientId: 'a1', body: 'Hi' });
    const agent = await connectAgent(server, owner);
    sockets.push(agent);

    const updated = nextEvent<Conversation>(agent, 'conversation:updated');
    await requestOk(mallory, 'visitor:identify', { name: 'Mallory', email: 'm@evil.example' });
    await requestOk(alice, 'visitor:identify', { name: 'Alice', email: 'alice@example.com' });
    // The only conversation is Alice's, and it carries her contact, not Mallory's.
    expect((await updated).visitor).toMatchObject({ name: 'Alice', email: 'alice@example.com' });
    const list = await requestOk<{ conversations: Conversation[] }>(agent, 'conversation:list', {
      status: 'open',
    });
    expect(list.conversations.map((c) => c.visitor.name)).toEqual(['Alice']);
  });
});
