import type { ErrorCode } from '../../protocol/errors';
import type { Message } from '../../protocol/schemas';
import { coalesce } from './coalesce';
import { ConversationTimeline, isFromSupport } from './conversation-timeline';
import { Outbox, deliveryOf, type Delivery, type OutboxItem } from './outbox';
import { retryDelay } from './retry-delay';
import type { KeyValueStorage } from './storage';
import type { ConnectionListener, ConnectionStatus, VisitorSocket } from './visitor-connection';

/** How long a request waits for its ack before it counts as lost (and is retried). */
const ACK_TIMEOUT_MS = 10_000;
/** An agent shows as typing this long after their last report, in case the stop is lost. */
const AGENT_TYPING_MS = 6_000;

/** A message the visitor wrote that has no server copy (yet, or ever when it failed). */
export interface LocalMessage extends OutboxItem {
  state: 'sending' | 'failed';
  errorCode: ErrorCode | null;
  /** Shown right after the message with this seq: where the visitor wrote it. */
  afterSeq: number;
}

/** Where messages go that were written before the history was loaded: after all of it. */
const AFTER_EVERYTHING = Number.MAX_SAFE_INTEGER;

export interface ChatState {
  status: ConnectionStatus;
  messages: readonly Message[];
  local: readonly LocalMessage[];
  agentReadSeq: number;
  /** Set while an agent types; `name` is null when the server did not say who. */
  agentTyping: { name: string | null } | null;
  unread: number;
}

/**
 * The visitor's side of the conversation: what is shown, what waits in the outbox, and the
 * realtime events that change them. It exists before the socket does, so the visitor can read
 * and write while the frame is still connecting; `attach` binds the socket when there is one.
 */
export class ChatSession implements ConnectionListener {
  private readonly timeline = new ConversationTimeline();
  private readonly outbox: Outbox;
  private readonly local = new Map<string, LocalMessage>();
  private readonly sync = coalesce(() => this.syncPages());
  private socket: VisitorSocket | null = null;
  private connection: ConnectionStatus = 'connecting';
  private agentTyping: ChatState['agentTyping'] = null;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAttempt = 0;
  private visible = false;
  /** Until the first sync completes, where a new message falls in the history is unknown. */
  private historyLoaded = false;

  constructor(
    storage: KeyValueStorage,
    siteKey: string,
    private readonly changed: () => void,
  ) {
    this.outbox = new Outbox(storage, `parley:outbox:${siteKey}`, (item) => this.deliver(item));
    for (const item of this.outbox.items()) this.showSending(item, AFTER_EVERYTHING);
  }

  state(): ChatState {
    return {
      status: this.connection,
      messages: this.timeline.messages(),
      local: [...this.local.values()],
      agentReadSeq: this.timeline.agentReadSeq,
      agentTyping: this.agentTyping,
      unread: this.timeline.unreadCount(),
    };
  }

  attach(socket: VisitorSocket): void {
    this.socket = socket;
    socket.on('message:new', (message) => this.receive(message));
    socket.on('conversation:updated', (conversation) => {
      if (this.timeline.update(conversation) === 'switched') void this.catchUp();
      this.changed();
    });
    socket.on('typing', ({ typing, agentName }) =>
      this.showAgentTyping(typing ? { name: agentName } : null),
    );
  }

  /** Stored at once, shown as sending, and sent when the connection allows. */
  send(body: string): void {
    const item = this.outbox.enqueue(body);
    this.showSending(item, this.historyLoaded ? this.timeline.latestSeq() : AFTER_EVERYTHING);
    this.changed();
    void this.outbox.flush().then((drained) => {
      if (!drained) this.scheduleRetry();
    });
  }

  reportTyping(typing: boolean): void {
    // Worth nothing later, so never queued while offline. Not `volatile` either: that drops a
    // report sent right after another one (the stop that follows a send), leaving "typing" on.
    if (this.socket?.connected) this.socket.emit('typing', { typing });
  }

