import type { Message, SyncResult, VisitorConversation } from '../../protocol/schemas';
import { oldestPendingSeq, withTranslation, type TranslatedEvent } from '../../client/translations';

/** How a pushed message fitted: `gap` means messages before it are missing, so sync. */
type Arrival = 'appended' | 'gap' | 'known';

/**
 * The visitor's conversation as far as the widget knows it: messages by seq (never twice, always
 * in seq order) and how far the visitor's own messages were read. Seqs are per conversation, so
 * when the server starts a new conversation everything known about the old one is dropped.
 */
export class ConversationTimeline {
  private readonly bySeq = new Map<number, Message>();
  private conversationId: string | null = null;
  private highestSeq = 0;
  /** Every message up to this seq is known: the next sync asks for what follows it. */
  syncedSeq = 0;
  /** The visitor's messages up to this seq were read by an agent. */
  agentReadSeq = 0;
  /** The visitor has read everything up to this seq (as the server said, or as we reported). */
  visitorReadSeq = 0;
  /** Whether support closed the conversation; the visitor's next message reopens it. */
  resolved = false;

  messages(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  latestSeq(): number {
    return Math.max(this.syncedSeq, this.highestSeq);
  }

  /** Messages from the support side that the visitor has not read yet (counted, not sorted). */
  unreadCount(): number {
    let count = 0;
    for (const message of this.bySeq.values()) {
      if (message.seq > this.visitorReadSeq && isFromSupport(message)) count += 1;
    }
    return count;
  }

  /** Marks everything known as read; returns the seq to report, or null when nothing new was read. */
  markRead(): number | null {
    if (this.unreadCount() === 0) return null;
    this.visitorReadSeq = this.latestSeq();
    return this.visitorReadSeq;
  }

  reset(): void {
    this.bySeq.clear();
    this.conversationId = null;
    this.highestSeq = 0;
    this.syncedSeq = 0;
    this.agentReadSeq = 0;
    this.visitorReadSeq = 0;
    this.resolved = false;
  }

  /** A message pushed by the server (or returned by a send ack). */
  receive(message: Message): Arrival {
    if (message.internal) return 'known';
    this.adoptConversation(message.conversationId);
    // The server reopens a resolved conversation for the visitor's message.
    if (message.author.type === 'visitor') this.resolved = false;
    if (message.seq <= this.syncedSeq || this.bySeq.has(message.seq)) return 'known';
    this.add(message);
    if (message.seq !== this.syncedSeq + 1) return 'gap';
    this.advanceSyncedSeq();
    return 'appended';
  }

  /**
   * Where a catch-up sync starts: after the last contiguous message, or before the oldest one
   * whose translation was still on its way (its push may have come while we were away).
   */
  catchUpSeq(): number {
    const pending = oldestPendingSeq(this.bySeq.values());
    return pending === null ? this.syncedSeq : Math.min(this.syncedSeq, pending - 1);
  }

  /** A translation pushed for a message we hold; true when it changed what is shown. */
  applyTranslation(event: TranslatedEvent): boolean {
    if (event.conversationId !== this.conversationId) return false;
    const message = this.bySeq.get(event.seq);
    if (!message || message.id !== event.messageId) return false;
    const updated = withTranslation(message, event.translation);
    if (updated === message) return false;
    this.bySeq.set(event.seq, updated);
    return true;
  }

  /**
   * One page of `conversation:sync`. Returns 'switched' when the server now has another
   * conversation: the page was asked for with the old one's seq, so sync again from 0.
   */
  applySync(result: SyncResult<VisitorConversation>): 'applied' | 'switched' {
    const { conversation, messages } = result;
    if (conversation) {
      if (this.adoptConversation(conversation.id) === 'switched') return 'switched';
      this.applyConversation(conversation);
    }
    for (const message of messages) {
      if (message.conversationId !== this.conversationId) continue;
      if (!message.internal) this.add(message);
      this.syncedSeq = Math.max(this.syncedSeq, message.seq);
    }
    this.advanceSyncedSeq();
    return 'applied';
  }

  /** A `conversation:updated` push. Returns 'switched' when it is another conversation. */
  update(conversation: VisitorConversation): 'applied' | 'switched' {
    const adopted = this.adoptConversation(conversation.id);
    this.applyConversation(conversation);
    return adopted === 'switched' ? 'switched' : 'applied';
  }

  private adoptConversation(id: string): 'same' | 'switched' {
    if (this.conversationId === id) return 'same';
    const switched = this.conversationId !== null;
    if (switched) this.reset();
    this.conversationId = id;
    return switched ? 'switched' : 'same';
  }

  private applyConversation(conversation: VisitorConversation): void {
    // Pushes and sync replies can cross on the wire; read marks only move forward.
    this.agentReadSeq = Math.max(this.agentReadSeq, conversation.agentReadSeq);
    this.visitorReadSeq = Math.max(this.visitorReadSeq, conversation.visitorReadSeq);
    this.resolved = conversation.status === 'resolved';
  }

  private add(message: Message): void {
    this.bySeq.set(message.seq, message);
    this.highestSeq = Math.max(this.highestSeq, message.seq);
  }

  /** Messages that arrived ahead of a gap become contiguous once the gap is filled. */
  private advanceSyncedSeq(): void {
    while (this.bySeq.has(this.syncedSeq + 1)) this.syncedSeq += 1;
  }
}

/** Agents and bots answer the visitor; system notices and the visitor's own messages do not count. */
export function isFromSupport(message: Message): boolean {
  return message.author.type === 'agent' || message.author.type === 'bot';
}
