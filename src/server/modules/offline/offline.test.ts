import { afterEach, describe, expect, it } from 'vitest';
import {
  connectAwayAgent,
  connectVisitor,
  createVisitor,
  eventually,
  login,
  nextEvent,
  request,
  requestOk,
  type AgentSocket,
  type VisitorSocket,
} from '../../../../test/helpers/clients';
import { createAgent, createOrganization } from '../../../../test/helpers/factories';
import { departmentForSites, firstAgent, setPresence } from '../../../../test/helpers/presence';
import {
  ADMIN,
  GENEROUS_LIMITS,
  SITE_ORIGIN,
  startServer,
  type TestServer,
} from '../../../../test/helpers/server';
import { startMailbox, type TestMailbox } from '../../../../test/helpers/smtp';
import type { Config } from '../../env';
import type { Availability } from '../../../protocol/offline-schemas';
import type { Conversation, Message } from '../../../protocol/schemas';

let server: TestServer;
let mailbox: TestMailbox | undefined;
const sockets: (VisitorSocket | AgentSocket)[] = [];

afterEach(async () => {
  sockets.splice(0).forEach((socket) => socket.close());
  await server.close();
  await mailbox?.close();
  mailbox = undefined;
});

async function start(overrides: Partial<Config> = {}): Promise<void> {
  server = await startServer(undefined, overrides);
}

async function startWithMailbox(): Promise<void> {
  mailbox = await startMailbox();
  await start({ smtp: { url: mailbox.url, from: 'Parley <parley@shop.test>' } });
}

async function newWidget(): Promise<VisitorSocket> {
  const socket = await connectVisitor(server, await createVisitor(server));
  sockets.push(socket);
  return socket;
}

/** A console open but away: nobody can chat, so the widget offers the form. */
async function agentConsole(): Promise<AgentSocket> {
  const socket = await connectAwayAgent(server, await login(server));
  sockets.push(socket);
  return socket;
}

const availabilityOf = async (widget: VisitorSocket) =>
  (await requestOk<{ availability: Availability }>(widget, 'availability:get', {})).availability;

const FORM = { clientId: 'form-1', name: 'Ada', email: 'ada@example.com', body: 'Call me back' };
const leave = (widget: VisitorSocket, form: Record<string, unknown>) =>
  request<{ message: Message }>(widget, 'offline:message', form);

async function stored() {
  const { db } = server.parley;
  const count = async (table: 'conversations' | 'messages') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { conversations: await count('conversations'), messages: await count('messages') };
}

describe('availability', () => {
  it('is offline until an active agent is online, and follows the site department', async () => {
    await start();
    const { db } = server.parley;
    const admin = await firstAgent(db);
    const widget = await newWidget();
    expect(await availabilityOf(widget)).toBe('offline');

    await setPresence(db, admin.id, 'away');
    expect(await availabilityOf(widget)).toBe('offline');
    await setPresence(db, admin.id, 'online');
    expect(await availabilityOf(widget)).toBe('online');

    // With a department, only its members count.
    const member = await createAgent(db, admin.orgId, {
      email: 'sales@shop.test',
      password: 'x',
      role: 'agent',
    });
    await departmentForSites(db, admin.orgId, [member]);
    expect(await availabilityOf(widget)).toBe('offline');
    await setPresence(db, member, 'online');
    expect(await availabilityOf(widget)).toBe('online');

    // A deactivated agent never counts, whatever the column says.
    await db.updateTable('agents').set({ deactivated_at: new Date().toISOString() }).execute();
    expect(await availabilityOf(widget)).toBe('offline');
  });

  it('is pushed to the open widgets of the organization when an agent presence changes', async () => {
    await start();
    const { db, events } = server.parley;
    const admin = await firstAgent(db);
    const widget = await newWidget();
    const online = nextEvent<{ availability: Availability }>(widget, 'availability');
    await setPresence(db, admin.id, 'online');
    events.emit('agent.presence', { orgId: admin.orgId, agentId: admin.id, presence: 'online' });
    expect(await online).toEqual({ availability: 'online' });

    const offline = nextEvent<{ availability: Availability }>(widget, 'availability');
    await setPresence(db, admin.id, 'offline');
    events.emit('agent.presence', { orgId: admin.orgId, agentId: admin.id, presence: 'offline' });
    expect(await offline).toEqual({ availability: 'offline' });
  });

  it('never tells a visitor of another organization of these agents', async () => {
    await start();
    const { db, events } = server.parley;
    const other = await createOrganization(
      db,
      'other',
      { email: 'o@other.test', password: 'x' },
      SITE_ORIGIN,
    );
    const ours = await firstAgent(db);
    const stranger = await connectVisitor(
      { ...server, widgetKey: other.widgetKey },
      await createVisitor({ ...server, widgetKey: other.widgetKey }),
    );
    sockets.push(stranger);
    const heard: unknown[] = [];
    stranger.on('availability', (p) => heard.push(p));
    const own = await newWidget();
    const pushed = nextEvent(own, 'availability');
    await setPresence(db, ours.id, 'online');
    events.emit('agent.presence', { orgId: ours.orgId, agentId: ours.id, presence: 'online' });
    await pushed;
    expect(heard).toEqual([]);
    expect(await availabilityOf(stranger)).toBe('offline');
  });
});

