import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace } from 'socket.io';
import { io } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VisitorClientEvents, VisitorServerEvents } from '../../protocol/events';
import type { QueuePosition } from '../../protocol/routing-schemas';
import type { Message } from '../../protocol/schemas';
import { ChatSession } from './chat-session';
import { Outbox } from '../../client/outbox';
import { chatEntries } from './view/chat-entries';
import { createMemoryStorage, type KeyValueStorage } from '../../client/storage';
import type { VisitorSocket } from './visitor-connection';

const SITE = 'site-1';
const OUTBOX_KEY = `parley:outbox:${SITE}`;

/** A stand-in for the server's /visitor namespace: one conversation, sync pages of two. */
class FakeVisitorServer {
  readonly messages: Message[] = [];
  readonly received: string[] = [];
  readonly reads: number[] = [];
  readonly syncs: number[] = [];
  /** Raw acks for the next syncs, sent instead of the real page (to test malformed replies). */
  readonly syncReplies: unknown[] = [];
  /** While set, sync and send acks wait here until the test answers them. */
  holdAcks = false;
  readonly heldAcks: (() => void)[] = [];
  agentReadSeq = 0;
  /** Where the conversation is in line, as a (re)connect asks it. */
  queuePlace: QueuePosition | null = null;
  /** What `availability:get` answers. */
  availability: 'online' | 'offline' = 'offline';
  private readonly io = new Server(createServer());
  readonly namespace: Namespace<VisitorClientEvents, VisitorServerEvents> = this.io.of('/visitor');

  constructor() {
    this.namespace.on('connection', (socket) => {
      socket.on('conversation:sync', ({ afterSeq }, reply) => {
        this.syncs.push(afterSeq);
        const ack = this.held(reply);
        if (this.syncReplies.length > 0) return ack(this.syncReplies.shift() as never);
        const after = this.messages.filter((m) => m.seq > afterSeq);
        ack({
          ok: true,
          data: {
            conversation: this.conversation(),
            messages: after.slice(0, 2),
            hasMore: after.length > 2,
          },
        });
      });
      socket.on('message:send', ({ clientId, body }, reply) => {
        this.received.push(body);
        const ack = this.held(reply);
        if (body.includes('refuse')) {
          return ack({ ok: false, error: { code: 'message_too_long', message: 'too long' } });
        }
        const known = this.messages.find((m) => m.clientId === clientId);
        ack({ ok: true, data: { message: known ?? this.add('visitor', body, clientId) } });
      });
      socket.on('invitation:reply', ({ invitationId }, reply) => {
        this.received.push(`invitation:${invitationId}`);
        if (invitationId === 'closed') {
          return reply({ ok: false, error: { code: 'invitation_closed', message: 'closed' } });
        }
        reply({
          ok: true,
          data: { invitation: { id: invitationId, message: 'Hi', agentName: 'Ana' } },
        });
      });
      socket.on('conversation:read', ({ seq }) => void this.reads.push(seq));
      socket.on('queue:position', (_p, reply) => reply({ ok: true, data: this.queuePlace }));
      socket.on('availability:get', (_p, reply) =>
        reply({ ok: true, data: { availability: this.availability } }),
      );
    });
  }

  async listen(): Promise<number> {
    const http = this.io.httpServer;
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    return (http.address() as AddressInfo).port;
  }

  add(type: 'visitor' | 'agent', body: string, clientId: string | null = null): Message {
    const message: Message = {
      id: `m${this.messages.length + 1}`,
      conversationId: 'c1',
      seq: this.messages.length + 1,
      clientId,
      author: { type, id: type === 'agent' ? 'a1' : 'v1', name: type === 'agent' ? 'Ana' : null },
      body,
      internal: false,
      meta: null,
      translations: [],
      createdAt: new Date(0).toISOString(),
    };
    this.messages.push(message);
    return message;
  }

  close(): Promise<void> {
    return new Promise((resolve) => void this.io.close(() => resolve()));
  }

  /** The ack itself, or while acks are held, one that waits in `heldAcks`. */
  private held<T>(ack: (result: T) => void): (result: T) => void {
    if (!this.holdAcks) return ack;
    return (result) => void this.heldAcks.push(() => ack(result));
  }

  private conversation() {
    const lastSeq = this.messages.length;
    return {
      id: 'c1',
      status: 'open' as const,
      lastSeq,
      agentReadSeq: this.agentReadSeq,
      visitorReadSeq: 0,
    };
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 3000) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ChatSession', () => {
  let server: FakeVisitorServer;
  let socket: VisitorSocket;
  let storage: KeyValueStorage;

