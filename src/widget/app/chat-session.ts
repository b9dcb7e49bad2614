import type { ErrorCode } from '../../protocol/errors';
import type { QueuePosition } from '../../protocol/routing-schemas';
import type { Availability, OfflineMessagePayload } from '../../protocol/offline-schemas';
import type { Message } from '../../protocol/schemas';
import type { InvitationOffer } from '../../protocol/visitor-schemas';
import { coalesce } from '../../client/coalesce';
import type { TranslatedEvent } from '../../client/translations';
import { ConversationTimeline, isFromSupport } from './conversation-timeline';
import { Outbox, deliveryOf, type Delivery, type OutboxItem } from '../../client/outbox';
import { retryDelay } from '../../client/retry-delay';
import type { KeyValueStorage } from '../../client/storage';
import { syncPageOf, type SyncPage } from './sync-reply';
import type { ConnectionListener, ConnectionStatus, VisitorSocket } from './visitor-connection';

/** How long a request waits for its ack before it counts as lost (and is retried). */
const ACK_TIMEOUT_MS = 10_000;
/** An agent shows as typing this long after their last report, in case the stop is lost. */
const AGENT_TYPING_MS = 6_000;

/**
 * A message the visitor wrote that has no server copy. One on its way shows after everything
 * delivered, in the order typed; one refused for good stays where it was when it failed: right
 * after the message with seq `afterSeq`.
 */
export type LocalMessage = OutboxItem &
  ({ state: 'sending' } | { state: 'failed'; errorCode: ErrorCode; afterSeq: number });

export interface ChatState {
  status: ConnectionStatus;
  messages: readonly Message[];
  local: readonly LocalMessage[];
  agentReadSeq: number;
  /** Support resolved the conversation, and the visitor has not written since. */
  resolved: boolean;
  /** Set while an agent types; `name` is null when the server did not say who. */
  agentTyping: { name: string | null } | null;
  unread: number;
  /** Set while the conversation waits for an agent: its place in line and a guess of the wait. */
  queue: { position: number; estimatedWaitSeconds: number | null } | null;
  /** Whether anyone can chat now; null until the server said. */
  availability: Availability | null;
  /**
   * An invitation the visitor answered, shown as the agent's message until the server's copy is
   * here: after the message with seq `afterSeq`, the last one when the visitor answered.
   */
  invitation?: (InvitationOffer & { afterSeq: number }) | null;
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
  /** True when up to date. Never rejects: a sync that threw failed, and its caller retries. */
  private readonly sync = coalesce(() => this.syncPages().catch(() => false));
  private socket: VisitorSocket | null = null;
  private connection: ConnectionStatus = 'connecting';
  private agentTyping: ChatState['agentTyping'] = null;
  private queue: ChatState['queue'] = null;
  private availability: Availability | null = null;
  private invitation: (InvitationOffer & { afterSeq: number }) | null = null;
  /** The server knows the visitor answered `invitation`. */
  private invitationTold = false;
  private telling: Promise<boolean> | null = null;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryAttempt = 0;
  private visible = false;
  /** Until the first sync completes, where a refused message falls in the history is unknown. */
  private historyLoaded = false;

  constructor(
    storage: KeyValueStorage,
    siteKey: string,
    private readonly changed: () => void,
  ) {
    this.outbox = new Outbox(storage, `parley:outbox:${siteKey}`, (item) => this.deliver(item));
    for (const item of this.outbox.items()) this.showSending(item);
  }

  state(): ChatState {
    return {
      status: this.connection,
      messages: this.timeline.messages(),
      local: [...this.local.values()],
      agentReadSeq: this.timeline.agentReadSeq,
      resolved: this.timeline.resolved && this.local.size === 0,
      agentTyping: this.agentTyping,
      unread: this.timeline.unreadCount(),
      queue: this.queue,
      availability: this.availability,
      invitation: this.invitationShown(),
    };
  }

  /**
   * The visitor pressed "Reply" on an invitation: it shows as the agent's message, and the
   * server hears of it before the visitor's next message, which then starts the conversation
   * with it.
   */
  answerInvitation(offer: InvitationOffer): void {
    this.invitation = { ...offer, afterSeq: this.timeline.latestSeq() };
    this.invitationTold = false;
    this.changed();
    void this.flushOutbox();
  }

  private invitationShown(): ChatState['invitation'] {
    const offer = this.invitation;
    if (!offer) return null;
    const stored = this.timeline
      .messages()
      .some((m) => m.meta?.kind === 'invitation' && m.meta.invitationId === offer.id);
    return stored ? null : offer;
  }