  /** Whether the visitor can see the messages: only then do they count as read. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.reportRead();
    this.changed();
  }

  // ---- ConnectionListener ----

  status(status: ConnectionStatus): void {
    this.connection = status;
    if (status !== 'connected') {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.showAgentTyping(null);
    }
    this.changed();
  }

  connected(): void {
    this.retryAttempt = 0;
    void this.catchUp();
  }

  identityReplaced(): void {
    this.timeline.reset();
    this.changed();
  }

  // ---- delivery ----

  /** After every (re)connect: fetch what was missed, then send what waits, in that order. */
  private async catchUp(): Promise<void> {
    const synced = await this.sync();
    const drained = await this.outbox.flush();
    if (synced && drained) this.retryAttempt = 0;
    else this.scheduleRetry();
  }

  /** Retries while connected; a reconnect catches up by itself. */
  private scheduleRetry(): void {
    if (!this.socket?.connected || this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.catchUp();
    }, retryDelay(this.retryAttempt++));
  }

  /** `conversation:sync` from the last seq known, page after page. True when up to date. */
  private async syncPages(): Promise<boolean> {
    for (;;) {
      const socket = this.socket;
      if (!socket?.connected) return false;
      const afterSeq = this.timeline.syncedSeq;
      let ack;
      try {
        ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:sync', { afterSeq });
      } catch {
        return false; // no ack in time, or the connection dropped: the caller retries
      }
      if (!ack.ok) return false;
      const applied = this.timeline.applySync(ack.data);
      this.forgetDelivered(ack.data.messages);
      this.reportRead();
      this.changed();
      if (applied === 'switched') continue;
      // A page that claims more but does not move forward would loop forever.
      if (!ack.data.hasMore || this.timeline.syncedSeq <= afterSeq) {
        this.historyLoaded = true;
        return true;
      }
    }
  }

  private async deliver(item: OutboxItem): Promise<Delivery> {
    const socket = this.socket;
    // socket.io buffers emits made while offline and replays them on reconnect, next to our flush.
    if (!socket?.connected) return { status: 'deferred' };
    let delivery: Delivery;
    try {
      const payload = { clientId: item.clientId, body: item.body };
      delivery = deliveryOf(
        await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', payload),
      );
    } catch {
      return { status: 'deferred' }; // no ack: the resend is deduplicated by the client id
    }
    if (delivery.status === 'delivered') this.receive(delivery.message);
    if (delivery.status === 'rejected') {
      this.showFailed(item, delivery.error.code);
      this.changed();
    }
    return delivery;
  }

  // ---- incoming ----

  private receive(message: Message): void {
    const arrival = this.timeline.receive(message);
    this.forgetDelivered([message]);
    if (arrival === 'known') return;
    if (isFromSupport(message)) this.showAgentTyping(null);
    if (arrival === 'gap') {
      void this.sync().then((synced) => {
        if (!synced) this.scheduleRetry();
      });
    }
    this.reportRead();
    this.changed();
  }

  /** A message whose server copy is here no longer waits, however the copy came. */
  private forgetDelivered(messages: readonly Message[]): void {
    for (const { clientId, author } of messages) {
      if (clientId === null || author.type !== 'visitor') continue;
      this.local.delete(clientId);
      this.outbox.remove(clientId);
    }
  }

  private reportRead(): void {
    if (!this.visible || !this.socket?.connected) return;
    const seq = this.timeline.markRead();
    if (seq !== null) this.socket.emit('conversation:read', { seq });
  }

  private showSending({ clientId, body }: OutboxItem, afterSeq: number): void {
    this.local.set(clientId, { clientId, body, state: 'sending', errorCode: null, afterSeq });
  }

  private showFailed({ clientId, body }: OutboxItem, errorCode: ErrorCode): void {
    const afterSeq = this.local.get(clientId)?.afterSeq ?? this.timeline.latestSeq();
    this.local.set(clientId, { clientId, body, state: 'failed', errorCode, afterSeq });
  }

  private showAgentTyping(typing: ChatState['agentTyping']): void {
    clearTimeout(this.agentTypingTimer);
    this.agentTyping = typing;
    if (typing)
      this.agentTypingTimer = setTimeout(() => this.showAgentTyping(null), AGENT_TYPING_MS);
    this.changed();
  }
}