  /** The session wired to a real socket, as visitor-connection.ts would do it. */
  function startSession(): ChatSession {
    const session = new ChatSession(storage, SITE, () => undefined);
    socket.on('connect', () => {
      session.status('connected');
      session.connected();
    });
    socket.on('disconnect', () => session.status('reconnecting'));
    session.attach(socket);
    return session;
  }

  const bodies = (session: ChatSession): string[] => session.state().messages.map((m) => m.body);

  beforeEach(async () => {
    server = new FakeVisitorServer();
    const port = await server.listen();
    socket = io(`http://127.0.0.1:${port}/visitor`, {
      transports: ['websocket'],
      autoConnect: false,
    });
    storage = createMemoryStorage();
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    socket.disconnect();
    await server.close();
  });

  /** Records unhandled rejections until the returned function is called; it returns them. */
  function recordUnhandledRejections(): () => unknown[] {
    const reasons: unknown[] = [];
    const record = (reason: unknown): void => void reasons.push(reason);
    process.on('unhandledRejection', record);
    return () => {
      process.off('unhandledRejection', record);
      return reasons;
    };
  }

  it('shows an answered invitation as the agent’s, and tells the server before the first message', async () => {
    const session = startSession();
    socket.connect();
    await waitFor(() => server.syncs.length > 0);
    session.answerInvitation({ id: 'inv1', message: 'Need a hand?', agentName: 'Ana' });
    const shown = () =>
      chatEntries(session.state()).map((e) => [e.authorType, e.authorName, e.body]);
    expect(shown()).toEqual([['agent', 'Ana', 'Need a hand?']]);
    session.send('Yes please');
    await waitFor(() => server.received.length === 2);
    expect(server.received).toEqual(['invitation:inv1', 'Yes please']);
    await waitFor(() => session.state().messages.length === 1);
    expect(shown()).toEqual([
      ['agent', 'Ana', 'Need a hand?'],
      ['visitor', null, 'Yes please'],
    ]);
  });

  it('drops an invitation the server no longer takes, and sends the message anyway', async () => {
    const session = startSession();
    socket.connect();
    await waitFor(() => server.syncs.length > 0);
    session.answerInvitation({ id: 'closed', message: 'Old news', agentName: null });
    session.send('Hello');
    await waitFor(() => server.received.length === 2);
    expect(server.received).toEqual(['invitation:closed', 'Hello']);
    expect(session.state().invitation).toBeNull();
  });

  const conversation = { id: 'c1', status: 'open', lastSeq: 1, agentReadSeq: 0, visitorReadSeq: 0 };
  const malformedSyncReplies: [string, unknown][] = [
    ['no ack body', null],
    ['no data', { ok: true, data: null }],
    [
      'a message that is null',
      { ok: true, data: { conversation, messages: [null], hasMore: false } },
    ],
    [
      'a conversation without read marks',
      { ok: true, data: { conversation: { id: 'c1' }, messages: [], hasMore: false } },
    ],
    [
      'a message without a seq',
      {
        ok: true,
        data: {
          conversation,
          messages: [{ id: 'm1', conversationId: 'c1', author: { type: 'agent' } }],
          hasMore: false,
        },
      },
    ],
  ];

  it('asks whether anyone is online on every connect, and follows pushes', async () => {
    const session = startSession();
    expect(session.state().availability).toBeNull();
    socket.connect();
    await waitFor(() => session.state().availability === 'offline');

    server.namespace.emit('availability', { availability: 'online' });
    await waitFor(() => session.state().availability === 'online');

    // A change pushed while disconnected is lost: the next connect asks again.
    socket.disconnect();
    server.availability = 'offline';
    socket.connect();
    await waitFor(() => session.state().availability === 'offline');
  });