  /** True once the server knows (or need not); false when it could not be told yet. */
  private tellInvitation(): Promise<boolean> {
    // The answer and a send both flush: one ask at a time, which both wait for.
    this.telling ??= this.askInvitation().finally(() => (this.telling = null));
    return this.telling;
  }

  private async askInvitation(): Promise<boolean> {
    const offer = this.invitation;
    if (!offer || this.invitationTold) return true;
    const socket = this.socket;
    if (!socket?.connected) return false;
    try {
      const ack = await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('invitation:reply', { invitationId: offer.id });
      this.invitationTold = true;
      // Answered or dismissed elsewhere, or already chatting: the chat goes on without it.
      if (!ack.ok) this.invitation = null;
      this.changed();
      return true;
    } catch {
      return false;
    }
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
    socket.on('queue:position', (place) => this.showQueue(place));
    socket.on('availability', ({ availability }) => this.showAvailability(availability));
    socket.on('message:translated', (event) => this.receiveTranslation(event));
  }

  /** An agent's message now translated into the visitor's language (or failed, or pending). */
  receiveTranslation(event: TranslatedEvent): void {
    if (this.timeline.applyTranslation(event)) this.changed();
  }

  /** Stored at once, shown as sending, and sent when the connection allows. */
  send(body: string): void {
    this.showSending(this.outbox.enqueue({ body }));
    this.changed();
    // Before the first sync, a refusal would not know where in the history to show the message;
    // the catch-up after each connect syncs first and then sends the outbox.
    if (!this.historyLoaded) return;
    void this.flushOutbox().then((drained) => {
      if (!drained) this.scheduleRetry();
    });
  }