describe('the leave-a-message form', () => {
  it('becomes a conversation with the contact and emails the whole team', async () => {
    await startWithMailbox();
    const { db } = server.parley;
    const admin = await firstAgent(db);
    await createAgent(db, admin.orgId, { email: 'two@shop.test', password: 'x', role: 'agent' });
    const gone = await createAgent(db, admin.orgId, {
      email: 'gone@shop.test',
      password: 'x',
      role: 'agent',
    });
    await db
      .updateTable('agents')
      .set({ deactivated_at: new Date().toISOString() })
      .where('id', '=', gone)
      .execute();
    const agent = await agentConsole();
    const created = nextEvent<Conversation>(agent, 'conversation:created');
    const widget = await newWidget();

    const { message } = await requestOk<{ message: Message }>(widget, 'offline:message', {
      ...FORM,
      name: ' Ada ',
    });
    expect(message).toMatchObject({
      body: 'Call me back',
      author: { type: 'visitor' },
      internal: false,
      meta: { kind: 'offline_message', name: 'Ada', email: 'ada@example.com' },
    });
    expect((await created).visitor).toMatchObject({ name: 'Ada', email: 'ada@example.com' });

    // Sent again (no ack reached the widget): the same message, one conversation, one email each.
    const again = await requestOk<{ message: Message }>(widget, 'offline:message', FORM);
    expect(again.message.id).toBe(message.id);
    expect(await stored()).toEqual({ conversations: 1, messages: 1 });

    await eventually(() => expect(mailbox!.mails).toHaveLength(2));
    const recipients = mailbox!.mails.map((mail) => /^To: (.+)$/m.exec(mail)?.[1]?.trim()).sort();
    expect(recipients).toEqual([ADMIN.email, 'two@shop.test']);
    const text = mailbox!.text(0);
    expect(text).toMatch(/^Reply-To: ada@example\.com/m);
    expect(text).toContain('Call me back');
    expect(text).toContain(`http://shop.test/console/conversations/${message.conversationId}`);
  });

  it('emails only the members of the site department', async () => {
    await startWithMailbox();
    const { db } = server.parley;
    const admin = await firstAgent(db);
    const member = await createAgent(db, admin.orgId, {
      email: 'sales@shop.test',
      password: 'x',
      role: 'agent',
    });
    await departmentForSites(db, admin.orgId, [member]);
    await requestOk(await newWidget(), 'offline:message', FORM);
    await eventually(() => expect(mailbox!.mails).toHaveLength(1));
    expect(mailbox!.text(0)).toMatch(/^To: sales@shop\.test/m);
  });

  it('keeps the message and retries the email while the SMTP relay fails', async () => {
    const dead = await startMailbox();
    await dead.close(); // nothing listens on its port any more
    await start({ smtp: { url: dead.url, from: 'parley@shop.test' } });
    await requestOk(await newWidget(), 'offline:message', FORM);
    expect(await stored()).toEqual({ conversations: 1, messages: 1 });
    await eventually(async () => {
      const job = await server.parley.db
        .selectFrom('jobs')
        .select(['status', 'attempts', 'last_error'])
        .where('type', '=', 'offline.email')
        .executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'queued', attempts: 1 });
      expect(job.last_error).toBeTruthy();
    });
  });

  it('stores the form without SMTP, emailing nobody', async () => {
    await start();
    await requestOk(await newWidget(), 'offline:message', FORM);
    expect(await stored()).toEqual({ conversations: 1, messages: 1 });
    const jobs = await server.parley.db
      .selectFrom('jobs')
      .select('type')
      .where('type', 'like', 'offline.%')
      .execute();
    expect(jobs).toEqual([]);
  });

  it('refuses bad input with a clear code and stores nothing', async () => {
    await start();
    const widget = await newWidget();
    const refusals = [
      [{ ...FORM, email: 'not-an-address' }, 'invalid_email'],
      [{ ...FORM, email: '' }, 'invalid_email'],
      [{ ...FORM, name: '   ' }, 'invalid_payload'],
      [{ ...FORM, body: ' \u200b ' }, 'invalid_payload'],
      [{ ...FORM, body: 'x'.repeat(10_001) }, 'message_too_long'],
      [{ ...FORM, name: 'n'.repeat(101) }, 'invalid_payload'],
      [{ ...FORM, email: `${'e'.repeat(250)}@x.io` }, 'invalid_payload'],
      [{ ...FORM, clientId: 'not valid!' }, 'invalid_payload'],
      [{ name: 'Ada', email: 'ada@example.com', body: 'hi' }, 'invalid_payload'],
      [{ ...FORM, meta: { kind: 'whisper' } }, 'invalid_payload'],
    ] as const;
    for (const [form, code] of refusals) {
      expect(await leave(widget, form), JSON.stringify(form).slice(0, 80)).toMatchObject({
        ok: false,
        error: { code },
      });
    }
    expect(await stored()).toEqual({ conversations: 0, messages: 0 });
    const visitor = await server.parley.db
      .selectFrom('visitors')
      .select(['name', 'email'])
      .execute();
    expect(visitor).toEqual([{ name: null, email: null }]);
  });

  it('answers a flood with rate_limited, as for messages', async () => {
    await start({ limits: { ...GENEROUS_LIMITS, visitorMessagesPerMinute: 2 } });
    const widget = await newWidget();
    const codes: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const result = await leave(widget, { ...FORM, clientId: `f${i}` });
      codes.push(result.ok ? 'ok' : result.error.code);
    }
    expect(codes[0]).toBe('ok');
    expect(codes.at(-1)).toBe('rate_limited');
    const accepted = codes.filter((code) => code === 'ok').length;
    expect(await stored()).toEqual({ conversations: 1, messages: accepted });
  });
});
