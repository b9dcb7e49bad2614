/**
 * Clients that behave as the widget and the console do across nodes: given every node's URL,
 * they reconnect to the next one when theirs goes away (or hangs up on them), and after every
 * connect — and whenever a pushed message skips a seq — they catch up from their seq cursor.
 * A pushed message at or below the cursor is a repeat and is ignored, as the widget does, but
 * counted, so a test can tell how often it happened — and it must be the message the client
 * has at that seq, or it is recorded as a conflict.
 */
import type { Socket } from 'socket.io-client';
import type { Message, SyncResult } from '../../src/protocol/schemas';
import {
  agentSocket,
  connected,
  request,
  visitorSocket,
  type AgentSocket,
  type VisitorCredentials,
  type VisitorSocket,
} from '../helpers/clients';
import type { ServerEndpoint } from '../helpers/server';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One conversation as a client holds it: messages 1..cursor, in order, each once. */
export class ConversationLog {
  readonly messages: Message[] = [];
  /** Pushes of a message the client already had. */
  repeats = 0;
  /** Pushes that skipped a seq (each started a catch-up). */
  gaps = 0;
  /** Messages that came again with a seq the client had, but were not the message it had. */
  readonly conflicts: Message[] = [];

  get cursor(): number {
    return this.messages.at(-1)?.seq ?? 0;
  }

  /** Takes a pushed or synced message; false when it left a gap before it. */
  take(message: Message): boolean {
    if (message.seq <= this.cursor) {
      this.repeats++;
      if (this.messages[message.seq - 1]?.id !== message.id) this.conflicts.push(message);
      return true;
    }
    if (message.seq !== this.cursor + 1) return false;
    this.messages.push(message);
    return true;
  }
}

/**
 * One catch-up at a time; one asked for while another runs runs again after it, since the
 * running one may have read its page before the message that asked for it was stored.
 */
class Serialized {
  private running: Promise<void> | undefined;
  private again = false;

  run(task: () => Promise<void>): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const loop = async () => {
      do {
        this.again = false;
        await task();
      } while (this.again);
    };
    this.running = loop().finally(() => (this.running = undefined));
    return this.running;
  }
}

abstract class FailoverClient<S extends Socket> {
  socket: S | undefined;
  /** Which node the client is on, as an index into the endpoints. */
  at: number;
  /** Reconnections after the first connect, and how long each took. */
  readonly failovers: number[] = [];
  /** Sends the server asked to slow down (and that were sent again). */
  throttled = 0;
  /** Sends that got no answer (a timeout, a lost connection) and were sent again. */
  unanswered = 0;
  private closed = false;
  private reconnecting: Promise<void> | undefined;

  constructor(
    readonly endpoints: ServerEndpoint[],
    start: number,
  ) {
    this.at = start % endpoints.length;
  }

  protected abstract open(endpoint: ServerEndpoint): S;
  /** Listens on a fresh socket (pushes), before it connects. */
  protected abstract listen(socket: S): void;
  /** Catches up after a connect. */
  protected abstract caughtUp(): Promise<void>;

  async connect(): Promise<this> {
    await this.attach(this.at);
    await this.caughtUp();
    return this;
  }

  /** Resolves once the client is connected (again) and has caught up. */
  async ready(): Promise<S> {
    while (this.reconnecting) await this.reconnecting;
    if (!this.socket?.connected) throw new Error('not connected');
    return this.socket;
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private async attach(at: number): Promise<void> {
    const socket = this.open(this.endpoints[at]!);
    this.listen(socket);
    await connected(socket);
    this.socket = socket;
    this.at = at;
    socket.once('disconnect', () => {
      if (!this.closed) this.reconnecting ??= this.failover();
    });
  }

  /** Tries the next node, and the one after, until one takes the connection. */
  private async failover(): Promise<void> {
    const started = performance.now();
    for (let attempt = 1; !this.closed; attempt++) {
      const next = (this.at + attempt) % this.endpoints.length;
      try {
        await this.attach(next);
        await this.caughtUp();
        // Hung up on again while catching up (a node mending after Redis came back): the
        // disconnect found this failover running, so this failover must go on.
        if (!this.socket?.connected) continue;
        this.failovers.push(performance.now() - started);
        this.reconnecting = undefined;
        return;
      } catch {
        this.socket?.close();
        if (attempt % this.endpoints.length === 0) await pause(200);
      }
    }
  }

  /**
   * Sends until acknowledged, like the widget's outbox: after a lost connection, a timeout or a
   * refusal to slow down it sends the same client id again.
   */
  protected async sendUntilAcked(payload: { clientId: string }): Promise<Message> {
    for (;;) {
      if (this.closed) throw new Error('the client was closed before its message was acknowledged');
      let socket: S;
      try {
        socket = await this.ready();
      } catch {
        await pause(50);
        continue;
      }
      const result = await request<{ message: Message }>(socket, 'message:send', payload).catch(
        () => undefined,
      );
      if (result?.ok) return result.data.message;
      if (result && result.error.code !== 'rate_limited')
        throw new Error(`message:send: ${result.error.code} ${result.error.message}`);
      if (result) this.throttled++;
      else this.unanswered++;
      await pause(100);
    }
  }
}

export class ClusterVisitor extends FailoverClient<VisitorSocket> {
  readonly log = new ConversationLog();
  conversationId: string | undefined;
  readonly typing: boolean[] = [];
  agentReadSeq = 0;
  private readonly sync = new Serialized();