  /**
   * The pre-chat form's answers, sent now (never queued: the visitor waits on the form). Null
   * once stored; else the refusal's code, or 'offline' when there was no answer.
   */
  async identify(contact: {
    name?: string;
    email?: string;
    departmentId?: string;
  }): Promise<ErrorCode | 'offline' | null> {
    const socket = this.socket;
    if (!socket?.connected) return 'offline';
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('visitor:identify', contact);
      return ack.ok ? null : ack.error.code;
    } catch {
      return 'offline';
    }
  }

  /**
   * The leave-a-message form, sent now like the pre-chat form. Null once stored (the message
   * then shows in the chat); else the refusal's code, or 'offline' when there was no answer. A
   * retry with the same client id is the same message.
   */
  async leaveMessage(form: OfflineMessagePayload): Promise<ErrorCode | 'offline' | null> {
    const socket = this.socket;
    if (!socket?.connected) return 'offline';
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('offline:message', form);
      if (!ack.ok) return ack.error.code;
      this.show(ack.data.message);
      return null;
    } catch {
      return 'offline';
    }
  }

  reportTyping(typing: boolean): void {
    // Worth nothing later, so never queued while offline. Not `volatile` either: that drops a
    // report sent right after another one (the stop that follows a send), leaving "typing" on.
    if (this.socket?.connected) this.socket.emit('typing', { typing });
  }

  /** The unsent text, for agents on a site with the sneak peek on; never queued while offline. */
  reportDraft(text: string): void {
    if (this.socket?.connected) this.socket.emit('draft', { text });
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
    void this.pullAvailability();
  }

  identityReplaced(): void {
    this.timeline.reset();
    // When site data was cleared, the outbox went with the identity; what this tab still shows
    // as sending goes out again (same client ids), from the new visitor.
    this.outbox.restore(
      [...this.local.values()]
        .filter((local) => local.state === 'sending')
        .map(({ clientId, body }) => ({ clientId, body })),
    );
    this.changed();
  }

  /**
   * Asked after every (re)connect: a change pushed while this widget was disconnected is missed,
   * and this is what mends it. No answer leaves what was known.
   */
  private async pullAvailability(): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    try {
      const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('availability:get', {});
      if (ack.ok) this.showAvailability(ack.data.availability);
    } catch {
      // no answer in time: the next connect asks again, and pushes still arrive
    }
  }

  private showAvailability(availability: Availability): void {
    this.availability = availability;
    this.changed();
  }

  // ---- delivery ----

  /** After every (re)connect: fetch what was missed, then send what waits, in that order. */
  private async catchUp(): Promise<void> {
    const synced = await this.sync();
    if (synced) void this.askQueuePosition();
    const drained = await this.flushOutbox();
    if (synced && drained) this.retryAttempt = 0;
    else this.scheduleRetry();
  }

  /** A sync outside `catchUp` (a gap in pushes): retried the same way when it fails. */
  private async resync(): Promise<void> {
    if (!(await this.sync())) this.scheduleRetry();
  }

  /** True when the outbox is empty; false when an item waits, or a delivery threw. */
  private async flushOutbox(): Promise<boolean> {
    try {
      // The answer to an invitation goes first: the visitor's message then starts the conversation with it.
      if (!(await this.tellInvitation())) return false;
      return await this.outbox.flush();
    } catch {
      return false; // the item stays in the outbox; the retry sends it again
    }
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
    let first = true;
    for (;;) {
      const socket = this.socket;
      if (!socket?.connected) return false;
      const afterSeq = first ? this.timeline.catchUpSeq() : this.timeline.syncedSeq;
      first = false;
      let page: SyncPage | null;
      try {
        const ack: unknown = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('conversation:sync', { afterSeq });
        page = syncPageOf(ack);
      } catch {
        return false; // no ack in time, or the connection dropped
      }
      // An error ack, or a reply that is not a sync page: nothing of it was applied.
      if (!page) return false;
      const applied = this.timeline.applySync(page);
      this.forgetDelivered(page.messages);
      this.reportRead();
      this.changed();
      if (applied === 'switched') continue;
      // A page that claims more but does not move forward would loop forever.
      if (!page.hasMore || this.timeline.syncedSeq <= afterSeq) {
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
    if (delivery.status === 'delivered') {
      // The outbox drops the item itself once this returns: only the shown copy goes here.
      this.local.delete(item.clientId);
      this.show(delivery.message);
    }
    if (delivery.status === 'rejected') {
      this.showFailed(item, delivery.error.code);
      this.changed();
    }
    return delivery;
  }

  // ---- incoming ----

  /** A pushed message: possibly the echo of a send from this tab or another one. */
  private receive(message: Message): void {
    this.forgetDelivered([message]);
    this.show(message);
  }

  /** Adds a message from a push or a send ack to the timeline. */
  private show(message: Message): void {
    const arrival = this.timeline.receive(message);
    if (arrival === 'known') return;
    if (isFromSupport(message)) this.showAgentTyping(null);
    if (arrival === 'gap') void this.resync();
    this.reportRead();
    this.changed();
  }

  /**
   * Messages whose server copies are here no longer wait, however the copies came. One outbox
   * update for all of them (it reads and writes localStorage), so call it once per batch.
   */
  private forgetDelivered(messages: readonly Message[]): void {
    const delivered: string[] = [];
    for (const { clientId, author } of messages) {
      if (clientId === null || author.type !== 'visitor') continue;
      this.local.delete(clientId);
      delivered.push(clientId);
    }
    this.outbox.remove(...delivered);
  }

  private reportRead(): void {
    if (!this.visible || !this.socket?.connected) return;
    const seq = this.timeline.markRead();
    if (seq !== null) this.socket.emit('conversation:read', { seq });
  }

  private showSending({ clientId, body }: OutboxItem): void {
    this.local.set(clientId, { clientId, body, state: 'sending' });
  }

  private showFailed({ clientId, body }: OutboxItem, errorCode: ErrorCode): void {
    const afterSeq = this.timeline.latestSeq();
    this.local.set(clientId, { clientId, body, state: 'failed', errorCode, afterSeq });
  }

  /** Where the conversation is in line: pushes say when it moves; a (re)connect asks. */
  private async askQueuePosition(): Promise<void> {
    try {
      const ack = await this.socket?.timeout(ACK_TIMEOUT_MS).emitWithAck('queue:position', {});
      if (ack?.ok) this.showQueue(ack.data);
    } catch {
      // No answer: the next push or reconnect tells.
    }
  }

  private showQueue(place: QueuePosition | null): void {
    const waiting = place?.position ? place : null;
    this.queue = waiting && {
      position: waiting.position!,
      estimatedWaitSeconds: waiting.estimatedWaitSeconds,
    };
    this.changed();
  }

  private showAgentTyping(typing: ChatState['agentTyping']): void {
    clearTimeout(this.agentTypingTimer);
    this.agentTyping = typing;
    if (typing)
      this.agentTypingTimer = setTimeout(() => this.showAgentTyping(null), AGENT_TYPING_MS);
    this.changed();
  }
}