  it('syncs every page on connect, then sends the stored outbox in order', async () => {
    for (const body of ['one', 'two', 'three', 'four', 'five']) server.add('agent', body);
    storage.setItem(
      OUTBOX_KEY,
      JSON.stringify([
        { clientId: 'k1', body: 'written before the reload' },
        { clientId: 'k2', body: 'and another' },
      ]),
    );
    const session = startSession();
    expect(session.state().local.map((l) => l.state)).toEqual(['sending', 'sending']);

    socket.connect();
    await waitFor(() => session.state().local.length === 0);
    expect(server.syncs).toEqual([0, 2, 4]);
    expect(server.received).toEqual(['written before the reload', 'and another']);
    expect(bodies(session)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
      'written before the reload',
      'and another',
    ]);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('shows its place in line after connecting, follows the pushes, and stops once taken', async () => {
    server.add('visitor', 'hello');
    server.queuePlace = { conversationId: 'c1', position: 3, estimatedWaitSeconds: 200 };
    const session = startSession();
    socket.connect();
    await waitFor(() => session.state().queue?.position === 3);
    expect(session.state().queue).toEqual({ position: 3, estimatedWaitSeconds: 200 });
    const place = (position: number | null) => ({
      conversationId: 'c1',
      position,
      estimatedWaitSeconds: null,
    });
    server.namespace.emit('queue:position', place(1));
    await waitFor(() => session.state().queue?.position === 1);
    server.namespace.emit('queue:position', place(null));
    await waitFor(() => session.state().queue === null);
  });

  it('fills a gap in pushed messages by syncing, and ignores a repeated push', async () => {
    const session = startSession();
    socket.connect();
    await waitFor(() => server.syncs.length === 1);

    const first = server.add('agent', 'first');
    server.add('agent', 'missed');
    const third = server.add('agent', 'third');
    server.namespace.emit('message:new', first);
    server.namespace.emit('message:new', third);
    server.namespace.emit('message:new', first);

    await waitFor(() => session.state().messages.length === 3);
    expect(bodies(session)).toEqual(['first', 'missed', 'third']);
  });

  it('keeps what is written offline and sends it after reconnecting', async () => {
    const session = startSession();
    session.send('written offline');
    expect(session.state().local).toMatchObject([{ body: 'written offline', state: 'sending' }]);
    expect(server.received).toEqual([]);

    socket.connect();
    await waitFor(() => session.state().messages.length === 1);
    expect(server.received).toEqual(['written offline']);
    expect(session.state().local).toEqual([]);
  });

  it('sends what it shows as sending when site storage lost it with the identity', async () => {
    storage.setItem(OUTBOX_KEY, JSON.stringify([{ clientId: 'k1', body: 'typed offline' }]));
    const session = startSession();
    session.send('and another');
    storage.removeItem(OUTBOX_KEY); // the visitor cleared the site's data; the page stays open
    session.send('typed after the clearing');

    session.identityReplaced(); // the server refused the missing identity: a new visitor
    socket.connect();
    await waitFor(() => session.state().local.length === 0);
    expect(server.received).toEqual(['typed offline', 'and another', 'typed after the clearing']);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('shows a refused message as failed, and goes on with the next', async () => {
    const session = startSession();
    socket.connect();
    await waitFor(() => socket.connected);

    session.send('please refuse this');
    session.send('fine');
    await waitFor(() => session.state().messages.length === 1);
    expect(session.state().local).toMatchObject([
      { state: 'failed', errorCode: 'message_too_long' },
    ]);
    expect(bodies(session)).toEqual(['fine']);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('shows messages sent in a burst in the order typed until every ack is in', async () => {
    server.add('agent', 'hello');
    const session = startSession();
    socket.connect();
    await waitFor(() => session.state().messages.length === 1);
    const shown = (): string[] => chatEntries(session.state()).map((entry) => entry.body);

    server.holdAcks = true;
    for (const body of ['one', 'two', 'three']) session.send(body);
    expect(shown()).toEqual(['hello', 'one', 'two', 'three']);
    for (let acked = 1; acked <= 3; acked++) {
      // The outbox sends one message at a time, each after the previous one's ack.
      await waitFor(() => server.heldAcks.length === 1);
      server.heldAcks.shift()?.();
      await waitFor(() => session.state().messages.length === 1 + acked);
      expect(shown()).toEqual(['hello', 'one', 'two', 'three']);
    }
    expect(session.state().local).toEqual([]);
  });

  it('shows a message refused while the history loads after that history', async () => {
    server.add('agent', 'hello');
    server.add('agent', 'anything else?');
    server.holdAcks = true;
    const session = startSession();
    socket.connect();
    await waitFor(() => server.syncs.length === 1);

    session.send('please refuse this');
    server.holdAcks = false;
    server.heldAcks.shift()?.();
    await waitFor(() => session.state().local[0]?.state === 'failed');
    expect(chatEntries(session.state()).map((entry) => entry.body)).toEqual([
      'hello',
      'anything else?',
      'please refuse this',
    ]);
  });

  it('reports agent messages as read only while the chat is visible', async () => {
    server.add('agent', 'hello');
    const session = startSession();
    socket.connect();
    await waitFor(() => session.state().messages.length === 1);
    expect(session.state().unread).toBe(1);
    expect(server.reads).toEqual([]);

    session.setVisible(true);
    await waitFor(() => server.reads.length === 1);
    expect(server.reads).toEqual([1]);
    expect(session.state().unread).toBe(0);
  });

  it.each(malformedSyncReplies)(
    'counts a sync reply with %s as a failed sync, and retries it',
    async (_, reply) => {
      const unhandled = recordUnhandledRejections();
      server.add('agent', 'hello');
      server.agentReadSeq = 1;
      server.syncReplies.push(reply);
      const session = startSession();

      socket.connect();
      await waitFor(() => session.state().messages.length === 1);
      expect(server.syncs).toEqual([0, 0]);
      expect(bodies(session)).toEqual(['hello']);
      expect(session.state().agentReadSeq).toBe(1);
      expect(unhandled()).toEqual([]);
    },
  );

  it('still sends the outbox after a malformed sync reply', async () => {
    const unhandled = recordUnhandledRejections();
    server.syncReplies.push({ ok: true, data: null });
    storage.setItem(OUTBOX_KEY, JSON.stringify([{ clientId: 'k1', body: 'queued' }]));
    const session = startSession();

    socket.connect();
    await waitFor(() => server.received.length === 1);
    await waitFor(() => session.state().messages.length === 1 && server.syncs.length === 2);
    expect(bodies(session)).toEqual(['queued']);
    expect(session.state().local).toEqual([]);
    expect(storage.getItem(OUTBOX_KEY)).toBeNull();
    expect(unhandled()).toEqual([]);
  });

  it('retries the sync of a gap whose reply was malformed', async () => {
    const unhandled = recordUnhandledRejections();
    const session = startSession();
    socket.connect();
    await waitFor(() => server.syncs.length === 1);
    await waitFor(() => session.state().status === 'connected');

    server.syncReplies.push({ ok: true, data: { conversation: null, messages: 'oops' } });
    const first = server.add('agent', 'first');
    server.add('agent', 'missed');
    const third = server.add('agent', 'third');
    server.namespace.emit('message:new', first);
    server.namespace.emit('message:new', third);

    await waitFor(() => session.state().messages.length === 3);
    expect(bodies(session)).toEqual(['first', 'missed', 'third']);
    expect(server.syncs).toEqual([0, 1, 1]);
    expect(unhandled()).toEqual([]);
  });

  it('forgets the visitor’s messages of a sync page with one outbox update per page', async () => {
    const remove = vi.spyOn(Outbox.prototype, 'remove');
    // Sent before a reload, stored by the server, but the acks never arrived.
    storage.setItem(
      OUTBOX_KEY,
      JSON.stringify([
        { clientId: 'k1', body: 'one' },
        { clientId: 'k2', body: 'two' },
        { clientId: 'k3', body: 'three' },
      ]),
    );
    for (const [index, body] of ['one', 'two', 'three'].entries()) {
      server.add('visitor', body, `k${index + 1}`);
    }
    const session = startSession();

    socket.connect();
    await waitFor(() => session.state().local.length === 0 && server.syncs.length === 2);
    await waitFor(() => storage.getItem(OUTBOX_KEY) === null);
    expect(remove.mock.calls).toEqual([['k1', 'k2'], ['k3']]);
    expect(server.received).toEqual([]);
    expect(bodies(session)).toEqual(['one', 'two', 'three']);
  });

  it('removes a message from the outbox once when its send is acknowledged', async () => {
    const remove = vi.spyOn(Outbox.prototype, 'remove');
    const session = startSession();
    socket.connect();
    await waitFor(() => socket.connected);

    session.send('hello');
    await waitFor(() => session.state().messages.length === 1);
    await waitFor(() => storage.getItem(OUTBOX_KEY) === null);
    const clientId = session.state().messages[0]?.clientId;
    // Sync pages without the visitor's messages remove nothing (and read no storage).
    expect(remove.mock.calls.filter((ids) => ids.length > 0)).toEqual([[clientId]]);
    expect(session.state().local).toEqual([]);
  });

  it('shows the agent’s read mark from conversation:updated', async () => {
    const session = startSession();
    socket.connect();
    await waitFor(() => socket.connected);
    session.send('did you see this?');
    await waitFor(() => session.state().messages.length === 1);

    server.namespace.emit('conversation:updated', {
      id: 'c1',
      status: 'open',
      lastSeq: 1,
      agentReadSeq: 1,
      visitorReadSeq: 0,
    });
    await waitFor(() => session.state().agentReadSeq === 1);
  });
});