  constructor(
    endpoints: ServerEndpoint[],
    readonly credentials: VisitorCredentials & { address?: string },
    start: number,
  ) {
    super(endpoints, start);
  }

  protected open(endpoint: ServerEndpoint): VisitorSocket {
    const { token, address } = this.credentials;
    const forwarded: Record<string, string> = address ? { 'x-forwarded-for': address } : {};
    return visitorSocket(endpoint, { token }, undefined, forwarded);
  }

  protected listen(socket: VisitorSocket): void {
    socket.on('message:new', (message) => {
      if (!this.log.take(message)) {
        this.log.gaps++;
        void this.catchUp();
      }
    });
    socket.on('typing', ({ typing }) => this.typing.push(typing));
    socket.on('conversation:updated', (c) => {
      this.conversationId ??= c.id;
      this.agentReadSeq = Math.max(this.agentReadSeq, c.agentReadSeq);
    });
  }

  protected caughtUp(): Promise<void> {
    return this.catchUp();
  }

  /** Syncs from the cursor, one catch-up at a time (see `serialized`). */
  catchUp(): Promise<void> {
    return this.sync.run(() => this.syncPages());
  }

  private async syncPages(): Promise<void> {
    for (;;) {
      const socket = this.socket;
      if (!socket?.connected) return; // the next connect catches up
      const page = await request<SyncResult<{ id: string }>>(socket, 'conversation:sync', {
        afterSeq: this.log.cursor,
      }).catch(() => undefined);
      if (!page?.ok) return;
      if (page.data.conversation) this.conversationId ??= page.data.conversation.id;
      page.data.messages.forEach((m) => this.log.take(m));
      if (!page.data.hasMore) return;
    }
  }

  async send(body: string, clientId: string): Promise<Message> {
    const message = await this.sendUntilAcked({ clientId, body } as { clientId: string });
    this.conversationId ??= message.conversationId;
    return message;
  }
}

export class ClusterAgent extends FailoverClient<AgentSocket> {
  readonly logs = new Map<string, ConversationLog>();
  readonly typing: { conversationId: string; typing: boolean }[] = [];
  readonly visitorReadSeq = new Map<string, number>();
  private readonly syncing = new Map<string, Serialized>();

  constructor(
    endpoints: ServerEndpoint[],
    private readonly cookie: string,
    start: number,
  ) {
    super(endpoints, start);
  }

  protected open(endpoint: ServerEndpoint): AgentSocket {
    return agentSocket(endpoint, this.cookie);
  }

  protected listen(socket: AgentSocket): void {
    socket.on('message:new', (message) => {
      const log = this.logOf(message.conversationId);
      if (!log.take(message)) {
        log.gaps++;
        void this.catchUp(message.conversationId);
      }
    });
    socket.on('typing', (t) => this.typing.push(t));
    socket.on('conversation:updated', (c) =>
      this.visitorReadSeq.set(c.id, Math.max(this.visitorReadSeq.get(c.id) ?? 0, c.visitorReadSeq)),
    );
  }

  logOf(conversationId: string): ConversationLog {
    let log = this.logs.get(conversationId);
    if (!log) this.logs.set(conversationId, (log = new ConversationLog()));
    return log;
  }

  protected async caughtUp(): Promise<void> {
    await Promise.all([...this.logs.keys()].map((id) => this.catchUp(id)));
  }

  /** Syncs one conversation from its cursor (and starts following it). */
  catchUp(conversationId: string): Promise<void> {
    let sync = this.syncing.get(conversationId);
    if (!sync) this.syncing.set(conversationId, (sync = new Serialized()));
    return sync.run(() => this.syncPages(conversationId));
  }

  private async syncPages(conversationId: string): Promise<void> {
    const log = this.logOf(conversationId);
    for (;;) {
      const socket = this.socket;
      if (!socket?.connected) return;
      const page = await request<SyncResult<unknown>>(socket, 'conversation:sync', {
        conversationId,
        afterSeq: log.cursor,
      }).catch(() => undefined);
      if (!page?.ok) return;
      page.data.messages.forEach((m) => log.take(m));
      if (!page.data.hasMore) return;
    }
  }

  send(conversationId: string, body: string, clientId: string): Promise<Message> {
    return this.sendUntilAcked({ conversationId, clientId, body } as { clientId: string });
  }
}

/** Waits until `check` holds, polling; fails after `timeoutMs` with what `describe` says. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  describe: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${describe()}`);
    await pause(50);
  }
}
